"""Read an Annex export back: the XLSX workbook (Systems, Vendors, Models) or the ZIP of CSVs.

The same bounds as every import: the upload's size, the workbook's container checks against
zip bombs (governance.register.spreadsheets), rows per sheet, and for a ZIP the declared and
the actual size of each CSV.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile

import openpyxl

from governance.register import spreadsheets
from governance.register.spreadsheets import SpreadsheetError, Table, read_table

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000  # per sheet, as the systems import
# The tables of an export, by the sheet (or CSV file) that holds each.
SHEETS = {"vendors": "Vendors", "models": "Models", "systems": "Systems"}
NOT_AN_EXPORT = (
    "This file is not an Annex export. Upload the XLSX workbook (sheets Systems, Vendors and "
    "Models) or the ZIP of CSV files that the register's export makes."
)
_MAX_CSV_IN_ZIP = 8 * 1024 * 1024
_MAX_ZIP_RATIO = 100


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def read_export(data: bytes, filename: str = "") -> tuple[dict[str, Table], str]:
    """Return ({"vendors"|"models"|"systems": Table}, "xlsx"|"zip") for an uploaded export.

    Raise ``SpreadsheetError`` with a message for the user: too large, not an export, a
    sheet missing, a damaged or oversized file.
    """
    if not data:
        raise SpreadsheetError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(
            f"The file is {_megabytes(len(data))} MB; the limit is {_megabytes(MAX_BYTES)} MB."
        )
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise SpreadsheetError(NOT_AN_EXPORT)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SpreadsheetError(NOT_AN_EXPORT) from exc
    if "xl/workbook.xml" in names:
        return _read_workbook(data), "xlsx"
    return _read_csv_zip(data), "zip"


def _missing(found: dict, where: str) -> None:
    missing = [title for key, title in SHEETS.items() if key not in found]
    if missing:
        listed = ", ".join(missing)
        raise SpreadsheetError(
            f"{NOT_AN_EXPORT} The {where} has no {listed} "
            f"{'sheet' if where == 'workbook' else 'file'}"
            f"{'s' if len(missing) > 1 else ''}."
        )


def _read_workbook(data: bytes) -> dict[str, Table]:
    spreadsheets._check_xlsx_container(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many unrelated types for broken files
        raise SpreadsheetError(spreadsheets.DAMAGED_XLSX) from exc
    try:
        by_title = {sheet.title.strip().casefold(): sheet for sheet in workbook.worksheets}
        found = {k: by_title[t.casefold()] for k, t in SHEETS.items() if t.casefold() in by_title}
        _missing(found, "workbook")
        return {key: _sheet_table(sheet) for key, sheet in found.items()}
    finally:
        workbook.close()


def _sheet_table(sheet) -> Table:
    sheet.reset_dimensions()
    records = spreadsheets._xlsx_records(sheet)
    try:
        table = spreadsheets._build_table(records, MAX_ROWS, format="xlsx")
    except SpreadsheetError as exc:
        raise SpreadsheetError(f"Sheet {sheet.title}: {exc}") from exc
    finally:
        records.close()
    table.sheet_name = sheet.title
    return table


def _read_csv_zip(data: bytes) -> dict[str, Table]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = {}
        for info in archive.infolist():
            stem = re.sub(r"\.csv$", "", info.filename.rsplit("/", 1)[-1].casefold())
            key = next((k for k, t in SHEETS.items() if t.casefold() == stem), None)
            if key is not None and not info.is_dir():
                infos[key] = info
        _missing(infos, "ZIP")
        return {key: _zip_table(archive, info, key) for key, info in infos.items()}


def _zip_table(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> Table:
    name = info.filename.rsplit("/", 1)[-1]
    if info.flag_bits & 0x1:
        raise SpreadsheetError(f"{name} is encrypted; export the register again.")
    if info.file_size > _MAX_CSV_IN_ZIP or info.file_size > _MAX_ZIP_RATIO * max(
        info.compress_size, 1
    ):
        raise SpreadsheetError(f"{name} expands to more data than can be restored.")
    with archive.open(info) as member:
        # The declared size can lie: never read more than the limit allows.
        content = member.read(_MAX_CSV_IN_ZIP + 1)
    if len(content) > _MAX_CSV_IN_ZIP:
        raise SpreadsheetError(f"{name} expands to more data than can be restored.")
    try:
        table = read_table(content, name, max_bytes=_MAX_CSV_IN_ZIP, max_rows=MAX_ROWS)
    except SpreadsheetError as exc:
        raise SpreadsheetError(f"{name}: {exc}") from exc
    table.sheet_name = SHEETS[key]
    return table
