"""Import models from their model cards (Hugging Face README or Model Card Toolkit JSON).

One card: ``preview_model_card`` says what would be stored, ``import_model_card`` stores it.
Many cards (several files or a ZIP, see ``modelcard_zip``): ``preview_model_cards`` gives a
per-card outcome (new, already in the register, error) with two queries whatever the number
of cards, and ``import_model_cards`` creates the new ones, either each on its own (the others
are reported, not imported) or all or nothing.

A card is "already in the register" when a model has its Hugging Face id (``source_ref``) or
its name and version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django_scopes import scope

from governance.register import services
from governance.register.modelcard_zip import CardFile
from governance.register.modelcards import ModelCardError, ModelCardImport, parse_model_card
from governance.register.models import AIModel, Vendor

# What the register stores from a card; "tags" has no column on models.
_CARD_FIELDS = tuple(f for f in services.MODEL_FIELDS if f != "vendor")


class Outcome:
    NEW = "new"
    EXISTS = "exists"
    ERROR = "error"
    CREATED = "created"
    SKIPPED = "skipped"


@dataclass
class ModelCardPreview:
    card: ModelCardImport
    data: dict[str, Any]  # fields for create_model, overrides applied
    errors: dict[str, list[str]]  # field → messages, e.g. a duplicate name and version
    unmapped: dict[str, Any]
    duplicate: bool = False  # the register, or an earlier card of the upload, has this model

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def source_ref(self) -> str:
        return self.card.source_ref

    @property
    def source_file(self) -> str:
        return self.card.source_file


def _card_data(card: ModelCardImport, overrides: dict | None) -> dict[str, Any]:
    data = {k: card.fields.get(k) for k in _CARD_FIELDS if k in card.fields}
    # A card that does not say leaves the flag not stated (null), never "no".
    for flag in ("is_general_purpose", "is_open_source"):
        data[flag] = data.get(flag)
    for key in ("evaluations", "languages"):
        data[key] = list(data.get(key) or [])
    for key, value in (overrides or {}).items():
        if key in ("name", "version") and value is not None:
            data[key] = " ".join(str(value).split())
    return data


def _read(text, filename: str, overrides: dict | None, source_ref: str) -> ModelCardPreview:
    card = parse_model_card(text, filename=filename, source_ref=source_ref)
    data = _card_data(card, overrides)
    unmapped = dict(card.unmapped)
    if card.fields.get("tags"):
        unmapped = {"tags": card.fields["tags"], **unmapped}
    errors: dict[str, list[str]] = {}
    if not data.get("name"):
        errors["name"] = ["The card names no model; give it a name."]
    return ModelCardPreview(card=card, data=data, errors=errors, unmapped=unmapped)


def _duplicate_message(model: AIModel, preview: ModelCardPreview) -> str:
    if preview.source_ref and model.source_ref == preview.source_ref:
        return (
            f"The model '{preview.source_ref}' is in the register already (as '{model}'). "
            "Change the Hugging Face id to import it as another model."
        )
    version = f" version '{model.version}'" if model.version else " (no version)"
    return (
        f"The model '{model.name}'{version} is in the register already. "
        "Change the name or the version to import it as another model."
    )


def _existing(organization, previews: list[ModelCardPreview]) -> list[AIModel]:
    """Return the models that any of ``previews`` would duplicate, in one query."""
    refs = {p.source_ref for p in previews if p.source_ref}
    names = {p.data["name"] for p in previews if p.data.get("name")}
    if not refs and not names:
        return []
    with scope(organization=organization):
        return list(
            AIModel.objects.filter(organization=organization)
            .filter(Q(source_ref__in=refs) | Q(name__in=names))
            .only("name", "version", "source_ref")
        )


def _mark_duplicates(previews: list[ModelCardPreview], existing: list[AIModel]) -> None:
    by_ref = {m.source_ref: m for m in existing if m.source_ref}
    by_name = {(m.name, m.version): m for m in existing}
    for preview in previews:
        if preview.errors:
            continue
        key = (preview.data["name"], preview.data.get("version", ""))
        model = by_ref.get(preview.source_ref) if preview.source_ref else None
        model = model or by_name.get(key)
        if model is not None:
            preview.errors["name"] = [_duplicate_message(model, preview)]
            preview.duplicate = True


def preview_model_card(
    *, organization, text: str | bytes, filename: str = "README.md",
    overrides: dict | None = None, source_ref: str = "",
) -> ModelCardPreview:  # fmt: skip
    """Parse a card and say what would be stored; raise ``ModelCardError`` for a non-card."""
    preview = _read(text, filename, overrides, source_ref)
    if not preview.errors:
        _mark_duplicates([preview], _existing(organization, [preview]))
    return preview


def import_model_card(
    *, organization, acting, text: str | bytes, filename: str = "README.md",
    overrides: dict | None = None, vendor: Vendor | None = None, source_ref: str = "",
) -> tuple[AIModel, ModelCardPreview]:  # fmt: skip
    """Add the model a card describes; raise ``ValidationError`` (by field) when it cannot."""
    preview = preview_model_card(
        organization=organization, text=text, filename=filename, overrides=overrides,
        source_ref=source_ref,
    )  # fmt: skip
    if preview.errors:
        raise ValidationError(preview.errors)
    return _create(organization, acting, preview, vendor), preview


def _create(organization, acting, preview: ModelCardPreview, vendor=None) -> AIModel:
    data = dict(preview.data)
    if vendor is not None:
        data["vendor"] = vendor
    with scope(organization=organization):
        return services.create_model(
            organization=organization, acting=acting, data=data,
            source=AIModel.Source.MODEL_CARD,
            source_ref=preview.source_ref, source_file=preview.source_file,
        )  # fmt: skip


# --- Many cards -----------------------------------------------------------------------------


@dataclass
class CardOutcome:
    """What became, or would become, of one card of a batch."""

    file: str
    outcome: str  # Outcome.NEW / EXISTS / ERROR, then CREATED / SKIPPED after an import
    message: str = ""
    preview: ModelCardPreview | None = None
    model: AIModel | None = None

    @property
    def name(self) -> str:
        return self.preview.data.get("name", "") if self.preview else ""

    @property
    def version(self) -> str:
        return self.preview.data.get("version", "") if self.preview else ""


@dataclass
class BatchPreview:
    cards: list[CardOutcome]
    skipped_files: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for c in self.cards if c.outcome == outcome)

    @property
    def new(self) -> list[CardOutcome]:
        return [c for c in self.cards if c.outcome == Outcome.NEW]


def preview_model_cards(*, organization, files: list[CardFile]) -> BatchPreview:
    """Read every card and say, per card, whether it is new, in the register or in error."""
    outcomes: list[CardOutcome] = []
    for card_file in files:
        if card_file.error:
            outcomes.append(CardOutcome(card_file.name, Outcome.ERROR, card_file.error))
            continue
        try:
            preview = _read(card_file.data, card_file.name, None, "")
        except ModelCardError as exc:
            outcomes.append(CardOutcome(card_file.name, Outcome.ERROR, str(exc)))
            continue
        outcomes.append(CardOutcome(card_file.name, Outcome.NEW, preview=preview))
    previews = [o.preview for o in outcomes if o.preview is not None and not o.preview.errors]
    _mark_duplicates(previews, _existing(organization, previews))
    _mark_repeats(outcomes)
    for outcome in outcomes:
        if outcome.preview is not None and outcome.preview.errors:
            duplicate = outcome.preview.duplicate
            outcome.outcome = Outcome.EXISTS if duplicate else Outcome.ERROR
            outcome.message = _first_error(outcome.preview)
    return BatchPreview(cards=outcomes)


def _first_error(preview: ModelCardPreview) -> str:
    return next(iter(preview.errors.values()))[0]


def _mark_repeats(outcomes: list[CardOutcome]) -> None:
    """Flag a card that repeats an earlier card of the same upload (by id or name+version)."""
    seen: dict[Any, str] = {}
    for outcome in outcomes:
        preview = outcome.preview
        if preview is None or preview.errors:
            continue
        keys = [("name", preview.data["name"], preview.data.get("version", ""))]
        if preview.source_ref:
            keys.append(("ref", preview.source_ref))
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            preview.errors["name"] = [f"The same model as {first}, earlier in this upload."]
            preview.duplicate = True
            continue
        for key in keys:
            seen[key] = outcome.file


def import_model_cards(
    *, organization, acting, files: list[CardFile], all_or_nothing: bool = False
) -> BatchPreview:
    """Create a model for every new card; report each card's outcome.

    Each new card is created in its own transaction, so one failure leaves the others in.
    With ``all_or_nothing`` nothing is created unless every card is new and valid.
    """
    batch = preview_model_cards(organization=organization, files=files)
    if all_or_nothing and len(batch.new) != len(batch.cards):
        _skip(batch.new, "Not imported: other cards of this upload cannot be imported.")
        return batch
    if all_or_nothing:
        _create_all(organization, acting, batch.new)
        return batch
    for outcome in batch.new:
        try:
            with transaction.atomic():
                outcome.model = _create(organization, acting, outcome.preview)
        except ValidationError as exc:
            outcome.outcome, outcome.message = Outcome.ERROR, " ".join(exc.messages)
        else:
            outcome.outcome = Outcome.CREATED
    return batch


def _create_all(organization, acting, outcomes: list[CardOutcome]) -> None:
    current = None
    try:
        with transaction.atomic():
            for current in outcomes:
                current.model = _create(organization, acting, current.preview)
                current.outcome = Outcome.CREATED
    except ValidationError as exc:
        _skip(outcomes, "Not imported: another card of this upload could not be imported.")
        current.outcome, current.message = Outcome.ERROR, " ".join(exc.messages)


def _skip(outcomes: list[CardOutcome], message: str) -> None:
    for outcome in outcomes:
        outcome.outcome, outcome.message, outcome.model = Outcome.SKIPPED, message, None


def display_card_value(value: Any) -> str:
    """Render a card value for the preview page."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=1)[:2000]
    return str(value)
