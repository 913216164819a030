"""Tell a model card from other files: dataset cards, licence texts and arbitrary text.

The rule for a Markdown file (a JSON file must have Model Card Toolkit sections instead):

- a dataset card is refused: front matter with dataset-only keys (``task_categories``,
  ``size_categories``…) and no model keys, or a title "Dataset Card for …";
- a file with a front-matter block (even one whose YAML cannot be read) or a model-card
  section (uses, limitations, training data, model details, evaluation…) is a model card;
- otherwise a licence text is refused: its title names a licence ("MIT License", "… License
  Agreement") or it holds a licence's operative wording ("Permission is hereby granted"…);
- anything else is refused when it has no front matter, no model-card section and not even a
  title heading: that is arbitrary text;
- a titled file with no front matter and no known section is read, with a warning.

Only plain string operations on bounded prefixes: nothing here can backtrack.
"""

from __future__ import annotations

from governance.register.modelcards.fields import ModelCardError, Warnings
from governance.register.modelcards.markdown import heading_field

# Front-matter keys that only dataset cards use, and keys that only model cards use.
DATASET_KEYS = frozenset(
    ("task_categories", "task_ids", "size_categories", "annotations_creators", "pretty_name",
     "language_creators", "multilinguality", "source_datasets", "dataset_info", "configs")
)  # fmt: skip
MODEL_KEYS = frozenset(
    ("model_index", "pipeline_tag", "base_model", "library_name", "model_name", "model_creator",
     "inference", "widget")
)  # fmt: skip

# Normalised headings that model cards use besides those feeding a field (markdown tables).
_MODEL_HEADINGS = frozenset((
    "model details", "model description", "model summary", "model overview", "model card",
    "model information", "model architecture", "model sources", "model card authors",
    "model card contact", "how to use", "how to get started", "how to get started with the model",
    "usage", "training", "training details", "training procedure", "training hyperparameters",
    "training results", "framework versions", "evaluation", "evaluation results", "results",
    "metrics", "performance", "environmental impact", "technical specifications",
    "citation", "quantitative analyses", "factors",
))  # fmt: skip

_LICENCE_PHRASES = (
    "permission is hereby granted",
    "terms and conditions for use, reproduction",
    "redistribution and use in source and binary forms",
    "everyone is permitted to copy and distribute verbatim copies",
    "this public license",
    "licensed work",
    "the licensor grants",
    "licensor hereby grants",
)
_LICENCE_TITLE_ENDINGS = ("license", "licence", "license agreement", "licence agreement")
_PREFIX_CHARS = 4000


def check_markdown_card(
    has_front_matter: bool, meta_keys: set[str], sections, warnings: Warnings
) -> None:
    """Raise ``ModelCardError`` when a Markdown file is not a model card (see the module)."""
    title = next((s.title for s in sections if s.level == 1 and s.title), "")
    if _is_dataset_card(meta_keys, title):
        raise ModelCardError(
            "This is a dataset card, not a model card: it describes a dataset "
            "(task_categories, size_categories…). Import the card of a model instead."
        )
    known = [s for s in sections if s.level and _is_model_heading(s.key)]
    if has_front_matter or known:
        return
    first_text = _first_lines(sections)
    if _looks_like_licence(title, first_text):
        raise ModelCardError(
            "This file looks like a licence text, not a model card: it has no YAML front "
            "matter and none of a model card's sections. Upload the model's README.md or a "
            "Model Card Toolkit JSON file."
        )
    if not title:
        raise ModelCardError(
            "This file does not look like a model card: it has no YAML front matter, no "
            "title and none of a model card's sections (intended use, limitations, training "
            "data, evaluation…)."
        )
    warnings.add(
        "the card has no YAML front matter and none of the usual model card sections; "
        "check that it describes a model"
    )


def _is_dataset_card(meta_keys: set[str], title: str) -> bool:
    if meta_keys & DATASET_KEYS and not meta_keys & MODEL_KEYS:
        return True
    return title.lower().startswith("dataset card")


def _is_model_heading(key: str) -> bool:
    return bool(heading_field(key)) or key in _MODEL_HEADINGS or key.startswith("model card")


def _first_lines(sections) -> str:
    """Return the first few thousand characters of the file's text, lower case."""
    parts, size = [], 0
    for section in sections:
        for piece in (section.title, *section.lines):
            parts.append(piece)
            size += len(piece) + 1
            if size > _PREFIX_CHARS:
                return "\n".join(parts)[:_PREFIX_CHARS].lower()
    return "\n".join(parts).lower()


def _looks_like_licence(title: str, text: str) -> bool:
    first_line = title or next((line for line in text.split("\n") if line.strip()), "")
    first_line = " ".join(first_line.lower().strip(" #*_=-").split())
    if first_line.endswith(_LICENCE_TITLE_ENDINGS) or first_line.startswith("copyright"):
        return True
    return any(phrase in text for phrase in _LICENCE_PHRASES)
