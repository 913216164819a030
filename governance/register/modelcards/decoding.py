"""Turn uploaded bytes or text into card text, refusing input that cannot be a model card."""

from __future__ import annotations

import math
import re
from typing import Any

from governance.register.modelcards.fields import MAX_CARD_BYTES, ModelCardError, Warnings

_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")


def as_text(data: Any, warnings: Warnings) -> str:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        _check_size(len(raw))
        text = _decode(raw, warnings)
    elif isinstance(data, str):
        # Character count bounds the UTF-8 size from below, so huge input fails before encoding.
        if len(data) > MAX_CARD_BYTES:
            _check_size(len(data))
        _check_size(len(data.encode("utf-8", "surrogatepass")))
        # Lone surrogates (from a lossy decode upstream) cannot be stored; make them visible.
        text = data.encode("utf-8", "replace").decode("utf-8")
    else:
        raise ModelCardError(f"Expected the text of a model card, not {type(data).__name__}.")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ModelCardError("The model card is empty.")
    if _looks_binary(text):
        raise ModelCardError(
            "This file is not a text model card (it contains binary data). "
            "Upload the card's README.md or a Model Card Toolkit JSON file."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_size(size: int) -> None:
    if size > MAX_CARD_BYTES:
        raise ModelCardError(
            f"The model card is {_megabytes(size)} MB; the limit is "
            f"{_megabytes(MAX_CARD_BYTES)} MB."
        )


def _megabytes(size: int) -> str:
    # Round up so that a file just over the limit never reads as being at the limit.
    value = math.ceil(size / (1024 * 1024) * 10) / 10
    return f"{value:g}"


def _decode(raw: bytes, warnings: Warnings) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ModelCardError("The model card is not readable UTF-16 text.") from exc
    if b"\x00" in raw:
        raise ModelCardError(
            "This file is not a text model card (it contains binary data). "
            "Upload the card's README.md or a Model Card Toolkit JSON file."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ModelCardError(
            "The model card is neither UTF-8 nor Windows-1252 text. Save it as UTF-8 and try again."
        ) from exc
    warnings.add("the file is not UTF-8; it was read as Windows-1252 text")
    return text


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    # A stray control character happens in real cards; binary data has them everywhere.
    bad = len(_CONTROL_CHARS_RE.findall(text))
    return bad > max(8, len(text) // 100)
