"""Turn several uploaded files, or a ZIP of cards, into a bounded list of cards to read.

Nothing is written to disk: ZIP members are read into memory, and only after the archive's
directory has been checked against the limits below (so a ZIP bomb is refused before any
member is inflated). Member names are only ever shown, never used as paths.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

from governance.register.modelcards import MAX_CARD_BYTES
from governance.register.modelcards.provenance import path_parts

MAX_CARDS = 200
MAX_ZIP_BYTES = 20 * 1024 * 1024  # the upload itself
MAX_TOTAL_BYTES = 16 * 1024 * 1024  # all cards together, uncompressed
MAX_ZIP_ENTRIES = 2_000  # entries in the archive's directory, cards or not
# Markdown compresses 3-10 times; a thousand times is only reached by crafted padding.
MAX_RATIO = 200
CARD_EXTENSIONS = (".md", ".markdown", ".json", ".txt")
_ZIP_MAGIC = b"PK\x03\x04"
_EOCD = b"PK\x05\x06"


class CardBatchError(ValueError):
    """Signal that the upload as a whole is refused (nothing in it is read)."""


@dataclass
class CardFile:
    """One card to read: its name (a path inside a ZIP), its bytes, or why it was not read."""

    name: str
    data: bytes = b""
    error: str = ""


def is_zip(data: bytes) -> bool:
    return data[:4] == _ZIP_MAGIC


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def collect_cards(uploads: list[tuple[str, bytes]]) -> tuple[list[CardFile], list[str]]:
    """Return the cards in ``uploads`` (name, bytes) and the names of ZIP members skipped.

    Raise ``CardBatchError`` when the upload is refused as a whole: too many cards, too much
    data, or a ZIP that is broken, encrypted throughout, or looks like a ZIP bomb.
    """
    cards: list[CardFile] = []
    skipped: list[str] = []
    for name, data in uploads:
        if is_zip(data):
            found, ignored = _zip_cards(name, data)
            cards.extend(found)
            skipped.extend(ignored)
        else:
            cards.append(_plain_card(name, data))
        if len(cards) > MAX_CARDS:
            raise CardBatchError(
                f"More than {MAX_CARDS} cards were sent; import them in batches of "
                f"{MAX_CARDS} or fewer."
            )
    total = sum(len(card.data) for card in cards)
    if total > MAX_TOTAL_BYTES:
        raise CardBatchError(
            f"The cards add up to {_mb(total)} MB; the limit for one import is "
            f"{_mb(MAX_TOTAL_BYTES)} MB."
        )
    if not cards:
        raise CardBatchError(
            "No model card was found: send .md, .json or .txt files, or a ZIP of them."
        )
    return cards, skipped


def _plain_card(name: str, data: bytes) -> CardFile:
    if len(data) > MAX_CARD_BYTES:
        return CardFile(
            name, error=f"The file is {_mb(len(data))} MB; a card may be {_mb(MAX_CARD_BYTES)} MB."
        )
    return CardFile(name, data)


def _zip_cards(zip_name: str, data: bytes) -> tuple[list[CardFile], list[str]]:
    if len(data) > MAX_ZIP_BYTES:
        raise CardBatchError(
            f"The ZIP file {zip_name} is {_mb(len(data))} MB; the limit is {_mb(MAX_ZIP_BYTES)} MB."
        )
    _check_entry_count(zip_name, data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise CardBatchError(f"The ZIP file {zip_name} could not be opened ({exc}).") from exc
    with archive:
        members, skipped = _card_members(archive)
        _check_sizes(zip_name, members, len(data))
        return [_read_member(archive, m) for m in members], skipped


def _check_entry_count(zip_name: str, data: bytes) -> None:
    """Refuse an archive whose directory lists too many entries, before Python reads it all."""
    tail = data[-(65_535 + 22) :]
    position = tail.rfind(_EOCD)
    if position == -1 or len(tail) - position < 22:
        raise CardBatchError(f"The ZIP file {zip_name} is damaged: its directory is missing.")
    entries = struct.unpack("<H", tail[position + 10 : position + 12])[0]
    if entries == 0xFFFF or entries > MAX_ZIP_ENTRIES:
        raise CardBatchError(
            f"The ZIP file {zip_name} lists too many entries; at most {MAX_ZIP_ENTRIES} are read."
        )


def _card_members(archive: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], list[str]]:
    members, skipped = [], []
    for info in archive.infolist():
        parts = path_parts(info.filename)
        if info.is_dir() or not parts:
            continue
        if parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
            continue  # resource forks and hidden files that archivers add
        if not parts[-1].lower().endswith(CARD_EXTENSIONS):
            skipped.append("/".join(parts))
            continue
        members.append(info)
    if len(members) > MAX_CARDS:
        raise CardBatchError(
            f"The ZIP file holds {len(members)} cards; import them in batches of {MAX_CARDS} "
            "or fewer."
        )
    return members, skipped


def _check_sizes(zip_name: str, members: list[zipfile.ZipInfo], zip_size: int) -> None:
    """Refuse a ZIP bomb from its directory: declared sizes and compression ratios."""
    declared = sum(min(m.file_size, MAX_CARD_BYTES + 1) for m in members)
    if declared > MAX_TOTAL_BYTES:
        raise CardBatchError(
            f"The cards in {zip_name} would unpack to {_mb(declared)} MB; the limit for one "
            f"import is {_mb(MAX_TOTAL_BYTES)} MB."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 64 * 1024 and ratio > MAX_RATIO:
            raise CardBatchError(
                f"The ZIP file {zip_name} was refused as a possible ZIP bomb: "
                f"{'/'.join(path_parts(member.filename))} would unpack {ratio:,.0f} times its "
                "packed size. Nothing was read."
            )
    if declared > 1024 * 1024 and declared / max(zip_size, 1) > MAX_RATIO:
        raise CardBatchError(
            f"The ZIP file {zip_name} was refused as a possible ZIP bomb: it would unpack to "
            f"{declared / max(zip_size, 1):,.0f} times its size. Nothing was read."
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> CardFile:
    # The full path is kept: "org/model/README.md" names the model's Hugging Face id.
    name = "/".join(path_parts(info.filename))
    if info.flag_bits & 0x1:
        return CardFile(name, error="The file is encrypted; it was not read.")
    if info.file_size > MAX_CARD_BYTES:
        return CardFile(
            name,
            error=f"The file is {_mb(info.file_size)} MB; a card may be {_mb(MAX_CARD_BYTES)} MB.",
        )
    try:
        with archive.open(info) as member:
            # Bounded even if the directory lies about the size.
            data = member.read(MAX_CARD_BYTES + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
        return CardFile(name, error=f"The file could not be unpacked ({exc}).")
    if len(data) > MAX_CARD_BYTES:
        return CardFile(name, error=f"The file is larger than {_mb(MAX_CARD_BYTES)} MB.")
    return CardFile(name, data)
