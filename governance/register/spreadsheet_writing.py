"""Write the register as CSV or XLSX, safe to open in spreadsheet programs (no formulas)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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
