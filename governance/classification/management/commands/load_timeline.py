"""Load a version of the regulatory timeline and re-evaluate every stored screening against it.

    python manage.py load_timeline                    # the shipped fixtures/eu_ai_act/timeline.json
    python manage.py load_timeline amendment.json     # another version, e.g. a new amendment

Run on upgrade. No classification is written: each classified system gets a reassessment that
says what the new version would change, and systems whose result changes are flagged for
review (Register → Law changes; GET /api/v1/o/<org>/law-changes/). Each classified system's
own obligation dates (Art. 111) are recomputed too, which fills them in after an upgrade.
Safe to run twice.
A malformed file exits with status 2 and the reason on stderr.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from governance.classification import law_changes
from governance.classification.timeline import DEFAULT_PATH
from governance.core.request_context import request_meta

EXIT_INVALID = 2


class Command(BaseCommand):
    help = (
        "Load a version of the EU AI Act timeline (default: the shipped file) and re-evaluate "
        "every current classification against it, without writing classifications."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_PATH), help="timeline JSON")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            data, timeline = law_changes.read_timeline_file(path)
            with request_meta(via="command"):
                law_changes.load_law_version(data=data, timeline=timeline, loaded_from=path)
                counts = law_changes.reassess_all(timeline)
                refreshed = law_changes.refresh_all_dates()
        except law_changes.LawVersionInvalid as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(EXIT_INVALID)
        self.stdout.write(
            f"Timeline version {timeline.version} loaded. Re-evaluated "
            f"{counts['reassessed']} classification(s): {counts['changed']} would change and "
            f"are flagged for review, {counts['unchanged']} unchanged. Each system's own "
            f"dates recomputed for {refreshed} system(s)."
        )
