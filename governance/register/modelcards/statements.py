"""Read facts a card states in prose: training compute and general-purpose use."""

from __future__ import annotations

import math
import re
from typing import Any

from governance.core.validators import training_compute_problem
from governance.register.modelcards.fields import Warnings, clip, quoted, scalar_text
from governance.register.modelcards.markdown import prose_lines, sentences

# A stated training compute such as "Training compute: 3.8e25 FLOPs" or "2.1 × 10^24 FLOP".
# Prefixed units (GFLOPs, TFLOPS) and rates (FLOP/s) describe speed or inference cost, not
# training compute, so they are left alone on purpose.
_FLOPS_RE = re.compile(
    r"(?<![\w.])(?P<mantissa>\d{1,30}(?:[.,]\d{1,30}){0,12})"
    r"(?:[eE](?P<exp1>[+-]?\d{1,3})"
    r"|[ \t]{0,3}(?:[x×*·]|\\times)[ \t]{0,3}10[ \t]{0,3}(?:\^|\*\*)[ \t]{0,3}"
    r"\{?(?P<exp2>[+-]?\d{1,3})\}?)?"
    r"[ \t]{0,3}FLOPs?\b(?![ \t]{0,3}/[ \t]{0,3}s|[ \t]{1,3}per\b)",
    re.IGNORECASE,
)


def compute_from_meta(value: Any, warnings: Warnings) -> float | None:
    """Read a stated training compute; refuse infinity, NaN, negative and absurd values."""
    if value is None:
        return None
    number: float | None
    text = scalar_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float, e.g. 10**400
            number = None
    else:
        try:
            number = float(text.replace(",", ""))
        except (ValueError, OverflowError):
            match = _FLOPS_RE.search(text + " FLOPs") if text else None
            number = _flops_from_match(match) if match else None
    if number is None or number == 0 or training_compute_problem(number):
        warnings.add(f"training_compute_flops: {quoted(text)} is not a number of FLOPs; left empty")
        return None
    return number


def compute_from_text(body: str, warnings: Warnings) -> float | None:
    for line in prose_lines(body):
        lowered = line.lower()
        if "train" not in lowered or "flop" not in lowered:
            continue
        match = _FLOPS_RE.search(line)
        if not match:
            continue
        number = _flops_from_match(match)
        # Anything below 1e15 is per-token or per-image cost, never the compute of a training run.
        if number is not None and number >= 1e15 and not training_compute_problem(number):
            warnings.add(
                f"training compute: read {number:.3g} FLOPs from the sentence "
                f"'{clip(line.strip(), 120)}'; check it"
            )
            return number
    return None


def _flops_from_match(match: re.Match) -> float | None:
    mantissa = match.group("mantissa")
    exponent = match.group("exp1") or match.group("exp2")
    if exponent is None:
        mantissa = mantissa.replace(",", "")
    elif mantissa.count(",") == 1 and "." not in mantissa:
        mantissa = mantissa.replace(",", ".")  # decimal comma, e.g. "3,8e25"
    try:
        number = float(mantissa) * (10 ** int(exponent) if exponent else 1)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


_GENERAL_PURPOSE_RE = re.compile(
    r"\b(?:is|as|are)\s+(?:an?\s+)?(?:\w+\s+){0,2}?general[- ]purpose\s+"
    r"(?:ai\s+|artificial intelligence\s+|foundation\s+|language\s+)?(?:model|system)s?\b"
    r"(?!\s+cards?\b)",
    re.IGNORECASE,
)
_NEGATION_RE = re.compile(r"\b(?:not|never|no longer|isn't|aren't|neither)\b|n't\b", re.I)


def general_purpose_from_text(text: str, warnings: Warnings) -> bool | None:
    """Return True/False only when a sentence plainly says whether the model is general-purpose."""
    for sentence in sentences(text):
        match = _GENERAL_PURPOSE_RE.search(sentence)
        if not match:
            continue
        negated = bool(_NEGATION_RE.search(sentence[: match.end()]))
        warnings.add(
            f"is_general_purpose: set to {not negated} from the sentence "
            f"'{clip(sentence.strip(), 160)}'; check it"
        )
        return not negated
    return None
