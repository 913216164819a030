"""Read a Google Model Card Toolkit JSON card, schema v0.0.1 or v0.0.2.

The two versions differ where it matters here: v0.0.1 keeps datasets by role
(``model_parameters.data.train`` / ``.eval``), lists licences, users and use cases as strings;
v0.0.2 lists datasets (``model_parameters.data: [...]``) and uses objects with a
``description`` or ``identifier``/``custom_text``. A card is read by its shape, so a card
without ``schema_version`` or with a mix of both is read too.
"""

from __future__ import annotations

import json
from typing import Any

from governance.register.modelcards.fields import (
    ModelCardError,
    ModelCardImport,
    Warnings,
    cap_evaluations,
    empty_fields,
    json_safe,
    metric_value,
    quoted,
    scalar_text,
    unique,
)
from governance.register.modelcards.licences import licence_from_values, spdx_id
from governance.register.modelcards.provenance import name_and_source
from governance.register.modelcards.statements import general_purpose_from_text

_MCT_SECTIONS = ("model_details", "model_parameters", "quantitative_analysis", "considerations")
_KNOWN_VERSIONS = ("0.0.1", "0.0.2")
# v0.0.1 keeps its datasets by role under model_parameters.data; v0.0.2 lists them.
_V1_DATA_ROLES = (("train", "Training"), ("eval", "Evaluation"))
_MCT_CONSIDERATIONS = ("users", "use_cases", "limitations", "tradeoffs", "ethical_considerations")


def parse_mct(
    text: str, filename: str, warnings: Warnings, source_ref: str = ""
) -> ModelCardImport:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelCardError(
            f"The file looks like JSON but could not be read: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})."
        ) from exc
    except RecursionError as exc:
        raise ModelCardError("The JSON is nested too deeply to read.") from exc
    if not isinstance(data, dict) or not any(key in data for key in _MCT_SECTIONS):
        raise ModelCardError(
            "This JSON file is not a Model Card Toolkit model card: it has no "
            "'model_details' section."
        )
    version = data.get("schema_version")
    if version is not None and str(version) not in _KNOWN_VERSIONS:
        warnings.add(
            f"schema_version: {quoted(version)} is not a known Model Card Toolkit schema; "
            "read by its shape"
        )

    details = _as_dict(data.get("model_details"), "model_details", warnings)
    params = _as_dict(data.get("model_parameters"), "model_parameters", warnings)
    analysis = _as_dict(data.get("quantitative_analysis"), "quantitative_analysis", warnings)
    considerations = _as_dict(data.get("considerations"), "considerations", warnings)

    fields = empty_fields()
    unmapped: dict[str, Any] = {}

    fields["name"], fields["provider"], source = name_and_source(
        stated=[scalar_text(details.get("name"))],
        title="",
        explicit_ref=source_ref,
        filename=filename,
        warnings=warnings,
    )

    version_info = details.get("version")
    if isinstance(version_info, dict):
        fields["version"] = scalar_text(version_info.get("name"))
        for extra in ("date", "diff"):
            if version_info.get(extra):
                unmapped[f"model_details.version.{extra}"] = json_safe(version_info[extra])
    else:
        fields["version"] = scalar_text(version_info)

    owners = [
        scalar_text(owner.get("name")) if isinstance(owner, dict) else scalar_text(owner)
        for owner in _as_list(details.get("owners"), "model_details.owners", warnings)
    ]
    fields["provider"] = ", ".join(o for o in unique(owners) if o) or fields["provider"]

    _mct_licence(fields, details, warnings)
    warnings.add(
        "model_details: the Model Card Toolkit format does not state a task; "
        "the model type was set to 'other'"
    )

    fields["intended_use"] = _join_blocks(
        [
            ("Use cases", _descriptions(considerations, "use_cases", warnings)),
            ("Intended users", _descriptions(considerations, "users", warnings)),
        ]
    )
    risks = []
    for i, risk in enumerate(
        _as_list(
            considerations.get("ethical_considerations"),
            "considerations.ethical_considerations",
            warnings,
        )
    ):
        if not isinstance(risk, dict):
            warnings.add(f"considerations.ethical_considerations[{i}]: not an object; skipped")
            continue
        text = scalar_text(risk.get("name"))
        mitigation = scalar_text(risk.get("mitigation_strategy"))
        if mitigation:
            text = f"{text} Mitigation: {mitigation}" if text else f"Mitigation: {mitigation}"
        if text:
            risks.append(text)
    fields["limitations"] = _join_blocks(
        [
            ("Limitations", _descriptions(considerations, "limitations", warnings)),
            ("Tradeoffs", _descriptions(considerations, "tradeoffs", warnings)),
            ("Ethical considerations", _bullets(risks)),
        ]
    )
    fields["training_data"] = _mct_datasets(params, warnings)
    fields["evaluations"] = _mct_evaluations(analysis, warnings)
    overview = " ".join(
        scalar_text(details.get(key)) for key in ("overview", "documentation")
    ).strip()
    fields["is_general_purpose"] = general_purpose_from_text(overview, warnings)

    mapped_detail_keys = {"name", "version", "owners", "licenses"}
    for key, value in details.items():
        if key not in mapped_detail_keys:
            unmapped[f"model_details.{key}"] = json_safe(value)
    for key, value in params.items():
        if key != "data":
            unmapped[f"model_parameters.{key}"] = json_safe(value)
    for key, value in analysis.items():
        if key != "performance_metrics":
            unmapped[f"quantitative_analysis.{key}"] = json_safe(value)
    for key, value in considerations.items():
        if key not in _MCT_CONSIDERATIONS:
            unmapped[f"considerations.{key}"] = json_safe(value)
    for key in data:
        if key not in _MCT_SECTIONS and key != "schema_version":
            unmapped[str(key)] = json_safe(data[key])
    return ModelCardImport(
        fields=fields, unmapped=unmapped, source_format="model-card-toolkit", source_ref=source
    )


def _mct_licence(fields, details: dict, warnings: Warnings) -> None:
    values: list[str] = []
    for i, licence in enumerate(
        _as_list(details.get("licenses"), "model_details.licenses", warnings)
    ):
        where = f"model_details.licenses[{i}]"
        if not isinstance(licence, dict):
            value = scalar_text(licence)
        elif licence.get("identifier"):
            value = scalar_text(licence.get("identifier"))
        else:
            custom = scalar_text(licence.get("custom_text"))
            first_line = custom.split("\n", 1)[0].strip()
            value = first_line
            if custom and spdx_id(first_line) is None:
                # Custom licence text has no name; keep its first line so a reviewer can find it.
                warnings.add(f"{where}: custom licence text; kept its first line as the licence")
        if value:
            values.append(value)
    if not values:
        warnings.add("model_details.licenses: not stated; the licence was left empty")
        return
    fields["licence"], fields["is_open_source"] = licence_from_values(
        values, "model_details.licenses", warnings
    )


def _mct_datasets(params: dict, warnings: Warnings) -> str:
    """Describe the datasets of either schema: v0.0.2's list, or v0.0.1's train/eval object."""
    data = params.get("data")
    if isinstance(data, dict) and not data.keys() & {"name", "link", "description"}:
        blocks = []
        for role, label in _V1_DATA_ROLES:
            if data.get(role) is not None:
                where = f"model_parameters.data.{role}"
                line = _dataset_line(data[role], f"{label} data", where, warnings, role=label)
                if line:
                    blocks.append(line)
        for key in data:
            if key not in dict(_V1_DATA_ROLES):
                warnings.add(f"model_parameters.data.{key}: not a known dataset role; skipped")
        return "\n".join(blocks)
    if isinstance(data, dict):
        data = [data]  # one dataset given without its list
    lines = []
    for i, dataset in enumerate(_as_list(data, "model_parameters.data", warnings)):
        line = _dataset_line(dataset, f"Dataset {i + 1}", f"model_parameters.data[{i}]", warnings)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _dataset_line(
    dataset: Any, default_name: str, where: str, warnings: Warnings, role: str = ""
) -> str:
    if not isinstance(dataset, dict):
        warnings.add(f"{where}: not an object; skipped")
        return ""
    name = scalar_text(dataset.get("name")) or default_name
    description = scalar_text(dataset.get("description"))
    link = scalar_text(dataset.get("link"))
    line = f"- {role}: {name}" if role and name != default_name else f"- {name}"
    if description:
        line += f": {description}"
    if link:
        line += f" ({link})"
    sensitive = dataset.get("sensitive")
    if isinstance(sensitive, dict):
        items = [scalar_text(s) for s in _as_list(sensitive.get("sensitive_data"), "", None)]
        if any(items):
            line += f"\n  Sensitive data: {', '.join(s for s in items if s)}"
    return line


def _mct_evaluations(analysis: dict, warnings: Warnings) -> list[dict[str, Any]]:
    evaluations = []
    metrics = _as_list(
        analysis.get("performance_metrics"), "quantitative_analysis.performance_metrics", warnings
    )
    for i, metric in enumerate(metrics):
        where = f"quantitative_analysis.performance_metrics[{i}]"
        if not isinstance(metric, dict):
            warnings.add(f"{where}: not an object; skipped")
            continue
        name = scalar_text(metric.get("type"))
        value = metric_value(metric.get("value"))
        if not name:
            warnings.add(f"{where}: has no type; skipped")
            continue
        if value is None:
            warnings.add(f"{where} ({quoted(name)}): has no value; skipped")
            continue
        slice_name = scalar_text(metric.get("slice"))
        evaluations.append(
            {
                "task": "",
                "dataset": f"slice: {slice_name}" if slice_name else "",
                "metric": name,
                "value": value,
            }
        )
    return cap_evaluations(evaluations, "quantitative_analysis.performance_metrics", warnings)


def _descriptions(section: dict, key: str, warnings: Warnings) -> str:
    items = []
    for i, item in enumerate(_as_list(section.get(key), f"considerations.{key}", warnings)):
        text = scalar_text(item.get("description")) if isinstance(item, dict) else ""
        text = text or (scalar_text(item) if not isinstance(item, dict | list) else "")
        if text:
            items.append(text)
        else:
            warnings.add(f"considerations.{key}[{i}]: has no description; skipped")
    return _bullets(items)


def _bullets(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return "\n".join(f"- {item}" for item in items)


def _join_blocks(blocks: list[tuple[str, str]]) -> str:
    present = [(title, text) for title, text in blocks if text]
    if len(present) == 1:
        return present[0][1]
    return "\n\n".join(f"{title}:\n{text}" for title, text in present)


def _as_dict(value: Any, where: str, warnings: Warnings) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    warnings.add(f"{where}: expected an object; ignored")
    return {}


def _as_list(value: Any, where: str, warnings: Warnings | None) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if warnings is not None:
        warnings.add(f"{where}: expected a list; ignored")
    return []
