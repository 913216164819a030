"""Classify one EU AI Act screening read from a JSON file or standard input.

    python manage.py classify screening.json
    python manage.py classify - < screening.json
    python manage.py classify --timeline newer-timeline.json screening.json

Print the classification as JSON on stdout and exit 0. On unreadable input, invalid JSON or a
screening that breaks the contract, print every problem on its own line on stderr and exit 2.
Nothing is read from or written to the database: the law applied is the shipped timeline, or
the timeline file given with ``--timeline`` (the same file ``load_timeline`` stores), checked the
same way before anything is classified.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from governance.classification.law_changes import LawVersionInvalid, read_timeline_file
from governance.classification.rules import ScreeningInvalid, classify
from governance.core.jsonparse import JSONInputError, parse_json

EXIT_INVALID = 2


# A screening is a few kilobytes; a megabyte is far beyond any real one.
MAX_INPUT_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Classify an EU AI Act screening (eu-ai-act-screening/1) read from FILE, or from "
        "standard input when FILE is '-', and print the classification as JSON."
    )
    # Pure computation: no system checks or migrations needed to classify a file.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="screening JSON file, or - for stdin")
        parser.add_argument(
            "--timeline",
            metavar="TIMELINE",
            help="classify under this regulatory timeline file instead of the shipped one",
        )

    def handle(self, *args, **options):
        timeline = self._timeline(options.get("timeline"))
        path = options["file"]
        text = self._read(path)
        try:
            data = parse_json(text, max_bytes=MAX_INPUT_BYTES)
        except JSONInputError as exc:
            self._fail([f"screening: {exc}"])
        try:
            result = classify(data, timeline=timeline)
        except ScreeningInvalid as exc:
            self._fail(exc.problems)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            # The engine validates first; this is the backstop that keeps "exit 2, never a
            # traceback" true for input its checks did not foresee.
            self._fail([f"screening: cannot be classified ({type(exc).__name__}: {exc})"])
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def _timeline(self, path: str | None):
        """Return the timeline of ``--timeline``, None for the shipped one, or exit 2."""
        if not path:
            return None
        try:
            return read_timeline_file(path)[1]
        except LawVersionInvalid as exc:
            self._fail([f"timeline: {exc}"])

    def _read(self, path: str) -> str:
        """Return the text of FILE or stdin, or exit 2 with a clear message."""
        if path == "-":
            try:
                raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            except (AttributeError, OSError):  # a text stream without bytes (tests, pipes)
                raw = sys.stdin.read(MAX_INPUT_BYTES + 1).encode("utf-8", "surrogateescape")
            return self._decode(raw, "standard input")
        try:
            with open(path, "rb") as fh:
                return self._decode(fh.read(MAX_INPUT_BYTES + 1), path)
        except FileNotFoundError:
            self._fail([f"FILE: no such file: {path}"])
        except IsADirectoryError:
            self._fail([f"FILE: is a directory, not a file: {path}"])
        except PermissionError:
            self._fail([f"FILE: permission denied: {path}"])
        except OSError as exc:
            self._fail([f"FILE: cannot read {path}: {exc.strerror}"])

    def _decode(self, raw: bytes, where: str) -> str:
        """Return ``raw`` as text, or exit 2 when it is too large or not UTF-8."""
        if len(raw) > MAX_INPUT_BYTES:
            self._fail([f"screening: {where} is larger than {MAX_INPUT_BYTES:,} bytes"])
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._fail([f"screening: {where} is not valid UTF-8 ({exc.reason})"])

    def _fail(self, problems: list[str]) -> None:
        """Print each problem on its own stderr line and exit with status 2."""
        for problem in problems:
            self.stderr.write(problem)
        self.stderr.flush()
        sys.exit(EXIT_INVALID)
