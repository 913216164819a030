"""Write the register as CSV or XLSX, safe to open in spreadsheet programs (no formulas)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from governance.register.spreadsheets import EXCEL_CELL_LIMIT, FORMULA_TRIGGERS, cell_text


def write_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    """Return a UTF-8 CSV (with BOM, CRLF, every field quoted) guarded against formulas."""
    buffer = io.StringIO(newline="")
    # Quoting every field is part of OWASP's CSV-injection advice; the BOM makes Excel read
    # the file as UTF-8 instead of the machine's legacy code page.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([_export_text(h) for h in headers])
    for row in rows:
        writer.writerow([_export_text(v) for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def _export_text(value: Any) -> str:
    """Render a value as cell text, guarding anything that could carry user-written text."""
    text = _plain_text(value)
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return text  # Python numbers and dates cannot smuggle a formula
    return _guard(text)


def _plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return cell_text(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_plain_text(v) for v in value)
    return str(value)


def _guard(value: str) -> str:
    """Prefix a quote to text a spreadsheet would otherwise run as a formula (OWASP)."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def write_xlsx(headers: list[str], rows: Iterable[list], *, sheet_title: str = "Register") -> bytes:
    """Return an XLSX workbook with a bold, frozen header row and fitted column widths.

    Text starting like a formula gets the same ``'`` prefix as in CSV and is always stored as
    text. Dates, datetimes and times are stored as real Excel dates; aware datetimes are
    converted to UTC because Excel has no time zones.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_title)
    widths: dict[int, int] = {}
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        _fit(widths, column, _set_xlsx_cell(cell, header if isinstance(header, str) else
                                            _plain_text(header)))  # fmt: skip
        cell.font = bold
    last_row = 1
    for last_row, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _fit(widths, column, _set_xlsx_cell(sheet.cell(row=last_row, column=column), value))
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last_row}"
    for column, width in widths.items():
        # Widths are in characters: pad for the filter button, cap so long text stays usable.
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    workbook.properties.creator = "Annex"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fit(widths: dict[int, int], column: int, text: str) -> None:
    longest = max((len(line) for line in text.split("\n")), default=0)
    widths[column] = max(widths.get(column, 0), longest)


def _set_xlsx_cell(cell, value: Any) -> str:
    """Store ``value`` in ``cell`` with a native type where safe; return its display text."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)  # Excel has no NaN or infinity
    if isinstance(value, bool | int | float | Decimal):
        cell.value = value
        return cell_text(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return value.isoformat()
    if isinstance(value, dt.time):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "hh:mm:ss"
        return value.isoformat()
    text = _guard(_plain_text(value))
    # XML cannot hold most control characters (openpyxl would raise), and Excel rejects
    # cells longer than its limit.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    cell.value = text
    cell.data_type = "s"  # openpyxl would otherwise take "=…" as a formula or "#N/A" as an error
    return text


def _sheet_title(title: str) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\ and not blank.
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title or "").strip().strip("'")[:31].strip()
    return cleaned or "Register"


# --------------------------------------------------------------------------------------------
# Streaming writers, for exports of any size: memory stays flat whatever the row count
# --------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One table of an export: a title, its headings, its rows (any iterable, read once)."""

    title: str
    headers: list[str]
    rows: Iterable[list]
    widths: list[int] = field(default_factory=list)  # in characters, per column


class _Line:
    """A file-like sink csv.writer writes one line into, for streaming."""

    def write(self, text: str) -> str:
        return text


def stream_csv(headers: list[str], rows: Iterable[list], *, lines_per_chunk: int = 200):
    """Yield a CSV as write_csv makes it (BOM, CRLF, all quoted, guarded), in chunks of bytes."""
    writer = csv.writer(_Line(), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield "\ufeff".encode() + writer.writerow([_export_text(h) for h in headers]).encode()
    lines = []
    for row in rows:
        lines.append(writer.writerow([_export_text(v) for v in row]))
        if len(lines) >= lines_per_chunk:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def write_csv_zip(sheets: Iterable[Sheet], target: IO[bytes]) -> None:
    """Write a ZIP of one CSV per sheet (``<title>.csv``, lower case) into ``target``."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            name = f"{_sheet_title(sheet.title).lower().replace(' ', '-')}.csv"
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in stream_csv(sheet.headers, sheet.rows):
                    member.write(chunk)


def write_workbook(sheets: Iterable[Sheet], target: IO[bytes]) -> None:
    """Write an XLSX workbook of several sheets into ``target`` with bounded memory.

    openpyxl's write-only mode spools each sheet's rows to a temporary file as they come,
    so the rows are never all in memory. Cells follow write_xlsx's rules (formula guard,
    text stays text, real dates, UTC datetimes); widths come from the sheet, as fitting
    them would need every row first.
    """
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title))
        for column, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = width
        worksheet.freeze_panes = "A2"
        header = []
        for title in sheet.headers:
            cell = WriteOnlyCell(worksheet, value=_guard(_plain_text(title)))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        last_row = 1
        for row in sheet.rows:
            worksheet.append([_write_only_value(worksheet, value) for value in row])
            last_row += 1
        if sheet.headers:
            worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{last_row}"
    workbook.properties.creator = "Annex"
    workbook.save(target)


def _write_only_value(worksheet, value: Any) -> Any:
    """Return what to append for ``value``: a plain value, or a cell forced to text."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bool | int | float | Decimal | dt.time):
        return value.replace(tzinfo=None) if isinstance(value, dt.time) else value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", _guard(_plain_text(value)))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    if text in ERROR_CODES:
        # openpyxl would store "#N/A" as an error value; a guarded text never starts with "=".
        cell = WriteOnlyCell(worksheet, value=text)
        cell.data_type = "s"
        return cell
    return text
