"""Behaviour of register spreadsheet import/export on real CSV and XLSX files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import struct
import zipfile

import openpyxl
import pytest

from governance.register import spreadsheets
from governance.register.spreadsheets import (
    SpreadsheetError,
    Table,
    read_table,
    suggest_mapping,
    write_csv,
    write_xlsx,
)

NOT_A_SPREADSHEET = "This file is not a CSV or XLSX spreadsheet."


def xlsx(*sheets: tuple[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    """Build a real workbook; each sheet is (title, rows) with rows written from A1."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row_index, row in enumerate(rows, start=1):
            for column_index, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=row_index, column=column_index, value=value)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data: bytes, change) -> bytes:
    """Copy a zip, passing each (name, content) through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    return out.getvalue()


def mark_zip_entries_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag on every entry, as a password-protected zip has."""
    raw = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = raw.find(signature)
        while position != -1:
            (flags,) = struct.unpack_from("<H", raw, position + flag_offset)
            struct.pack_into("<H", raw, position + flag_offset, flags | 0x1)
            position = raw.find(signature, position + 4)
    return bytes(raw)


def ole2(*stream_names: str) -> bytes:
    """Return bytes that start like an OLE2 compound file naming these streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entries = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in stream_names)
    return header + entries + bytes(1024)


REGISTER_ROWS = [
    ["Name", "Owner", "Go-live", "Users", "Score"],
    ["Chatbot", "Alice", dt.date(2024, 3, 1), 1200, 0.75],
    ["Fraud model", "Bob", dt.date(2023, 11, 15), 40, 3.0],
]


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def test_it_reads_an_xlsx_sheet_into_headers_and_string_rows():
    table = read_table(xlsx(("Sheet1", REGISTER_ROWS)), "register.xlsx")

    assert table.headers == ["Name", "Owner", "Go-live", "Users", "Score"]
    assert table.rows == [
        ["Chatbot", "Alice", "2024-03-01", "1200", "0.75"],
        ["Fraud model", "Bob", "2023-11-15", "40", "3"],
    ]
    assert table.row_numbers == [2, 3]
    assert table.format == "xlsx"
    assert table.sheet_name == "Sheet1"


def test_it_skips_empty_xlsx_rows_but_keeps_the_row_numbers_excel_shows():
    rows = [["Name", "Owner"], ["A", "x"], [None, None], ["", "   "], ["B", "y"]]

    table = read_table(xlsx(("Sheet1", rows)), "r.xlsx")

    assert table.rows == [["A", "x"], ["B", "y"]]
    assert table.row_numbers == [2, 5]


def test_it_numbers_rows_from_where_the_header_really_is():
    rows = [[None], [None], ["Name", "Owner"], ["A", "x"]]

    table = read_table(xlsx(("Sheet1", rows)), "r.xlsx")

    assert table.headers == ["Name", "Owner"]
    assert table.row_numbers == [4]


def test_it_renders_xlsx_cell_values_as_a_user_sees_them():
    rows = [
        ["Text", "Int", "Float", "Whole float", "Bool", "Date time", "Empty"],
        ["  padded  ", 7, 2.5, 12.0, True, dt.datetime(2024, 5, 6, 13, 45), None],
    ]

    table = read_table(xlsx(("Sheet1", rows)), "r.xlsx")

    assert table.rows == [["padded", "7", "2.5", "12", "TRUE", "2024-05-06 13:45:00", ""]]


def test_it_prefers_a_sheet_named_like_the_register():
    workbook = xlsx(
        ("Instructions", [["Read me first"], ["Fill in the other sheet"]]),
        ("AI Systems", [["Name"], ["Chatbot"]]),
    )

    table = read_table(workbook, "r.xlsx")

    assert table.sheet_name == "AI Systems"
    assert table.rows == [["Chatbot"]]


def test_it_reads_the_first_visible_sheet_when_none_is_named_like_the_register():
    workbook = xlsx(("Lookup", [["Code"], ["X"]]), ("Data", [["Name"], ["Y"]]), hidden=("Lookup",))

    assert read_table(workbook, "r.xlsx").sheet_name == "Data"


def test_it_reads_all_rows_even_when_the_stored_sheet_dimension_is_wrong():
    def shrink_dimension(name: str, content: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            return content.replace(b'<dimension ref="A1:E3"/>', b'<dimension ref="A1"/>')
        return content

    data = rewrite_zip(xlsx(("Sheet1", REGISTER_ROWS)), shrink_dimension)

    assert len(read_table(data, "r.xlsx").rows) == 2


def test_it_detects_xlsx_by_content_whatever_the_extension():
    table = read_table(xlsx(("Sheet1", REGISTER_ROWS)), "export.csv")

    assert table.format == "xlsx"


def test_it_rejects_a_password_protected_xlsx():
    data = ole2("Root Entry", "EncryptionInfo", "EncryptedPackage")

    with pytest.raises(SpreadsheetError, match="password-protected"):
        read_table(data, "register.xlsx")


def test_it_rejects_a_zip_whose_entries_are_encrypted():
    data = mark_zip_entries_encrypted(xlsx(("Sheet1", REGISTER_ROWS)))

    with pytest.raises(SpreadsheetError, match="password-protected"):
        read_table(data, "register.xlsx")


def test_it_rejects_a_truncated_xlsx_as_damaged():
    data = xlsx(("Sheet1", REGISTER_ROWS))

    with pytest.raises(SpreadsheetError, match="damaged"):
        read_table(data[: len(data) // 2], "register.xlsx")


def test_it_rejects_an_xlsx_with_broken_xml_as_damaged():
    def break_sheet(name: str, content: bytes) -> bytes:
        return b"<worksheet><sheetData><row" if name.startswith("xl/worksheets/") else content

    data = rewrite_zip(xlsx(("Sheet1", REGISTER_ROWS)), break_sheet)

    with pytest.raises(SpreadsheetError, match="damaged"):
        read_table(data, "register.xlsx")


def test_it_rejects_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(SpreadsheetError, match=NOT_A_SPREADSHEET):
        read_table(out.getvalue(), "register.docx")


def test_it_tells_opendocument_users_to_save_as_xlsx_or_csv():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    with pytest.raises(SpreadsheetError, match=r"\.ods"):
        read_table(out.getvalue(), "register.ods")


def test_it_refuses_an_xlsx_that_would_expand_too_far(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNCOMPRESSED", 1_000)

    with pytest.raises(SpreadsheetError, match="expands to more data"):
        read_table(xlsx(("Sheet1", REGISTER_ROWS)), "register.xlsx")


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def test_it_reads_a_comma_separated_file():
    table = read_table(b"Name,Owner\nChatbot,Alice\nFraud model,Bob\n", "r.csv")

    assert table.headers == ["Name", "Owner"]
    assert table.rows == [["Chatbot", "Alice"], ["Fraud model", "Bob"]]
    assert table.row_numbers == [2, 3]
    assert table.format == "csv"


def test_it_sniffs_semicolons_even_with_decimal_commas():
    table = read_table(b"Name;Score;Notes\nChatbot;0,75;a, b\nFraud;3,5;c\n", "r.csv")

    assert table.headers == ["Name", "Score", "Notes"]
    assert table.rows == [["Chatbot", "0,75", "a, b"], ["Fraud", "3,5", "c"]]


@pytest.mark.parametrize("delimiter", ["\t", "|"])
def test_it_sniffs_tabs_and_pipes(delimiter):
    data = delimiter.join(["Name", "Owner"]) + "\n" + delimiter.join(["A, Inc.", "x"]) + "\n"

    assert read_table(data.encode(), "r.csv").rows == [["A, Inc.", "x"]]


def test_it_honours_an_excel_sep_line():
    table = read_table(b"sep=;\r\nName;Owner\r\nA,1;x\r\n", "r.csv")

    assert table.headers == ["Name", "Owner"]
    assert table.rows == [["A,1", "x"]]
    assert table.row_numbers == [2]


def test_it_reads_utf8_with_a_byte_order_mark():
    data = "Name;Propriétaire\r\nSystème;Zoë\r\n".encode("utf-8-sig")

    table = read_table(data, "r.csv")

    assert table.headers == ["Name", "Propriétaire"]
    assert table.rows == [["Système", "Zoë"]]


def test_it_falls_back_to_windows_1252():
    data = "Name;Owner\r\nCafé “bot”;Zoë – ops\r\n".encode("cp1252")

    assert read_table(data, "r.csv").rows == [["Café “bot”", "Zoë – ops"]]


def test_it_reads_utf16_text_as_excel_exports_it():
    data = "Name\tOwner\r\nA\tÅsa\r\n".encode("utf-16")

    assert read_table(data, "r.txt").rows == [["A", "Åsa"]]


def test_it_keeps_line_breaks_inside_quoted_cells_and_counts_rows_like_excel():
    data = b'Name,Notes\r\nA,"line one\r\nline two"\r\n\r\nB,plain\r\n'

    table = read_table(data, "r.csv")

    assert table.rows == [["A", "line one\nline two"], ["B", "plain"]]
    assert table.row_numbers == [2, 4]


def test_it_strips_cells_and_pads_short_rows():
    table = read_table(b"Name,Owner,Notes\n  A  ,x\n", "r.csv")

    assert table.rows == [["A", "x", ""]]


def test_it_reads_a_single_column_whose_values_contain_commas():
    table = read_table(b"Name\nAcme, Inc.\nGlobex\n", "r.csv")

    assert table.headers == ["Name"]
    assert table.rows == [["Acme, Inc."], ["Globex"]]


def test_it_drops_trailing_and_empty_unnamed_columns():
    table = read_table(b"Name,,Owner,,\nA,,x,,\n", "r.csv")

    assert table.headers == ["Name", "Owner"]
    assert table.rows == [["A", "x"]]


def test_it_rejects_values_in_a_column_without_a_heading():
    with pytest.raises(SpreadsheetError, match=r"Row 3 has a value in column C"):
        read_table(b"Name,Owner\nA,x\nB,y,stray\n", "r.csv")


def test_it_rejects_values_in_an_unnamed_middle_column():
    with pytest.raises(SpreadsheetError, match=r"Column B has values \(first in row 2\)"):
        read_table(b"Name,,Owner\nA,oops,x\n", "r.csv")


# --------------------------------------------------------------------------------------------
# Rejections
# --------------------------------------------------------------------------------------------


def test_it_rejects_an_empty_file():
    with pytest.raises(SpreadsheetError, match="^The file is empty.$"):
        read_table(b"", "r.csv")


def test_it_rejects_a_file_that_is_too_large_with_its_size():
    with pytest.raises(SpreadsheetError) as error:
        read_table(b"a" * 7_600_000, "r.csv")

    assert str(error.value) == "The file is 7.3 MB; the limit is 5 MB."


def test_it_rejects_a_pdf_with_a_clear_message():
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"

    with pytest.raises(SpreadsheetError) as error:
        read_table(pdf, "register.csv")

    assert str(error.value) == NOT_A_SPREADSHEET


def test_it_rejects_a_png():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(64)

    with pytest.raises(SpreadsheetError, match=NOT_A_SPREADSHEET):
        read_table(png, "register.xlsx")


def test_it_rejects_random_bytes():
    noise = random.Random(42).randbytes(4096)

    with pytest.raises(SpreadsheetError, match=NOT_A_SPREADSHEET):
        read_table(noise, "register.csv")


def test_it_rejects_an_old_xls_workbook_and_says_how_to_fix_it():
    with pytest.raises(SpreadsheetError, match=r"not a CSV or XLSX.*\.xls\)"):
        read_table(ole2("Root Entry", "Workbook", "SummaryInformation"), "register.xls")


def test_it_rejects_a_word_document():
    with pytest.raises(SpreadsheetError) as error:
        read_table(ole2("Root Entry", "WordDocument", "1Table"), "register.doc")

    assert str(error.value) == NOT_A_SPREADSHEET


def test_it_rejects_a_file_without_a_header_row():
    with pytest.raises(SpreadsheetError, match="no header row"):
        read_table(b"\r\n  \r\n,,\r\n", "r.csv")


def test_it_rejects_duplicate_headers_naming_the_columns():
    with pytest.raises(SpreadsheetError) as error:
        read_table(b"Name,Owner,name \nA,x,B\n", "r.csv")

    assert str(error.value) == (
        'The column heading "Name" appears more than once (columns A and C). '
        "Column headings must be unique."
    )


def test_it_rejects_duplicate_headers_in_xlsx():
    with pytest.raises(SpreadsheetError, match="appears more than once"):
        read_table(xlsx(("Sheet1", [["Owner", "Owner"], ["a", "b"]])), "r.xlsx")


def test_it_rejects_too_many_rows():
    data = b"Name\n" + b"".join(b"row %d\n" % i for i in range(4))

    with pytest.raises(SpreadsheetError, match="more than 3 rows; the limit is 3"):
        read_table(data, "r.csv", max_rows=3)


def test_it_accepts_exactly_the_maximum_number_of_rows():
    data = b"Name\n" + b"".join(b"row %d\n" % i for i in range(3))

    assert len(read_table(data, "r.csv", max_rows=3).rows) == 3


def test_it_counts_only_non_empty_rows_towards_the_limit():
    rows = [["Name"], ["a"], [None], [None], ["b"]]

    assert read_table(xlsx(("Sheet1", rows)), "r.xlsx", max_rows=2).row_numbers == [2, 5]


def test_spreadsheet_error_is_a_value_error():
    assert issubclass(SpreadsheetError, ValueError)


# --------------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------------

FIELDS = {
    "name": ["system name", "ai system", "title"],
    "business_owner": ["owner", "business owner", "responsible", "propriétaire"],
    "risk_tier": ["risk level", "risk category"],
    "intended_purpose": ["purpose", "use case", "intended use"],
    "go_live": ["go live date", "in service since"],
}


def test_it_maps_exact_names_and_synonyms():
    mapping = suggest_mapping(["Name", "Owner", "Purpose"], FIELDS)

    assert mapping == {"Name": "name", "Owner": "business_owner", "Purpose": "intended_purpose"}


def test_it_ignores_case_accents_punctuation_and_word_separators():
    headers = ["SYSTEM-NAME", "Proprietaire", "risk_level", "goLive", "Intended use:"]

    mapping = suggest_mapping(headers, FIELDS)

    assert mapping == {
        "SYSTEM-NAME": "name",
        "Proprietaire": "business_owner",
        "risk_level": "risk_tier",
        "goLive": "go_live",
        "Intended use:": "intended_purpose",
    }


def test_it_falls_back_to_word_overlap():
    mapping = suggest_mapping(["Business owner (e-mail)", "Risk category (AI Act)"], FIELDS)

    assert mapping == {
        "Business owner (e-mail)": "business_owner",
        "Risk category (AI Act)": "risk_tier",
    }


def test_it_leaves_unrelated_headers_unmapped():
    mapping = suggest_mapping(["Notes", "Cost centre", ""], FIELDS)

    assert mapping == {"Notes": None, "Cost centre": None, "": None}


def test_it_never_maps_two_headers_to_one_field_and_keeps_the_best():
    mapping = suggest_mapping(["System name (short)", "Name", "Owner", "Business owner"], FIELDS)

    assert mapping["Name"] == "name"  # the field's own name beats a partial synonym match
    assert mapping["System name (short)"] is None
    assert mapping["Business owner"] == "business_owner"  # own name beats the synonym "owner"
    assert mapping["Owner"] is None


def test_it_gives_a_tied_field_to_the_earlier_header():
    mapping = suggest_mapping(["Responsible", "Owner"], FIELDS)

    assert mapping == {"Responsible": "business_owner", "Owner": None}


def test_it_returns_every_header_in_order():
    headers = ["Zeta", "Name", "Alpha"]

    assert list(suggest_mapping(headers, FIELDS)) == headers


# --------------------------------------------------------------------------------------------
# Writing CSV
# --------------------------------------------------------------------------------------------


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_it_writes_csv_as_utf8_with_a_byte_order_mark_and_crlf():
    data = write_csv(["Name", "Owner"], [["Système", "Zoë"]])

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == '"Name","Owner"\r\n"Système","Zoë"\r\n'


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_it_neutralises_formula_injection_in_csv_cells(trigger):
    payload = f'{trigger}HYPERLINK("http://evil.example","x")'

    rows = parse_csv(write_csv(["Name"], [[payload]]))

    assert rows[1] == ["'" + payload]


def test_it_neutralises_formula_injection_in_csv_headers():
    assert parse_csv(write_csv(["=cmd|' /C calc'!A0"], []))[0] == ["'=cmd|' /C calc'!A0"]


def test_it_leaves_numbers_dates_and_safe_text_alone_in_csv():
    rows = [[-5, 2.5, 3.0, dt.date(2024, 1, 31), None, True, ["a", "b"], "a=b"]]

    written = parse_csv(write_csv(list("abcdefgh"), rows))

    assert written[1] == ["-5", "2.5", "3", "2024-01-31", "", "TRUE", "a, b", "a=b"]


def test_it_round_trips_csv_through_read_table():
    headers = ["Name", "Notes", "Formula-like"]
    rows = [["Chatbot", "line one\nline two", "=1+2"], ["Café", 'says "hi"', "-risk"]]

    table = read_table(write_csv(headers, rows), "export.csv")

    assert table.headers == headers
    assert table.rows == rows


# --------------------------------------------------------------------------------------------
# Writing XLSX
# --------------------------------------------------------------------------------------------


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_it_writes_a_bold_frozen_header_row():
    sheet = load(write_xlsx(["Name", "Owner"], [["A", "x"]]))

    assert sheet.title == "Register"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet["B1"].font.bold
    assert not sheet["A2"].font.bold
    assert sheet.auto_filter.ref == "A1:B2"


def test_it_sizes_columns_to_their_content_within_bounds():
    sheet = load(
        write_xlsx(["Id", "Description", "Essay"], [["1", "A medium sized text", "x" * 500]])
    )

    widths = [sheet.column_dimensions[c].width for c in "ABC"]
    assert widths[0] == 8
    assert widths[0] < widths[1] < widths[2]
    assert widths[2] == 60


def test_it_writes_dates_as_real_excel_dates():
    sheet = load(
        write_xlsx(["Day", "When"], [[dt.date(2024, 1, 31), dt.datetime(2024, 1, 31, 9, 30)]])
    )

    assert sheet["A2"].is_date and sheet["A2"].value == dt.datetime(2024, 1, 31)
    assert sheet["B2"].is_date and sheet["B2"].value == dt.datetime(2024, 1, 31, 9, 30)


def test_it_converts_aware_datetimes_to_utc_for_excel():
    paris = dt.timezone(dt.timedelta(hours=2))
    sheet = load(write_xlsx(["When"], [[dt.datetime(2024, 6, 1, 12, 0, tzinfo=paris)]]))

    assert sheet["A2"].value == dt.datetime(2024, 6, 1, 10, 0)


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@"])
def test_it_neutralises_formula_injection_in_xlsx_cells(trigger):
    sheet = load(write_xlsx([f"{trigger}head"], [[f"{trigger}SUM(A1:A9)"]]))

    assert sheet["A1"].value == f"'{trigger}head"
    assert sheet["A2"].value == f"'{trigger}SUM(A1:A9)"
    assert sheet["A2"].data_type == "s"


def test_it_stores_error_lookalikes_as_text():
    sheet = load(write_xlsx(["Status"], [["#N/A"]]))

    assert sheet["A2"].value == "#N/A"
    assert sheet["A2"].data_type == "s"


def test_it_drops_characters_xml_cannot_hold_and_caps_cell_length():
    sheet = load(write_xlsx(["Text", "Long"], [["bell\x07 and nul\x00", "y" * 40_000]]))

    assert sheet["A2"].value == "bell and nul"
    assert len(sheet["B2"].value) == spreadsheets.EXCEL_CELL_LIMIT


def test_it_cleans_up_an_invalid_sheet_title():
    assert load(write_xlsx(["A"], [], sheet_title="AI systems: 2024/Q1 [draft]")).title == (
        "AI systems  2024 Q1  draft"
    )


def test_it_round_trips_xlsx_through_read_table():
    headers = ["Name", "Go-live", "Users", "Score", "Notes", "Formula-like"]
    rows = [
        ["Chatbot", dt.date(2024, 3, 1), 1200, 0.75, "line one\nline two", "=1+2"],
        ["Fraud model", None, 40, 3.0, "", "@handle"],
    ]

    table = read_table(write_xlsx(headers, rows), "export.xlsx")

    assert table == Table(
        headers=headers,
        rows=[
            ["Chatbot", "2024-03-01", "1200", "0.75", "line one\nline two", "=1+2"],
            ["Fraud model", "", "40", "3", "", "@handle"],
        ],
        row_numbers=[2, 3],
        format="xlsx",
        sheet_name="Register",
    )


def test_it_round_trips_string_rows_unchanged():
    headers = ["Name", "Owner", "Notes"]
    rows = [["A", "Alice", "first"], ["B", "Bob", "-"], ["C", "", "x"]]

    assert read_table(write_xlsx(headers, rows), "r.xlsx").rows == rows


def test_it_names_the_real_columns_of_duplicate_headers_around_a_gap():
    with pytest.raises(SpreadsheetError, match=r"\(columns A and C\)"):
        read_table(b"Name,,name\nA,,B\n", "r.csv")


def test_it_points_at_the_real_header_row_for_a_stray_value():
    rows = [[None], ["Name"], ["A", "stray"]]

    with pytest.raises(SpreadsheetError, match=r"Row 3 has a value in column B.*heading in row 2"):
        read_table(xlsx(("Sheet1", rows)), "r.xlsx")


def test_it_rejects_a_header_row_wider_than_excel_allows(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_COLUMNS", 3)

    with pytest.raises(SpreadsheetError, match="has 4 columns; the limit is 3"):
        read_table(b"a,b,c,d\n1,2,3,4\n", "r.csv")


# --------------------------------------------------------------------------------------------
# Hostile workbooks: bounded by the file's own declarations, refused quickly and clearly
# --------------------------------------------------------------------------------------------


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """Return the workbook ``data`` with the zip entry ``name`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return buffer.getvalue()


def _sheet_xml(rows: int, columns: int) -> bytes:
    row = "".join(f'<c t="inlineStr"><is><t>x{i}</t></is></c>' for i in range(columns))
    body = "".join(f"<row>{row}</row>" for _ in range(rows))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    ).encode()


@pytest.fixture
def time_limit():
    import signal

    def stop(signum, frame):
        raise TimeoutError("the workbook held the reader for more than 5 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_small_xlsx_that_expands_hugely_is_refused_quickly(time_limit):
    # 25 MB of sheet XML compresses to 0.16 MB (160 to 1): the shape of the 0.3-0.5 MB files
    # that took 94-115 s and 1.8 GB to parse.
    bomb = _replace_part(
        xlsx(("Sheet1", REGISTER_ROWS)), "xl/worksheets/sheet1.xml", _sheet_xml(125_000, 5)
    )
    assert len(bomb) < 1_000_000

    with pytest.raises(SpreadsheetError, match="compressed .* to 1"):
        read_table(bomb, "register.xlsx")


def test_an_xlsx_declaring_too_many_shared_strings_is_refused(time_limit):
    sst = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        b'main" count="900000000" uniqueCount="900000000"><si><t>a</t></si></sst>'
    )
    data = _replace_part(xlsx(("Sheet1", REGISTER_ROWS)), "xl/sharedStrings.xml", sst)

    with pytest.raises(SpreadsheetError, match="900,000,000 shared strings"):
        read_table(data, "register.xlsx")


def test_an_xlsx_with_too_many_rows_is_refused_while_streaming(monkeypatch, time_limit):
    monkeypatch.setattr(spreadsheets, "MAX_SHEET_ROWS", 100)
    data = _replace_part(
        xlsx(("Sheet1", REGISTER_ROWS)), "xl/worksheets/sheet1.xml", _sheet_xml(500, 2)
    )

    with pytest.raises(SpreadsheetError, match="more than 100 rows"):
        read_table(data, "register.xlsx")


@pytest.mark.parametrize(
    "text",
    [
        "Name,Purpose\nプロジェクト,漢字の説明\n",
        "Name,Purpose\nひらがな,テスト\n",
        "Name,Purpose\n漢,字\n",
    ],
)
def test_a_csv_in_shift_jis_is_refused_not_read_garbled(text):
    with pytest.raises(SpreadsheetError, match="Shift-JIS"):
        read_table(text.encode("shift_jis"), "register.csv")


def test_a_windows_1252_csv_is_still_read():
    table = read_table("Name,Purpose\nMüller Straße,créée – “v2”\n".encode("cp1252"), "r.csv")

    assert table.rows == [["Müller Straße", "créée – “v2”"]]
