"""Checks on values from users that every channel (forms, API, imports, model cards) shares.

The checks are plain functions (``*_problem`` returns a message or None) so that pure parsers can
use them, plus Django validators that raise ``ValidationError`` with the same message.
"""

from __future__ import annotations

import math
import unicodedata

from django.core.exceptions import ValidationError

# The largest training run reported so far used about 5e26 FLOP; 1e25 is the AI Act's presumption
# of systemic risk (Art. 51(2)). Anything above 1e32 is a typo or a hostile value, not a model.
MAX_TRAINING_COMPUTE_FLOPS = 1e32

# Characters that reorder the text around them (the "Trojan Source" trick: a name that displays
# differently from what it is) and invisible format characters.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def training_compute_problem(value) -> str | None:
    """Return why ``value`` cannot be a training compute in FLOP, or None when it can."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "Enter a number of FLOP, e.g. 3e25."
    if not math.isfinite(value):
        return "Enter a finite number of FLOP, e.g. 3e25 (infinity and NaN are not numbers)."
    if value < 0:
        return "Training compute cannot be negative."
    if value > MAX_TRAINING_COMPUTE_FLOPS:
        return f"Training compute above {MAX_TRAINING_COMPUTE_FLOPS:.0e} FLOP is not plausible."
    return None


def validate_training_compute(value) -> None:
    """Raise ValidationError unless ``value`` is a plausible training compute (or empty)."""
    problem = training_compute_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_compute")


def plain_text_problem(value: str) -> str | None:
    """Return why ``value`` cannot be a name shown to people, or None when it can.

    Refuse text-direction overrides and control characters (tabs and line breaks included): a
    name is one line of visible text.
    """
    for char in value:
        if char in BIDI_CONTROLS:
            return (
                f"Remove the invisible text-direction character U+{ord(char):04X}: it makes the "
                "name display differently from what it is."
            )
        category = unicodedata.category(char)
        if category == "Cc" or (category == "Cf" and char not in "\u200c\u200d"):
            return f"Remove the control character U+{ord(char):04X}."
    return None


def validate_plain_text(value) -> None:
    """Raise ValidationError when a name holds direction overrides or control characters."""
    if isinstance(value, str):
        problem = plain_text_problem(value)
        if problem:
            raise ValidationError(problem, code="control_character")


def check_row(instance, *, text_fields=(), compute_fields=()) -> None:
    """Raise one ValidationError naming every field of ``instance`` that fails these checks.

    Models call this from ``clean()``, so the services' ``full_clean()`` enforces the same rule
    for the web, the API, imports and model cards.
    """
    errors: dict[str, list[str]] = {}
    for name in text_fields:
        value = getattr(instance, name, None)
        problem = plain_text_problem(value) if isinstance(value, str) else None
        if problem:
            errors.setdefault(name, []).append(problem)
    for name in compute_fields:
        problem = training_compute_problem(getattr(instance, name, None))
        if problem:
            errors.setdefault(name, []).append(problem)
    if errors:
        raise ValidationError(errors)
