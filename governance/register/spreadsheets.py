"""Read and write the AI system register as CSV or XLSX.

``read_table`` turns an uploaded file into headers and string rows, telling CSV from XLSX by
content and rejecting anything else with a message fit to show the user. ``suggest_mapping``
proposes which column feeds which register field. ``write_csv`` and ``write_xlsx`` export rows
with the spreadsheet formula-injection guard recommended by OWASP.

This module is pure: no Django, no database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

__all__ = [
    "SpreadsheetError",
    "Table",
    "read_table",
    "suggest_mapping",
    "write_csv",
    "write_xlsx",
]

NOT_A_SPREADSHEET = "This file is not a CSV or XLSX spreadsheet."
DAMAGED_XLSX = "The XLSX file is damaged and cannot be opened. Save it again in Excel and retry."
PASSWORD_PROTECTED = (
    "This spreadsheet is password-protected. Remove the password in Excel "
    "(File › Info › Protect Workbook) and upload it again."
)

# A 5 MB upload may legitimately expand a lot (XML is verbose), but not without bound: this
# caps what a zip bomb can make openpyxl inflate.
MAX_XLSX_UNCOMPRESSED = 32 * 1024 * 1024
# Bounds checked on the file's own declarations before openpyxl reads a byte of XML: spreadsheet
# XML compresses about 10-30 times; a part that claims far more is a decompression bomb.
MAX_COMPRESSION_RATIO = 100
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
MAX_SHARED_STRINGS = 500_000
# Rows streamed (blank ones included) and cells read, whatever the sheet's declared dimension.
MAX_SHEET_ROWS = 20_000
MAX_CELLS = 1_000_000
# Excel refuses cells longer than this; openpyxl would write them and Excel would "repair" them.
EXCEL_CELL_LIMIT = 32_767
# Excel's own column limit; a wider "header" is not a register.
MAX_COLUMNS = 16_384
# OWASP CSV injection: cells starting with these may be run as formulas by spreadsheet apps.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_CSV_DELIMITERS = (",", ";", "\t", "|")
_NO_DELIMITER = "\x1e"

# Signatures of common files people upload by mistake; they can look like text to a decoder.
_NOT_SPREADSHEET_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"%!PS",
    b"{\\rtf",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF",
    b"\x7fELF",
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# C0 controls except tab, line feed, form feed, carriage return and DOS end-of-file, plus DEL
# and C1 controls (which cp1252 never produces and UTF-8 text almost never holds).
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f-\x9f]")


class SpreadsheetError(ValueError):
    """Signal a file that cannot be imported; the message is meant for the user."""


@dataclass
class Table:
    """Hold a sheet's headers and data rows, each row with its spreadsheet row number."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    format: str = "csv"  # "csv" or "xlsx"
    sheet_name: str = ""  # XLSX only: the sheet that was read


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_table(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = 5 * 1024 * 1024,
    max_rows: int = 10_000,
) -> Table:
    """Read an uploaded CSV or XLSX file into a ``Table``.

    The format is decided by content; ``filename`` only improves error messages. From a
    workbook, read the sheet named like the register ("Register", "AI systems"…) or else the
    first visible one. The first non-empty row is the header. Raise
    ``SpreadsheetError`` with a user-facing message for anything that cannot be imported.
    """
    if not data:
        raise SpreadsheetError("The file is empty.")
    if len(data) > max_bytes:
        raise SpreadsheetError(
            f"The file is {_megabytes(len(data), up=True)} MB; "
            f"the limit is {_megabytes(max_bytes)} MB."
        )
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_xlsx(data, max_rows)
    if data.startswith(_OLE2_MAGIC):
        raise SpreadsheetError(_ole2_message(data, filename))
    if data.startswith(_NOT_SPREADSHEET_MAGIC):
        raise SpreadsheetError(NOT_A_SPREADSHEET)
    text = _decode_text(data)
    return _build_table(_csv_records(text), max_rows, format="csv")


def _megabytes(size: int, *, up: bool = False) -> str:
    value = size / (1024 * 1024)
    # Round sizes up so a file just over the limit never reads as "5 MB; the limit is 5 MB".
    value = math.ceil(value * 10) / 10 if up else round(value, 1)
    return f"{value:g}"


def _ole2_message(data: bytes, filename: str) -> str:
    # Excel wraps encrypted .xlsx files in an OLE2 container holding an "EncryptedPackage"
    # stream; directory entry names are stored as UTF-16LE.
    if "EncryptedPackage".encode("utf-16-le") in data:
        return PASSWORD_PROTECTED
    if "Workbook".encode("utf-16-le") in data or filename.lower().endswith(".xls"):
        return (
            f"{NOT_A_SPREADSHEET} It looks like an old Excel 97–2003 (.xls) workbook; "
            "save it as .xlsx or .csv and upload it again."
        )
    return NOT_A_SPREADSHEET


def _decode_text(data: bytes) -> str:
    """Decode CSV bytes (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252)."""
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode Text" export.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SpreadsheetError(NOT_A_SPREADSHEET) from None
    elif b"\x00" in data:
        raise SpreadsheetError(NOT_A_SPREADSHEET)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_windows_1252(data)
    if text is None or _has_binary_characters(text):
        raise SpreadsheetError(NOT_A_SPREADSHEET)
    return text.removeprefix("\ufeff").rstrip("\x1a")


NOT_UTF8 = (
    "The file is not UTF-8 text and does not read as Western European (Windows-1252) text "
    "either; it may be in another encoding such as Shift-JIS. Save it as \u201cCSV UTF-8\u201d "
    "and upload it again."
)
# Besides accented Latin letters, the characters Windows-1252 text commonly holds.
_LATIN_PUNCTUATION = frozenset(
    "\u00a0\u20ac\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u2122"
    "\u00b0\u00a7\u00a3\u00a5\u00a9\u00ae\u00ab\u00bb\u00b7\u00b1\u00d7"
    "\u00bf\u00a1\u00aa\u00ba\u00b2\u00b3\u00b5\u00bc\u00bd\u00be"
)


def _decode_windows_1252(data: bytes) -> str:
    """Decode an Excel "CSV" export from Western Windows, refusing text in another encoding.

    Windows-1252 maps almost every byte to some character, so Shift-JIS, GB18030 or KOI8 bytes
    would "decode" into nonsense. Accept the result only when it reads like Latin text: accented
    letters and common punctuation, never two such characters in a row unless one is a
    lowercase letter (as in "créée", but not "Š¿", which is how 漢 comes out).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SpreadsheetError(NOT_UTF8) from None
    previous = ""
    for char in text:
        if char.isascii():
            previous = ""
            continue
        latin_letter = "\u00c0" <= char <= "\u017f" and char.isalpha()
        if not latin_letter and char not in _LATIN_PUNCTUATION:
            raise SpreadsheetError(NOT_UTF8)
        if previous and not (previous.islower() or char.islower()):
            raise SpreadsheetError(NOT_UTF8)
        previous = char
    return text


def _has_binary_characters(text: str) -> bool:
    # Real CSVs hold tabs and line breaks but not other control characters; binary files do.
    return _CONTROL_CHARS_RE.search(text) is not None


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) for every CSV record, blank ones included."""
    first_line, _, rest = text.partition("\n")
    # Excel understands a first line "sep=;" and does not show it, so neither do we.
    sep_hint = re.fullmatch(r"sep=(.)\r?", first_line)
    if sep_hint:
        delimiter, text = sep_hint.group(1), rest
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, record
    except csv.Error as exc:
        raise SpreadsheetError(
            f"Row {number + 1} of the CSV file could not be read ({exc}). "
            "Check its quotation marks."
        ) from exc


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the header into most columns, consistently across rows."""
    sample = text[:65536]
    truncated = len(text) > len(sample)
    # A file that no candidate splits is a single column; split it on a control character that
    # cannot occur (they are rejected above) so commas inside values stay put.
    best, best_score = _NO_DELIMITER, (0.0, 0, 0)
    for priority, delimiter in enumerate(_CSV_DELIMITERS):
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            rows = [r for r in reader if any(cell.strip() for cell in r)]
        except csv.Error:
            continue
        if not rows:
            return delimiter  # nothing but blanks and delimiters: there is no header anyway
        if truncated and len(rows) > 1:
            rows.pop()  # the sample may end in the middle of a record
        rows = rows[:50]
        if len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistency = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistency, width, -priority)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    _check_xlsx_container(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, slicers…); they do not
            # affect cell values.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many unrelated types for broken files
        raise SpreadsheetError(DAMAGED_XLSX) from exc
    try:
        sheet = _choose_sheet(workbook)
        if sheet is None:
            raise SpreadsheetError("The workbook has no worksheets.")
        # Writers often store a wrong "dimension"; openpyxl would trust it and stop early.
        sheet.reset_dimensions()
        records = _xlsx_records(sheet)
        try:
            table = _build_table(records, max_rows, format="xlsx")
        finally:
            records.close()
        table.sheet_name = sheet.title
        return table
    finally:
        workbook.close()


def _xlsx_records(sheet) -> Generator[tuple[int, list[Any]], None, None]:
    """Yield (row number, values) for every row of ``sheet``, blank ones included."""
    number = cells = 0
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells += len(values)
            if number > MAX_SHEET_ROWS or cells > MAX_CELLS:
                raise SpreadsheetError(
                    TOO_BIG_XLSX.format(
                        what=f"more than {MAX_SHEET_ROWS:,} rows or {MAX_CELLS:,} cells"
                    )
                )
            yield number, list(values)
        return
    except SpreadsheetError:
        raise
    except Exception as exc:  # broken sheet XML only surfaces while streaming
        raise SpreadsheetError(
            f"The XLSX file is damaged near row {number + 1} and cannot be read."
        ) from exc


def _check_xlsx_container(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SpreadsheetError(DAMAGED_XLSX) from exc
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if any(info.flag_bits & 0x1 for info in infos):
            raise SpreadsheetError(PASSWORD_PROTECTED)
        if "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise SpreadsheetError(
                    f"{NOT_A_SPREADSHEET} It is an Excel binary workbook (.xlsb); "
                    "save it as .xlsx or .csv and upload it again."
                )
            if "content.xml" in names and "mimetype" in names:
                raise SpreadsheetError(
                    f"{NOT_A_SPREADSHEET} It is an OpenDocument file (.ods); "
                    "save it as .xlsx or .csv and upload it again."
                )
            raise SpreadsheetError(NOT_A_SPREADSHEET)
        if sum(info.file_size for info in infos) > MAX_XLSX_UNCOMPRESSED:
            raise SpreadsheetError(
                "The XLSX file expands to more data than can be imported. "
                "Remove unused sheets or save it as CSV."
            )
        _check_xlsx_parts(archive, infos)


TOO_BIG_XLSX = (
    "The XLSX file expands to more data than can be imported ({what}). "
    "Remove unused sheets, rows and columns, or save it as CSV."
)


def _check_xlsx_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose parts declare more work than an import may take."""
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise SpreadsheetError(
                TOO_BIG_XLSX.format(what=f"{info.filename} is compressed {ratio:,} to 1")
            )
    shared = next((i for i in infos if i.filename == "xl/sharedStrings.xml"), None)
    if shared is not None:
        if shared.file_size > MAX_SHARED_STRINGS_BYTES:
            raise SpreadsheetError(TOO_BIG_XLSX.format(what="its shared text is too large"))
        count = _xml_attribute(archive, shared, b"<sst", (b"uniqueCount", b"count"))
        if count is not None and count > MAX_SHARED_STRINGS:
            raise SpreadsheetError(
                TOO_BIG_XLSX.format(
                    what=f"{count:,} shared strings; the limit is {MAX_SHARED_STRINGS:,}"
                )
            )


def _xml_attribute(archive, info, element: bytes, names: tuple[bytes, ...]) -> int | None:
    """Return the first integer attribute among ``names`` of ``element`` in the part's head."""
    with archive.open(info) as part:
        head = part.read(4096)
    start = head.find(element)
    if start == -1:
        return None
    end = head.find(b">", start)
    tag = head[start : end if end != -1 else len(head)]
    for name in names:
        at = tag.find(b" " + name + b'="')
        if at != -1:
            digits = tag[at + len(name) + 3 :].split(b'"', 1)[0]
            if digits.isdigit() and len(digits) < 12:
                return int(digits)
    return None


def _choose_sheet(workbook) -> Any:
    sheets = list(workbook.worksheets)
    for sheet in sheets:
        words = set(re.findall(r"[a-z]+", sheet.title.lower()))
        if words & {"register", "registry", "system", "systems", "inventory"}:
            return sheet
    visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"]
    return (visible or sheets or [None])[0]


def cell_text(value: Any) -> str:
    """Render a cell as the text a user sees, for comparing and mapping."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _unguard(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value).strip()


def _unguard(value: str) -> str:
    """Undo the formula-injection apostrophe our writers add, so exports re-import unchanged."""
    if value.startswith("'") and value[1:2] in FORMULA_TRIGGERS and len(value) > 1:
        return value[1:]
    return value


def _build_table(records: Iterable[tuple[int, list[Any]]], max_rows: int, *, format: str) -> Table:
    headers: list[str] | None = None
    header_number = 0
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    for number, raw in records:
        cells = [cell_text(v) for v in raw]
        if not any(cells):
            continue
        if headers is None:
            headers = _header_cells(cells)
            header_number = number
            if len(headers) > MAX_COLUMNS:
                raise SpreadsheetError(
                    f"The header row has {len(headers):,} columns; the limit is {MAX_COLUMNS:,}."
                )
            # Check before unnamed columns are dropped, so the letters match the sheet.
            _check_duplicate_headers(headers)
            continue
        width = len(headers)
        extra = next((i for i in range(width, len(cells)) if cells[i]), None)
        if extra is not None:
            raise SpreadsheetError(
                f"Row {number} has a value in column {_column(extra)}, which has no heading. "
                f"Add a heading in row {header_number} or delete the value."
            )
        if len(rows) >= max_rows:
            raise SpreadsheetError(
                f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}. "
                "Split it into smaller files and import them one at a time."
            )
        rows.append(cells[:width] + [""] * (width - len(cells)))
        row_numbers.append(number)
    if headers is None:
        raise SpreadsheetError("The file has no header row. The first row must name the columns.")
    headers, rows = _drop_unnamed_columns(headers, rows, row_numbers, header_number)
    return Table(headers=headers, rows=rows, row_numbers=row_numbers, format=format)


def _header_cells(cells: list[str]) -> list[str]:
    headers = [" ".join(c.split()) for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _drop_unnamed_columns(
    headers: list[str], rows: list[list[str]], row_numbers: list[int], header_number: int
) -> tuple[list[str], list[list[str]]]:
    """Remove empty columns without a heading; refuse ones that hold data."""
    unnamed = [i for i, h in enumerate(headers) if not h]
    if not unnamed:
        return headers, rows
    for index in unnamed:
        for number, row in zip(row_numbers, rows, strict=True):
            if row[index]:
                raise SpreadsheetError(
                    f"Column {_column(index)} has values (first in row {number}) "
                    f"but no heading in row {header_number}. Add a heading or delete the column."
                )
    keep = [i for i, h in enumerate(headers) if h]
    return [headers[i] for i in keep], [[row[i] for i in keep] for row in rows]


def _check_duplicate_headers(headers: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header.casefold()
        if not key:
            continue
        if key in seen:
            first = seen[key]
            raise SpreadsheetError(
                f'The column heading "{headers[first]}" appears more than once (columns '
                f"{_column(first)} and {_column(index)}). Column headings must be unique."
            )
        seen[key] = index


def _column(index: int) -> str:
    """Name a 0-based column as Excel does ("A", "AB"), or by number past Excel's last column."""
    return get_column_letter(index + 1) if index < 18_278 else f"number {index + 1:,}"


# Matching and writing live in their own modules; callers import them from here too.
from governance.register.column_matching import suggest_mapping  # noqa: E402
from governance.register.spreadsheet_writing import write_csv, write_xlsx  # noqa: E402

__all__ = [
    "EXCEL_CELL_LIMIT",
    "FORMULA_TRIGGERS",
    "SpreadsheetError",
    "Table",
    "read_table",
    "suggest_mapping",
    "write_csv",
    "write_xlsx",
]
