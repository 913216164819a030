"""Where a card came from: its Hugging Face id (or URL) and its file name.

The id is taken, first found wins, from what the caller states (a field in the form or the
API), from the card itself (``model_name``, ``model-index[0].name`` or the title, when one of
them is an ``org/model`` id or a Hub URL), or from the card's path in a ZIP or the Hub cache:
``org/model/README.md`` (the last two folders), ``org--model/README.md``,
``models--org--model/snapshots/…`` or a file named ``org__model.md``. Folders tell the id only
for a README (the Hub's file name), since a file named after its model, or a Model Card
Toolkit JSON file, sits in a folder that names something else.
"""

from __future__ import annotations

import re

from governance.register.modelcards.fields import MODEL_ID_RE, hf_id

SOURCE_REF_MAX = 300
SOURCE_FILE_MAX = 255
_PART_RE = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}$")
_URL_RE = re.compile(r"^https?://[^\s]{1,290}$", re.IGNORECASE)
GENERIC_STEMS = frozenset(
    ("readme", "modelcard", "model_card", "model-card", "card", "index", "model", "pasted card")
)


def path_parts(path: str) -> list[str]:
    return [p for p in re.split(r"[\\/]", path.strip()) if p and p not in (".", "..")]


def file_stem(path: str) -> str:
    parts = path_parts(path)
    base = parts[-1] if parts else ""
    return base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base


def is_generic_name(path: str) -> bool:
    return file_stem(path).strip().lower() in GENERIC_STEMS


def repo_id_from_path(path: str) -> str:
    """Return the Hub id a card's path implies, or ''."""
    parts = path_parts(path)
    for part in parts[:-1]:
        if part.startswith("models--"):
            return _as_id(part[len("models--") :].replace("--", "/", 1))
    if not is_generic_name(path):
        # "org__model.md" or "org--model.md", as scripts save cards named after their id.
        stem = file_stem(path)
        for separator in ("__", "--"):
            if separator in stem:
                return _as_id(stem.replace(separator, "/", 1))
        return ""
    if len(parts) < 2 or file_stem(path).lower() != "readme":
        return ""  # only a Hub README's folders name its repository
    folders = parts[:-1]
    if "--" in folders[-1]:
        return _as_id(folders[-1].replace("--", "/", 1))
    if len(folders) >= 2:
        return _as_id(f"{folders[-2]}/{folders[-1]}")
    return _as_id(folders[-1])


def _as_id(candidate: str) -> str:
    pieces = candidate.split("/")
    if len(pieces) <= 2 and all(_PART_RE.match(p) for p in pieces):
        return candidate
    return ""


def clean_source_ref(value: str) -> str:
    """Return a stated id or URL in its stored form ('' when it is neither)."""
    value = " ".join(str(value or "").split())
    if not value:
        return ""
    as_id = hf_id(value)
    if _as_id(as_id) and (MODEL_ID_RE.match(as_id) or as_id != value):
        return as_id
    if _as_id(value):
        return value
    return value if _URL_RE.match(value) else ""


def card_repo_id(candidates: list[str]) -> str:
    """Return the first candidate that is an ``org/model`` id or a Hub URL, as an id."""
    for candidate in candidates:
        value = candidate.strip()
        as_id = hf_id(value)
        if MODEL_ID_RE.match(as_id) and _as_id(as_id) and (as_id != value or " " not in value):
            return as_id
    return ""


def base_name(source_ref: str) -> str:
    """Return the model part of an id ('org/model' gives 'model'); '' for a URL."""
    if not source_ref or _URL_RE.match(source_ref):
        return ""
    return source_ref.rsplit("/", 1)[-1]


def clip_file(path: str) -> str:
    path = "/".join(path_parts(path)) if path else ""
    return path if len(path) <= SOURCE_FILE_MAX else "…" + path[-(SOURCE_FILE_MAX - 1) :]


def name_and_source(
    *, stated: list[str], title: str, explicit_ref: str, filename: str, warnings
) -> tuple[str, str, str]:
    """Return the model's (name, organisation from its id, source_ref).

    The name is the card's ``model_name`` or ``model-index`` name, else the base name of the
    Hub id, else the card's title, else the file name unless that is generic ("README"): then
    it stays empty and the import asks for one.
    """
    source_ref = explicit_ref or card_repo_id([*stated, title]) or repo_id_from_path(filename)
    name = next((hf_id(s) for s in stated if hf_id(s)), "")
    name = name or base_name(source_ref) or hf_id(title)
    if not name and not is_generic_name(filename) and file_stem(filename).strip():
        name = file_stem(filename).strip()
        warnings.add(f"name: the card does not state a model name; used the file name '{name}'")
    elif not name:
        warnings.add(
            "name: the card states no model name and no Hugging Face id, and its file name "
            "is generic; give the model a name"
        )
    org = ""
    if MODEL_ID_RE.match(name):
        org, name = name.split("/", 1)
    elif MODEL_ID_RE.match(source_ref) and base_name(source_ref) == name:
        org = source_ref.split("/", 1)[0]
    return name, org, source_ref[:SOURCE_REF_MAX]
