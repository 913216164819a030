"""What an uploaded evidence file is, read from its bytes (never from its name), and a safe name.

Pure functions: bytes and names in, plain data out. Only the first bytes and, for ZIP-based
Office files, the archive's directory are read, so a file of any size is typed in bounded time.
"""

import re
import unicodedata
import zipfile

SNIFF_BYTES = 64 * 1024
MAX_ZIP_MEMBERS = 5000

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "text/plain"
CSV = "text/csv"
MARKDOWN = "text/markdown"
JSON = "application/json"

# The file name extensions each detected type may carry; a name that says otherwise is refused.
EXTENSIONS: dict[str, frozenset[str]] = {
    PDF: frozenset({"pdf"}),
    PNG: frozenset({"png"}),
    JPEG: frozenset({"jpg", "jpeg"}),
    GIF: frozenset({"gif"}),
    ZIP: frozenset({"zip"}),
    DOCX: frozenset({"docx"}),
    XLSX: frozenset({"xlsx"}),
    PPTX: frozenset({"pptx"}),
    ODT: frozenset({"odt"}),
    ODS: frozenset({"ods"}),
    TEXT: frozenset({"txt", "text", "log", ""}),
    CSV: frozenset({"csv"}),
    MARKDOWN: frozenset({"md", "markdown"}),
    JSON: frozenset({"json"}),
}
TEXT_TYPES = {TEXT, CSV, MARKDOWN, JSON}
LABELS = {
    PDF: "PDF",
    PNG: "PNG image",
    JPEG: "JPEG image",
    GIF: "GIF image",
    ZIP: "ZIP archive",
    DOCX: "Word document",
    XLSX: "Excel workbook",
    PPTX: "PowerPoint presentation",
    ODT: "OpenDocument text",
    ODS: "OpenDocument spreadsheet",
    TEXT: "Text",
    CSV: "CSV",
    MARKDOWN: "Markdown",
    JSON: "JSON",
}
ACCEPTED_DESCRIPTION = "PDF, PNG, JPEG, GIF, Word, Excel, PowerPoint, OpenDocument, ZIP, text, CSV"


class UnacceptableFile(ValueError):
    """The file is empty, of an unknown type, or its name does not match its content."""


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _office_type(head: bytes, file) -> str:
    """Tell a ZIP-based Office/OpenDocument file from a plain ZIP by its archive directory."""
    if head[30:38] == b"mimetype":
        # OpenDocument: the first member is an uncompressed "mimetype" file.
        mimetype = head[38:120]
        if mimetype.startswith(ODT.encode()):
            return ODT
        if mimetype.startswith(ODS.encode()):
            return ODS
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                return ZIP
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise UnacceptableFile("The file looks like a ZIP archive but cannot be read.") from exc
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("ppt/") for n in names):
            return PPTX
    return ZIP


def _text_type(head: bytes, extension: str) -> str | None:
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is still text.
        if exc.start < len(head) - 4:
            return None
    if extension == "csv":
        return CSV
    if extension in ("md", "markdown"):
        return MARKDOWN
    if extension == "json":
        return JSON
    return TEXT


def detect_content_type(file, filename: str) -> str:
    """Return the file's content type from its first bytes; raise UnacceptableFile otherwise.

    `file` is a seekable binary file object; it is left at position 0.
    """
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if not head:
        raise UnacceptableFile("The file is empty.")
    extension = extension_of(filename)
    if head.startswith(b"%PDF-"):
        detected = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        detected = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        detected = GIF
    elif head.startswith(b"PK\x03\x04"):
        detected = _office_type(head, file)
    else:
        detected = _text_type(head, extension)
    if detected is None:
        raise UnacceptableFile(
            f"This type of file is not accepted as evidence. Accepted: {ACCEPTED_DESCRIPTION}."
        )
    if extension not in EXTENSIONS[detected]:
        shown = f".{extension}" if extension else "no extension"
        raise UnacceptableFile(
            f"The file's content is {LABELS[detected]} but its name has {shown}: "
            "rename it or upload the right file."
        )
    return detected


_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+-]")


def sanitise_filename(name: str, *, max_length: int = 120) -> str:
    """Return a file name safe to show and to offer for download (no path, no control chars)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = "".join(c for c in base if c.isprintable())
    base = _UNSAFE.sub("_", base)
    base = re.sub(r"_{2,}", "_", base).strip(" ._")
    if not base:
        return "evidence"
    if len(base) > max_length:
        stem, dot, ext = base.rpartition(".")
        if dot and len(ext) <= 10:
            base = stem[: max_length - len(ext) - 1] + "." + ext
        else:
            base = base[:max_length]
    return base


def content_type_label(content_type: str) -> str:
    return LABELS.get(content_type, content_type)
