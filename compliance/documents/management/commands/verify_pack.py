"""python manage.py verify_pack PACK.zip: check an evidence pack against its manifest."""

from django.core.management.base import BaseCommand

from compliance.documents.verify_pack import verify


class Command(BaseCommand):
    help = "Verify an evidence pack: every file's size and SHA-256 against manifest.json."

    def add_arguments(self, parser):
        parser.add_argument("pack", help="the ZIP file")

    def handle(self, *args, pack, **options):
        try:
            problems = verify(pack)
        except ValueError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(2) from exc
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            self.stderr.write(f"{pack}: {len(problems)} difference(s): the pack is NOT intact.")
            raise SystemExit(1)
        self.stdout.write(f"{pack}: every file matches its manifest.")
