"""Classify one EU AI Act screening read from a JSON file or standard input.

    python manage.py classify screening.json
    python manage.py classify - < screening.json

Print the classification as JSON on stdout and exit 0. On unreadable input, invalid JSON or a
screening that breaks the contract, print every problem on its own line on stderr and exit 2.
Nothing is read from or written to the database.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from governance.classification.rules import ScreeningInvalid, classify

EXIT_INVALID = 2


def _reject_constant(name: str) -> float:
    # JSON has no NaN or Infinity; Python's parser accepts them unless told otherwise.
    raise ValueError(f"{name} is not valid JSON")


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

    def handle(self, *args, **options):
        path = options["file"]
        text = self._read(path)
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            self._fail(
                [f"screening: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
            )
        except ValueError as exc:
            self._fail([f"screening: invalid JSON: {exc}"])
        try:
            result = classify(data)
        except ScreeningInvalid as exc:
            self._fail(exc.problems)
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def _read(self, path: str) -> str:
        """Return the text of FILE or stdin, or exit 2 with a clear message."""
        if path == "-":
            try:
                return sys.stdin.read()
            except UnicodeDecodeError as exc:
                self._fail([f"screening: standard input is not valid UTF-8: {exc.reason}"])
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        except FileNotFoundError:
            self._fail([f"FILE: no such file: {path}"])
        except IsADirectoryError:
            self._fail([f"FILE: is a directory, not a file: {path}"])
        except PermissionError:
            self._fail([f"FILE: permission denied: {path}"])
        except UnicodeDecodeError as exc:
            self._fail([f"FILE: not valid UTF-8: {path} ({exc.reason})"])
        except OSError as exc:
            self._fail([f"FILE: cannot read {path}: {exc.strerror}"])

    def _fail(self, problems: list[str]) -> None:
        """Print each problem on its own stderr line and exit with status 2."""
        for problem in problems:
            self.stderr.write(problem)
        self.stderr.flush()
        sys.exit(EXIT_INVALID)
