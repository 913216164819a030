"""Export the register, as filtered on screen, to CSV or XLSX with a stable set of columns."""

from collections.abc import Iterable, Iterator

from django.utils import timezone

from governance.register.models import AffectedPersons, AISystem
from governance.register.spreadsheet_writing import _export_text
from governance.register.spreadsheets import write_csv, write_xlsx

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Rows are fetched in chunks, each with its tags and models: memory stays flat for big registers.
CHUNK_SIZE = 1000

_AFFECTED = {value: str(label) for value, label in AffectedPersons.choices}


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _email(user) -> str:
    return user.email if user is not None else ""


# (header, value) in the order of the file; importers and people rely on this order and wording.
COLUMNS = [
    ("Reference", lambda s: s.reference),
    ("Name", lambda s: s.name),
    ("Intended purpose", lambda s: s.intended_purpose),
    ("Operator role", lambda s: s.get_operator_role_display()),
    ("Lifecycle stage", lambda s: s.get_lifecycle_stage_display()),
    ("Deployment context", lambda s: s.get_deployment_context_display()),
    ("Vendor", lambda s: s.vendor.name if s.vendor is not None else ""),
    ("Business owner email", lambda s: _email(s.business_owner)),
    ("Technical owner email", lambda s: _email(s.technical_owner)),
    ("Personal data", lambda s: _yes_no(s.processes_personal_data)),
    ("Biometric data", lambda s: _yes_no(s.processes_biometric_data)),
    ("Special categories of data", lambda s: _yes_no(s.processes_special_categories)),
    (
        "Affected persons",
        lambda s: "; ".join(_AFFECTED.get(p, p) for p in s.affected_persons or []),
    ),
    ("Human oversight", lambda s: s.human_oversight),
    ("Placed on the market", lambda s: s.placed_on_market_on),
    ("Put into service", lambda s: s.put_into_service_on),
    ("EU database id", lambda s: s.eu_database_id),
    ("Tags", lambda s: ", ".join(t.name for t in s.tags.all())),
    ("Models", lambda s: "; ".join(str(m) for m in s.ai_models.all())),
    ("Risk tier", lambda s: s.get_risk_tier_display()),
    ("Classified at", lambda s: s.classified_at),
]
HEADERS = [header for header, _value in COLUMNS]


def export_rows(systems: Iterable[AISystem]) -> Iterator[list]:
    for system in systems:
        yield [value(system) for _header, value in COLUMNS]


def export_systems(queryset, fmt: str) -> tuple[bytes, str, str]:
    """Return (file content, content type, file name) for the systems of `queryset`.

    `queryset` must prefetch tags and models (see selectors.systems_for_export).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format: {fmt}")
    systems = queryset.iterator(chunk_size=CHUNK_SIZE)
    rows = export_rows(systems)
    if fmt == "csv":
        content = write_csv(HEADERS, rows)
    else:
        content = write_xlsx(HEADERS, rows, sheet_title="AI systems")
    filename = f"ai-systems-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return content, FORMATS[fmt], filename


class _Line:
    """A file-like sink csv.writer writes one line into, for streaming."""

    def write(self, text: str) -> str:
        return text


def stream_csv(queryset) -> Iterator[bytes]:
    """Yield the CSV export in chunks: memory stays bounded whatever the register's size.

    `queryset` must prefetch tags and models (see selectors.systems_for_export); rows are
    fetched CHUNK_SIZE at a time, each chunk with its tags and models.
    """
    import csv

    writer = csv.writer(_Line(), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield "\ufeff".encode() + writer.writerow([_export_text(h) for h in HEADERS]).encode()
    lines = []
    for row in export_rows(queryset.iterator(chunk_size=CHUNK_SIZE)):
        lines.append(writer.writerow([_export_text(v) for v in row]))
        if len(lines) >= 200:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def export_filename(organization, fmt: str) -> str:
    return f"{organization.slug}-ai-systems-{timezone.localdate():%Y-%m-%d}.{fmt}"
