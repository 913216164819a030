"""Write public register files: one system's record, or the whole register at once.

The Dutch register takes one record per algorithm (its submission API, "aanleverapi" v1.0,
creates one algorithm per request), so the whole register is a ZIP of one JSON record per
system plus ``validation.json``, the readiness of each (what is missing, each problem). A file
with something missing says so in its name ("…-incomplete.json"); the record itself keeps only
the standard's properties, so the register's own validation reads it unchanged. The ATRS
register-wide file is a CSV (or XLSX) with one row per system and a last column listing what
Annex still lacks.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from django.utils import timezone

from governance.register.public_registers import uk_atrs
from governance.register.public_registers.missing import Readiness, atrs_readiness, nl_readiness
from governance.register.spreadsheet_writing import write_csv, write_xlsx

MISSING_HEADING = "Missing in Annex"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _slug(text: str) -> str:
    return _UNSAFE.sub("-", text).strip("-.")[:80] or "system"


def record_filename(system, standard: str, readiness: Readiness, ext: str = "json") -> str:
    """Return e.g. "HR-007-nl-v1.0.json", or "HR-007-nl-v1.0-incomplete.json"."""
    suffix = "" if readiness.valid else "-incomplete"
    return f"{_slug(system.reference or str(system.uuid))}-{standard}{suffix}.{ext}"


def record_json(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")


def nl_zip(systems, *, category: str | None = None) -> bytes:
    """Return a ZIP of one v1.0 record per system and validation.json with each one's readiness."""
    buffer = io.BytesIO()
    report = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for system in systems:
            readiness = nl_readiness(system, category=category)
            name = record_filename(system, "nl-v1.0", readiness)
            archive.writestr(f"records/{name}", record_json(readiness.record))
            report.append({"file": f"records/{name}", "system": str(system.uuid),
                           **_summary(readiness)})  # fmt: skip
        report_json = json.dumps({"records": report}, ensure_ascii=False, separators=(",", ":"))
        archive.writestr("validation.json", report_json.encode("utf-8"))
    return buffer.getvalue()


def nl_list(systems, *, category: str | None = None) -> list[dict]:
    """Return each system's readiness (record, missing, problems) for the API."""
    return [
        {"system": str(s.uuid), "name": s.name, **nl_readiness(s, category=category).as_dict()}
        for s in systems
    ]


def atrs_list(systems) -> list[dict]:
    return [{"system": str(s.uuid), "name": s.name, **atrs_readiness(s).as_dict()} for s in systems]


def atrs_rows(systems) -> tuple[list[str], list[list[str]]]:
    """Return the ATRS headings and one row per system, with what Annex still lacks last."""
    rows = []
    for system in systems:
        readiness = atrs_readiness(system)
        lacking = "; ".join(m.message for m in readiness.missing)
        rows.append([*uk_atrs.csv_row(system), lacking])
    return [*uk_atrs.csv_headings(), MISSING_HEADING], rows


def atrs_csv(systems) -> bytes:
    return write_csv(*atrs_rows(systems))


def atrs_xlsx(systems) -> bytes:
    return write_xlsx(*atrs_rows(systems), sheet_title="ATRS")


def register_filename(organization, standard: str, ext: str) -> str:
    return f"{organization.slug}-{standard}-{timezone.localdate().isoformat()}.{ext}"


def _summary(readiness: Readiness) -> dict:
    return {
        "valid": readiness.valid,
        "missing": [m.as_dict() for m in readiness.missing],
        "errors": [e.as_dict() for e in readiness.errors],
    }
