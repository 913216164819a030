"""Read a Hugging Face model card: YAML front matter plus Markdown sections."""

from __future__ import annotations

import re
from typing import Any

from governance.register.modelcards.fields import (
    MAX_HEADINGS,
    TEMPLATE_RE,
    ModelCardImport,
    Warnings,
    cap_evaluations,
    empty_fields,
    hf_id,
    json_safe,
    metric_value,
    quoted,
    scalar_text,
    string_list,
    unique,
)
from governance.register.modelcards.frontmatter import meta_key, split_front_matter
from governance.register.modelcards.licences import licence_from_values
from governance.register.modelcards.markdown import (
    HTML_COMMENT_RE,
    MODEL_CARD_FOR_RE,
    bold_facts,
    clean_inline,
    first_fact,
    heading_claims,
    section_text,
    split_sections,
)
from governance.register.modelcards.provenance import name_and_source
from governance.register.modelcards.recognise import check_markdown_card
from governance.register.modelcards.statements import (
    compute_from_meta,
    compute_from_text,
    general_purpose_from_text,
)

_PIPELINE_TYPES = {
    # classification
    "text-classification": "classification",
    "token-classification": "classification",
    "zero-shot-classification": "classification",
    "image-classification": "classification",
    "zero-shot-image-classification": "classification",
    "audio-classification": "classification",
    "video-classification": "classification",
    "tabular-classification": "classification",
    "voice-activity-detection": "classification",
    # regression
    "tabular-regression": "regression",
    "time-series-forecasting": "regression",
    # text generation, including models that read images or audio and answer in text
    "text-generation": "generative_text",
    "text2text-generation": "generative_text",
    "summarization": "generative_text",
    "conversational": "generative_text",
    "image-to-text": "generative_text",
    "image-text-to-text": "generative_text",
    "visual-question-answering": "generative_text",
    "audio-text-to-text": "generative_text",
    "video-text-to-text": "generative_text",
    # image (and, for want of a separate type, video and 3D) generation
    "text-to-image": "generative_image",
    "image-to-image": "generative_image",
    "unconditional-image-generation": "generative_image",
    "text-to-video": "generative_image",
    "image-to-video": "generative_image",
    "text-to-3d": "generative_image",
    "image-to-3d": "generative_image",
    # audio generation
    "text-to-speech": "generative_audio",
    "text-to-audio": "generative_audio",
    "audio-to-audio": "generative_audio",
    # embeddings
    "feature-extraction": "embedding",
    "sentence-similarity": "embedding",
    "image-feature-extraction": "embedding",
    # detection, speech, translation
    "object-detection": "object_detection",
    "zero-shot-object-detection": "object_detection",
    "automatic-speech-recognition": "speech_recognition",
    "translation": "translation",
    # known tasks with no closer register type
    "fill-mask": "other",
    "question-answering": "other",
    "table-question-answering": "other",
    "document-question-answering": "other",
    "image-segmentation": "other",
    "mask-generation": "other",
    "depth-estimation": "other",
    "keypoint-detection": "other",
    "reinforcement-learning": "other",
    "robotics": "other",
    "graph-ml": "other",
    "any-to-any": "other",
    "other": "other",
}


def parse_huggingface(
    text: str, filename: str, warnings: Warnings, source_ref: str = ""
) -> ModelCardImport:
    front_matter, body = split_front_matter(text, warnings)
    # A front-matter block marks a Hub card even when its YAML cannot be read.
    has_front_matter = len(body) < len(text)
    # Index by normalised key; the first spelling of a key wins, later ones stay unmapped.
    meta: dict[str, tuple[str, Any]] = {}
    for original, value in front_matter.items():
        meta.setdefault(meta_key(original), (original, value))
    body = HTML_COMMENT_RE.sub("", body)
    sections = split_sections(body)
    if len(sections) > MAX_HEADINGS:
        warnings.add(
            f"the card has {MAX_HEADINGS:,} headings or more; any after the {MAX_HEADINGS:,}th "
            "were read as plain text"
        )
    check_markdown_card(has_front_matter, set(meta), sections, warnings)
    facts = bold_facts(body)
    fields = empty_fields()
    used: set[str] = set()

    def take(*names: str) -> Any:
        """Return the first front-matter value among ``names`` and mark its key as mapped."""
        for name in names:
            key = meta_key(name)
            if key in meta:
                original, value = meta[key]
                used.add(original)
                return value
        return None

    source = _hf_name_and_provider(fields, take, sections, facts, filename, warnings, source_ref)

    version = take("version", "model_version")
    fields["version"] = scalar_text(version) or first_fact(facts, "model version", "version")

    _hf_licence(fields, take, facts, warnings)
    _hf_model_type(fields, take("pipeline_tag"), take("tags"), warnings)

    languages = take("language", "languages")
    fields["languages"] = string_list(languages, "language", warnings, is_language=True)
    if not fields["languages"]:
        fact = first_fact(facts, "language s nlp", "languages", "language s", "language")
        fields["languages"] = unique(re.split(r"\s*(?:,|;|\band\b)\s*", fact)) if fact else []

    datasets = [hf_id(d) for d in string_list(take("datasets"), "datasets", warnings)]
    base_models = [hf_id(b) for b in string_list(take("base_model"), "base_model", warnings)]
    fields["base_model"] = ", ".join(unique(base_models)) or hf_id(
        first_fact(facts, "finetuned from model", "fine tuned from model", "base model")
    )

    claims = heading_claims(sections)
    fields["intended_use"] = section_text(sections, claims, "intended_use")
    fields["limitations"] = section_text(sections, claims, "limitations")
    training_text = section_text(sections, claims, "training_data")
    parts = []
    if datasets:
        parts.append("Datasets: " + ", ".join(unique(datasets)))
    if training_text:
        parts.append(training_text)
    fields["training_data"] = "\n\n".join(parts)

    fields["evaluations"] = _model_index_evaluations(take("model-index"), warnings)

    compute = take("training_compute_flops", "training_compute")
    fields["training_compute_flops"] = compute_from_meta(compute, warnings)
    if fields["training_compute_flops"] is None:
        fields["training_compute_flops"] = compute_from_text(body, warnings)

    general = take("is_general_purpose", "general_purpose")
    if isinstance(general, bool):
        fields["is_general_purpose"] = general
    else:
        fields["is_general_purpose"] = general_purpose_from_text(body, warnings)

    # Copy what is left so the caller can show or store it; "license_link" is deliberately left
    # here because the register has no column for it.
    unmapped = {key: json_safe(value) for key, value in front_matter.items() if key not in used}
    return ModelCardImport(
        fields=fields, unmapped=unmapped, source_format="huggingface", source_ref=source
    )


def _hf_name_and_provider(fields, take, sections, facts, filename, warnings, source_ref) -> str:
    """Fill the name and provider; return the card's source (its Hub id or URL)."""
    model_index = take("model-index")
    index_name = ""
    if isinstance(model_index, list) and model_index and isinstance(model_index[0], dict):
        index_name = scalar_text(model_index[0].get("name"))
    heading = next((s.title for s in sections if s.level == 1 and s.title), "")
    heading = MODEL_CARD_FOR_RE.sub("", heading).strip()
    name, org, source = name_and_source(
        stated=[scalar_text(take("model_name")), index_name],
        title=clean_inline(TEMPLATE_RE.sub("", heading)),
        explicit_ref=source_ref,
        filename=filename,
        warnings=warnings,
    )
    provider = scalar_text(take("model_creator", "developers", "developed_by", "provider"))
    provider = provider or org
    provider = provider or first_fact(facts, "developed by", "model developers", "developers")
    fields["name"] = name
    fields["provider"] = provider
    return source


def _hf_licence(fields, take, facts, warnings) -> None:
    raw = take("license", "licence")
    licence_name = scalar_text(take("license_name", "licence_name"))
    values = string_list(raw, "license", warnings)
    source = "license"
    if values and [v.lower() for v in values] == ["other"] and licence_name:
        # The Hub's convention: "license: other" plus a human name in license_name.
        values, source = [licence_name], "license_name"
    if not values:
        fact = first_fact(facts, "license", "licence")
        if fact:
            values, source = [fact], "License"
    if not values:
        warnings.add("license: not stated; the licence was left empty")
        return
    fields["licence"], fields["is_open_source"] = licence_from_values(values, source, warnings)


def _hf_model_type(fields, pipeline_tag: Any, tags: Any, warnings: Warnings) -> None:
    tag_list = [t for t in (tags if isinstance(tags, list) else [tags]) if isinstance(t, str)]
    fields["tags"] = unique(t.strip() for t in tag_list)
    pipeline = scalar_text(pipeline_tag).lower()
    if pipeline:
        if pipeline in _PIPELINE_TYPES:
            fields["model_type"] = _PIPELINE_TYPES[pipeline]
        else:
            warnings.add(
                f"pipeline_tag: {quoted(pipeline)} is not a known task; "
                "the model type was set to 'other'"
            )
        return
    # Older cards name the task only among their tags.
    for tag in fields["tags"]:
        mapped = _PIPELINE_TYPES.get(tag.lower())
        if mapped and mapped != "other":
            fields["model_type"] = mapped
            return
    if any("recommend" in tag.lower() for tag in fields["tags"]):
        fields["model_type"] = "recommendation"
        return
    warnings.add("pipeline_tag: not stated; the model type was set to 'other'")


def _model_index_evaluations(model_index: Any, warnings: Warnings) -> list[dict[str, Any]]:
    if model_index is None:
        return []
    if not isinstance(model_index, list):
        warnings.add("model-index: expected a list of models; evaluation results were skipped")
        return []
    evaluations: list[dict[str, Any]] = []
    for m, model in enumerate(model_index):
        where = "model-index" if len(model_index) == 1 else f"model-index[{m}]"
        if not isinstance(model, dict):
            warnings.add(f"{where}: entry is not a mapping; skipped")
            continue
        results = model.get("results")
        if not isinstance(results, list):
            warnings.add(f"{where}: has no list of results; skipped")
            continue
        for r, result in enumerate(results):
            if not isinstance(result, dict):
                warnings.add(f"{where}: results[{r}] is not a mapping; skipped")
                continue
            task = _named(result.get("task"))
            dataset = _dataset_label(result.get("dataset"))
            metrics = result.get("metrics")
            if not isinstance(metrics, list) or not metrics:
                warnings.add(f"{where}: results[{r}] has no metrics; skipped")
                continue
            if not task:
                warnings.add(f"{where}: results[{r}] has no task; imported with the task empty")
            if not dataset:
                warnings.add(
                    f"{where}: results[{r}] has no dataset; imported with the dataset empty"
                )
            for k, metric in enumerate(metrics):
                label = f"{where}: results[{r}].metrics[{k}]"
                if not isinstance(metric, dict):
                    warnings.add(f"{label} is not a mapping; skipped")
                    continue
                name = scalar_text(metric.get("name")) or scalar_text(metric.get("type"))
                value = metric_value(metric.get("value"))
                if not name:
                    warnings.add(f"{label} has no type or name; skipped")
                    continue
                if value is None:
                    warnings.add(f"{label} ({quoted(name)}) has no value; skipped")
                    continue
                evaluations.append(
                    {"task": task, "dataset": dataset, "metric": name, "value": value}
                )
    return cap_evaluations(evaluations, "model-index", warnings)


def _named(value: Any) -> str:
    """Return a readable label for a model-index ``task`` (its name, else its type)."""
    if isinstance(value, dict):
        return scalar_text(value.get("name")) or scalar_text(value.get("type"))
    return scalar_text(value)


def _dataset_label(value: Any) -> str:
    if not isinstance(value, dict):
        return scalar_text(value)
    label = scalar_text(value.get("name")) or hf_id(scalar_text(value.get("type")))
    # Config and split tell apart results that share a dataset name.
    details = [scalar_text(value.get(k)) for k in ("config", "split")]
    details = [d for d in details if d and d.lower() != "default"]
    if label and details:
        label = f"{label} ({', '.join(details)})"
    return label
