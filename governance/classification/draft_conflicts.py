"""No lost answer in the screening: a save is checked against the answers its page showed.

Two officers may screen one system at once (or one officer in two tabs). Each step's form
carries what it showed (`seen_field`): the step's question keys and their answers at the time.
A save that would replace an answer someone else changed since is refused for that question
(their answer stays, and the page shows it beside the officer's own); the other questions of
the save go through, so two people working on different steps never get in each other's way.
"""

from __future__ import annotations

import json

from governance.classification.forms import display_answer
from governance.classification.questions import QUESTIONS
from governance.core.jsonparse import JSONInputError, parse_json

SEEN = "_seen"
# A step holds a few dozen answers; this is far beyond any real one.
MAX_SEEN_BYTES = 64 * 1024
_MISSING = object()


def seen_field(keys, answers: dict) -> str:
    """Return the form value that records what a step showed: its keys and their answers."""
    keys = sorted(keys)
    shown = {k: answers[k] for k in keys if k in answers}
    return json.dumps({"keys": keys, "answers": shown}, sort_keys=True, separators=(",", ":"))


def read_seen(text: str | None) -> dict | None:
    """Return the posted record of what the page showed, or None when absent or unreadable.

    A client that sends nothing (or something unreadable) saves as before, last save wins: the
    record only ever protects the person who sends it.
    """
    if not text:
        return None
    try:
        data = parse_json(text, max_bytes=MAX_SEEN_BYTES)
    except JSONInputError:
        return None
    if not isinstance(data, dict):
        return None
    keys, answers = data.get("keys"), data.get("answers")
    if not isinstance(keys, list) or not isinstance(answers, dict):
        return None
    return {"keys": {k for k in keys if isinstance(k, str)}, "answers": answers}


def changed_since(seen: dict | None, current: dict, answers: dict, cleared) -> dict:
    """Return {key: current answer} for each saved question someone else changed since `seen`.

    A question counts only when its answer now differs from what the page showed AND the save
    would replace it with something else; saving the same answer twice is never a conflict.
    """
    if seen is None:
        return {}
    saving = {**answers, **{k: _MISSING for k in cleared}}
    changed = {}
    for key, new in saving.items():
        if key not in seen["keys"]:
            continue
        then = seen["answers"].get(key, _MISSING)
        now = current.get(key, _MISSING)
        if now != then and new != now:
            changed[key] = None if now is _MISSING else now
    return changed


def seen_after(step, current: dict, seen: dict | None, refused: dict) -> str:
    """Record what the page now holds; a refused question keeps what the page first showed.

    So an autosave of the same stale answer is refused again, until the officer reloads or
    submits the step and sees the other answer.
    """
    shown = dict(current)
    then = (seen or {}).get("answers", {})
    for key in refused:
        shown.pop(key, None)
        if key in then:
            shown[key] = then[key]
    return seen_field((q.key for q in step.questions), shown)


def changed_message(key: str, theirs) -> str:
    """Say that someone else changed an answer, and what it is now."""
    now = display_answer(QUESTIONS[key], theirs, answered=theirs is not None)
    return (
        f"Someone else changed this answer while you were editing: it is now \u201c{now}\u201d. "
        "Your answer is shown here and was not saved; save again to replace theirs."
    )
