"""The questionnaire on the web: one step's inputs parsed into typed answers, and back to words.

The questions themselves are plain data in `questions.py`; this module only knows how a browser
sends them (radio values, checkbox lists, typed numbers) and how a person reads an answer.
"""

import math
import re

from django import forms

from governance.classification import codes, questions
from governance.classification.questions import BOOL, CHOICE, MULTI_CHOICE, NUMBER

YES, NO = "yes", "no"
# The form value of a choice whose code is null ("None of these").
NONE_VALUE = "none"
# Hidden inputs named SHOWN list the questions visible in the browser when the step was sent;
# a question hidden there keeps its stored answer untouched.
SHOWN = "_shown"
# parse_step's marker for a question shown but left unanswered: its stored answer is removed.
CLEARED = object()

# Short labels, citations and descriptions for the codes a question offers.
CHOICE_TABLES = {
    "role": codes.ROLES,
    "scope_exclusion": codes.SCOPE_EXCLUSIONS,
    "prohibited_practices": codes.PROHIBITED_PRACTICES,
    "prohibited_exception": codes.PROHIBITED_EXCEPTIONS,
    "annex_i.legislation": codes.ANNEX_I,
    "annex_iii": codes.ANNEX_III,
    "art_6_3_conditions": codes.ART_6_3_CONDITIONS,
}
# A choice with more options than this is a drop-down, not a radio list.
SELECT_ABOVE = 9


def field_name(key: str) -> str:
    """Return the field name of a question key: "annex_i.legislation" → "annex_i__legislation"."""
    return key.replace(".", "__")


# ---------------------------------------------------------------------------------------------
# Numbers: people type 3e25, 3 x 10^25, 3×10²⁵ or 1,000,000
# ---------------------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUPERSCRIPT_POWER = re.compile(r"10([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_POWER = re.compile(r"^(?:(\d+(?:\.\d*)?|\.\d+)(?:x|\*|×|·))?10(?:\^|\*\*)([+-]?\d+)$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


class NumberInvalid(ValueError):
    """Raise when a typed number cannot be read."""


def parse_number(raw: str) -> int | float | None:
    """Read a number as people type it; return None for a blank value."""
    text = (
        _SUPERSCRIPT_POWER.sub(r"10^\1", (raw or "").strip())
        .translate(_SUPERSCRIPTS)
        .replace("\u202f", "")
        .replace(" ", "")
    )
    text = text.replace("_", "").lower().replace("e+", "e")
    if not text:
        return None
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    power = _POWER.match(text)
    if power is not None:
        mantissa, exponent = power.group(1) or "1", power.group(2)
        text = f"{mantissa}e{exponent}"
    if "," in text:
        raise NumberInvalid("Use a point for decimals, e.g. 3.5e24.")
    try:
        value = float(text)
    except ValueError:
        raise NumberInvalid("Enter a number, e.g. 3e25 or 3 x 10^25.") from None
    if not math.isfinite(value):
        raise NumberInvalid("Enter a finite number, e.g. 3e25.")
    if value < 0:
        raise NumberInvalid("The number cannot be negative.")
    if value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def format_number(value) -> str:
    """Show a number the way it is easiest to check: 3e25 rather than 30000000000000000000000000."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and abs(value) < 1e15:
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    text = f"{float(value):g}"
    return text.replace("e+", "e")


# ---------------------------------------------------------------------------------------------
# From the browser to answers
# ---------------------------------------------------------------------------------------------


def unknown_name(key: str) -> str:
    """Return the name of the "Not known" box of a number question."""
    return f"{field_name(key)}__unknown"


def _parse_multi(question, values: list[str]):
    """Return (answer, error) for a list question: a list, [] for "None of these", or None."""
    allowed = {code for code, _label in question.choices}
    none = NONE_VALUE in values
    picked = [v for v in values if v in allowed]
    if none and picked:
        return None, f"Tick “{question.none_label}” or the options that apply, not both."
    if none:
        return [], None
    if not picked:
        return None, None
    # Keep the questionnaire's order, whatever order the browser sent.
    return [c for c, _l in question.choices if c in picked], None


def parse_step(step: questions.Step, data) -> tuple[dict, dict[str, list[str]], dict[str, str]]:
    """Read one step's posted values.

    Return (answers, errors, raw): typed answers to keep, error messages by question key, and the
    raw text of numbers so a wrong value is shown again as typed. A question shown but left
    without an answer (nothing ticked, a blank number without "Not known") maps to the
    `CLEARED` marker: its stored answer is removed, so the review asks for it. A question that
    is not listed in SHOWN (hidden in the browser, or not on the page) is left out. Without
    SHOWN (a client that does not send it), every question of the step with a value in `data`
    counts.
    """
    shown = set(data.getlist(SHOWN)) if SHOWN in data else None
    answers: dict = {}
    errors: dict[str, list[str]] = {}
    raw: dict[str, str] = {}
    for question in step.questions:
        name = field_name(question.key)
        if shown is not None and question.key not in shown:
            continue
        if shown is None and name not in data and unknown_name(question.key) not in data:
            continue
        if question.kind == MULTI_CHOICE:
            value, error = _parse_multi(question, data.getlist(name))
            if error:
                errors[question.key] = [error]
            else:
                answers[question.key] = CLEARED if value is None else value
        elif question.kind == BOOL:
            value = data.get(name, "")
            if value in (YES, NO):
                answers[question.key] = value == YES
            elif value:
                errors[question.key] = ["Choose Yes or No."]
        elif question.kind == CHOICE:
            value = data.get(name, "")
            if not value:
                continue
            allowed = {code or NONE_VALUE: code for code, _label in question.choices}
            if value in allowed:
                answers[question.key] = allowed[value]
            else:
                errors[question.key] = ["Choose one of the options."]
        elif question.kind == NUMBER:
            text = data.get(name, "")
            raw[question.key] = text
            unknown = bool(data.get(unknown_name(question.key)))
            try:
                number = parse_number(text)
            except NumberInvalid as exc:
                errors[question.key] = [str(exc)]
                continue
            if number is not None and unknown:
                errors[question.key] = ["Give the number or tick “Not known”, not both."]
            elif number is None and not unknown:
                answers[question.key] = CLEARED
            else:
                answers[question.key] = number
    return answers, errors, raw


class ClassifyForm(forms.Form):
    note = forms.CharField(
        label="Note for this version",
        required=False,
        max_length=500,
        help_text="Optional. Why you screened the system now, e.g. “New purpose: also ranks "
        "internal candidates”.",
        widget=forms.TextInput(attrs={"placeholder": "What changed, or why you screened it"}),
    )


def read_version(raw: str | None) -> int | None:
    """Return a version number from a query parameter, or None when it is not one."""
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 9:
        return None
    value = int(raw)
    return value if value >= 1 else None


# ---------------------------------------------------------------------------------------------
# From answers to words
# ---------------------------------------------------------------------------------------------


def choice_entry(key: str, code):
    """Return the code table entry of a choice (None for a code the tables do not know)."""
    table = CHOICE_TABLES.get(key)
    return table.get(code) if table and code is not None else None


def choice_label(question: questions.Question, code) -> str:
    """Return the short human label of one code offered by a question."""
    entry = choice_entry(question.key, code)
    if entry is not None:
        return entry.label
    return dict(question.choices).get(code, str(code) if code is not None else "None of these")


def choice_citation(question: questions.Question, code) -> str:
    entry = choice_entry(question.key, code)
    return getattr(entry, "citation", "") if entry is not None else ""


def display_answer(question: questions.Question, value, *, answered: bool = True) -> str:
    """Return an answer as a person reads it: "Yes", "Deployer", "Credit scoring, …"."""
    if not answered:
        return "Not answered"
    if question.kind == BOOL:
        return {True: "Yes", False: "No"}.get(value, "Not answered")
    if question.kind == CHOICE:
        if value is None:
            none_label = dict(question.choices).get(None)
            return none_label or "Not answered"
        return choice_label(question, value)
    if question.kind == MULTI_CHOICE:
        if not value:
            return question.none_label or "None of these"
        parts = []
        for code in value:
            citation = choice_citation(question, code)
            label = choice_label(question, code)
            parts.append(f"{label} ({citation})" if citation else label)
        return "; ".join(parts)
    if question.kind == NUMBER:
        return format_number(value) if value is not None else (question.none_label or "Not given")
    return str(value)


def is_present(answers: dict, key: str) -> bool:
    """Return whether the answers hold a value (even null or an empty list) for a question key."""
    head, _, tail = key.partition(".")
    if key in answers:
        return True
    return bool(tail) and isinstance(answers.get(head), dict) and tail in answers[head]


def is_answered(answers: dict, question: questions.Question, missing: set[str]) -> bool:
    """Return whether a visible question is done: answered if required, seen if optional.

    `missing` is `set(questions.missing_required(answers))`, computed once by the caller.
    """
    if question.required:
        return question.key not in missing
    return is_present(answers, question.key)


def split_cleared(posted: dict) -> tuple[dict, list[str]]:
    """Split parse_step's answers into (answers to keep, keys whose answer is removed)."""
    keep = {k: v for k, v in posted.items() if v is not CLEARED}
    return keep, [k for k, v in posted.items() if v is CLEARED]
