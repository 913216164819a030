"""Import a model from its model card (Hugging Face README or Model Card Toolkit JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django_scopes import scope

from governance.register import services
from governance.register.modelcards import ModelCardImport, parse_model_card
from governance.register.models import AIModel, Vendor

# What the register stores from a card; "tags" has no column on models.
_CARD_FIELDS = tuple(f for f in services.MODEL_FIELDS if f != "vendor")


@dataclass
class ModelCardPreview:
    card: ModelCardImport
    data: dict[str, Any]  # fields for create_model, overrides applied
    errors: dict[str, list[str]]  # field → messages, e.g. a duplicate name and version
    unmapped: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.errors


def _card_data(card: ModelCardImport, overrides: dict | None) -> dict[str, Any]:
    data = {k: card.fields.get(k) for k in _CARD_FIELDS if k in card.fields}
    # The card may not say; the register records "not known to be" as False.
    for flag in ("is_general_purpose", "is_open_source"):
        data[flag] = bool(data.get(flag))
    for key in ("evaluations", "languages"):
        data[key] = list(data.get(key) or [])
    for key, value in (overrides or {}).items():
        if key in ("name", "version") and value is not None:
            data[key] = " ".join(str(value).split())
    return data


def preview_model_card(
    *, organization, text: str | bytes, filename: str = "README.md", overrides: dict | None = None
) -> ModelCardPreview:
    """Parse a card and say what would be stored; raise ``ModelCardError`` for a non-card."""
    card = parse_model_card(text, filename=filename)
    data = _card_data(card, overrides)
    unmapped = dict(card.unmapped)
    if card.fields.get("tags"):
        unmapped = {"tags": card.fields["tags"], **unmapped}
    errors: dict[str, list[str]] = {}
    if not data.get("name"):
        errors["name"] = ["The card names no model; give it a name."]
    else:
        with scope(organization=organization):
            taken = AIModel.objects.filter(
                organization=organization, name=data["name"], version=data.get("version", "")
            ).exists()
        if taken:
            version = f" version '{data['version']}'" if data.get("version") else " (no version)"
            errors["name"] = [
                f"The model '{data['name']}'{version} is in the register already. "
                "Change the name or the version to import it as another model."
            ]
    return ModelCardPreview(card=card, data=data, errors=errors, unmapped=unmapped)


def import_model_card(
    *, organization, acting, text: str | bytes, filename: str = "README.md",
    overrides: dict | None = None, vendor: Vendor | None = None,
) -> tuple[AIModel, ModelCardPreview]:  # fmt: skip
    """Add the model a card describes; raise ``ValidationError`` (by field) when it cannot."""
    preview = preview_model_card(
        organization=organization, text=text, filename=filename, overrides=overrides
    )
    if preview.errors:
        raise ValidationError(preview.errors)
    data = dict(preview.data)
    if vendor is not None:
        data["vendor"] = vendor
    with scope(organization=organization):
        model = services.create_model(
            organization=organization, acting=acting, data=data, source=AIModel.Source.MODEL_CARD
        )
    return model, preview


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
