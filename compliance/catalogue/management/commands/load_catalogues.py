"""Load catalogue files: `manage.py load_catalogues [FILES…] [--organization SLUG]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from compliance.catalogue.loader import CatalogueInvalid
from compliance.catalogue.services import load_catalogue_files, shipped_catalogue_files
from governance.tenancy.models import Organization


class Command(BaseCommand):
    help = (
        "Validate and load catalogue files (format annex-catalogue/1, see "
        "fixtures/catalogues/README.md). Without FILES, load the shipped catalogues. Loading a "
        "loaded version again does nothing; changed content needs a new version number."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="catalogue files (.yaml, .yml or .json)")
        parser.add_argument(
            "--organization",
            metavar="SLUG",
            help="load as this organisation's own framework (visible to it alone)",
        )

    def handle(self, *args, files, organization, **options):
        org = None
        if organization:
            org = Organization.objects.filter(slug=organization).first()
            if org is None:
                raise CommandError(f"--organization: no organisation with slug {organization!r}")
        paths = [Path(f) for f in files] if files else shipped_catalogue_files()
        if org is not None and not files:
            raise CommandError("--organization needs the FILES to load")
        try:
            with transaction.atomic():
                results = load_catalogue_files(paths, organization=org)
        except CatalogueInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was loaded") from None
        for r in results:
            extra = f", {r.mappings_added} mapping(s) added" if r.mappings_added else ""
            self.stdout.write(f"{r.filename}: {r.slug} {r.version} {r.status}{extra}")
