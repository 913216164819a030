"""Model card (R.3.7): a PDF, a Hugging Face README and Model Card Toolkit JSON.

The README's YAML front matter uses the keys the Hub validates (`license`, `language`,
`base_model`, `tags`, `model-index`); the JSON follows Model Card Toolkit schema 0.0.2.
"""

import json
import math

import yaml
from django.utils.text import slugify

from compliance.documents.pdf import render_pdf
from compliance.documents.renderers.common import Built, data_version, field_row, header, missing_of
from governance.register.selectors import systems_using_model


def _flops(value) -> str:
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return ""
    return f"{value:.3g} FLOP"


def _evaluations(model) -> list[dict]:
    rows = []
    for item in model.evaluations or []:
        if isinstance(item, dict) and item.get("metric"):
            rows.append(
                {
                    "metric": str(item.get("metric")),
                    "value": str(item.get("value", "")),
                    "dataset": str(item.get("dataset") or ""),
                    "task": str(item.get("task") or ""),
                }
            )
    return rows


def _stated(flag: bool | None) -> str:
    """Yes or No; empty (so listed as missing) for a flag nobody stated."""
    return "" if flag is None else "Yes" if flag else "No"


def model_card_data(model) -> dict:
    """Return the model card's content as plain data."""
    general = [
        field_row("Name", model.name),
        field_row("Version", model.version, required=False),
        field_row("Provider", model.provider or (model.vendor.name if model.vendor else "")),
        field_row("Model type", model.get_model_type_display()),
        field_row("Base model", model.base_model, required=False),
        field_row("Licence", model.licence),
        field_row("Open source", _stated(model.is_open_source)),
        field_row("General-purpose", _stated(model.is_general_purpose), "Art. 3(63)"),
        field_row(
            "Training compute",
            _flops(model.training_compute_flops),
            "Art. 51(2), Annex XI",
            required=model.is_general_purpose,
        ),
        field_row("Languages", ", ".join(str(x) for x in model.languages or []), required=False),
    ]
    use = [
        field_row("Intended use", model.intended_use, "Annex XII 1(a)"),
        field_row("Limitations", model.limitations, "Annex XII 1(c)"),
        field_row("Training data", model.training_data, "Art. 53(1)(d), Annex XI 2(c)"),
    ]
    systems = [{"name": s.name, "uuid": str(s.uuid)} for s in systems_using_model(model)]
    return {
        "model": {"uuid": str(model.uuid), "name": model.name},
        "general": general,
        "use": use,
        "evaluations": _evaluations(model),
        "systems": systems,
        "missing": missing_of(general) + missing_of(use),
    }


def build_model_card(document) -> Built:
    """Render the model card of the document's model as a PDF."""
    model = document.ai_model
    data = model_card_data(model)
    context = {
        **header(document, title=f"Model card: {model}"),
        **data,
        "data_version": data_version(data),
    }
    pdf = render_pdf("documents/pdf/model_card.html", context)
    name = f"model-card-{slugify(str(model))[:60] or 'model'}.pdf"
    return Built(pdf, name, "application/pdf", data)


def huggingface_readme(model) -> str:
    """Return a README.md for the Hugging Face Hub: YAML front matter, then the card text."""
    meta: dict = {}
    if model.licence:
        meta["license"] = model.licence.lower()
    if model.languages:
        meta["language"] = [str(x) for x in model.languages]
    if model.base_model:
        meta["base_model"] = model.base_model
    meta["tags"] = ["annex", slugify(model.get_model_type_display()) or "other"]
    evaluations = _evaluations(model)
    if evaluations:
        meta["model-index"] = [{"name": model.name, "results": _model_index(evaluations)}]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip()
    body = [f"# {model}", ""]
    for title, text in (
        ("Intended uses", model.intended_use),
        ("Limitations", model.limitations),
        ("Training data", model.training_data),
    ):
        body += [f"## {title}", "", text.strip() or "Not stated.", ""]
    if evaluations:
        body += ["## Evaluation results", "", "| Metric | Value | Dataset |", "|---|---|---|"]
        body += [
            f"| {_cell(e['metric'])} | {_cell(e['value'])} | {_cell(e['dataset'])} |"
            for e in evaluations
        ]
        body.append("")
    return f"---\n{front}\n---\n\n" + "\n".join(body)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _model_index(evaluations: list[dict]) -> list[dict]:
    results = []
    for e in evaluations:
        value: object = e["value"]
        try:
            number = float(e["value"])
            value = number if math.isfinite(number) else e["value"]
        except ValueError:
            pass
        results.append(
            {
                "task": {"type": slugify(e["task"]) or "other", "name": e["task"] or "Other"},
                "dataset": {
                    "name": e["dataset"] or "unspecified",
                    "type": slugify(e["dataset"]) or "unspecified",
                },
                "metrics": [
                    {"type": slugify(e["metric"]) or "metric", "name": e["metric"], "value": value}
                ],
            }
        )
    return results


def model_card_toolkit(model) -> dict:
    """Return the model card as Model Card Toolkit JSON (schema 0.0.2)."""
    details: dict = {"name": model.name, "overview": model.intended_use.strip()[:500]}
    if model.version:
        details["version"] = {"name": model.version}
    if model.licence:
        details["licenses"] = [{"identifier": model.licence}]
    owner = model.provider or (model.vendor.name if model.vendor else "")
    if owner:
        details["owners"] = [{"name": owner}]
    card: dict = {"schema_version": "0.0.2", "model_details": details}
    parameters: dict = {"model_architecture": model.get_model_type_display()}
    if model.training_data:
        parameters["data"] = [{"name": "Training data", "description": model.training_data}]
    card["model_parameters"] = parameters
    metrics = [
        {"type": e["metric"], "value": e["value"], "slice": e["dataset"] or "overall"}
        for e in _evaluations(model)
    ]
    if metrics:
        card["quantitative_analysis"] = {"performance_metrics": metrics}
    considerations: dict = {}
    if model.intended_use:
        considerations["use_cases"] = [{"description": model.intended_use}]
    if model.limitations:
        considerations["limitations"] = [{"description": model.limitations}]
    if considerations:
        card["considerations"] = considerations
    return card


def model_card_toolkit_json(model) -> str:
    return json.dumps(model_card_toolkit(model), indent=2, ensure_ascii=False)
