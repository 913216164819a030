"""Build a record of the Dutch algorithm register's publication standard v1.0 from a system.

The standard is the register's own file (fixtures/public_registers/nl-algoritmeregister/,
EUPL-1.2): each property has a type, a Dutch title, help text, whether it is required and, for
choices, the permitted values. A record holds only what the system states; a property Annex
cannot fill is left out (``missing`` says which and where to fill it).
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.html import escape

from governance.register.models import LifecycleStage, RiskTier
from governance.register.public_registers import sources

STANDARD_VERSION = "1.0"
STANDARD_PATH = (
    Path(__file__).resolve().parents[3]
    / "fixtures"
    / "public_registers"
    / "nl-algoritmeregister"
    / "publicatiestandaard-v1_0.json"
)

# "Status": the standard's three values. A pilot or a plan is not yet "in gebruik"; the
# standard's instructions say "In gebruik" only when the system is (also) in use.
STATUS = {
    LifecycleStage.PLANNED: "In ontwikkeling",
    LifecycleStage.IN_DEVELOPMENT: "In ontwikkeling",
    LifecycleStage.TESTING: "In ontwikkeling",
    LifecycleStage.IN_PRODUCTION: "In gebruik",
    LifecycleStage.RETIRED: "Buiten gebruik",
}

# "Publicatiecategorie": category A is the AI Act's high-risk AI system. Whether another system
# is "impactful" (B) or not (C) turns on its legal effects on people (the register's
# handreiking), which Annex does not record: the person exporting chooses, per download.
CATEGORY_HIGH_RISK = "Hoog-risico AI-systeem"
CATEGORY_CHOICES = {"impactful": "Impactvolle algoritmes", "other": "Overige algoritmes"}

DPIA_TITLE = "Data Protection Impact Assessment (DPIA)"
FRIA_TITLE = "Fundamental Rights Impact Assessment (FRIA, AI-verordening art. 27)"


@lru_cache(maxsize=1)
def standard() -> dict:
    """Return the standard's properties, as the register validates downloads with them."""
    with STANDARD_PATH.open(encoding="utf-8") as f:
        return json.load(f)["properties"]


def publication_category(system, chosen: str | None) -> str | None:
    """Return the category for the system's tier, or the one chosen for a system not high-risk.

    None when it cannot be told: not screened yet, a prohibited practice (Art. 5), or no choice.
    """
    if system.risk_tier == RiskTier.HIGH_RISK:
        return CATEGORY_HIGH_RISK
    if system.risk_tier in (RiskTier.UNSCREENED, RiskTier.PROHIBITED):
        return None
    return CATEGORY_CHOICES.get(chosen or "")


def build_record(system, *, category: str | None = None, today: date | None = None) -> dict:
    """Return the system's v1.0 record: the standard's keys, in its order, stated ones only."""
    today = today or timezone.localdate()
    values = {
        **_identity(system),
        **_status_and_dates(system, today),
        "contact_email": system.contact_point,
        "website": system.public_page_url,
        "publication_category": publication_category(system, category),
        "goal": _html(system.intended_purpose),
        "human_intervention": _html(system.human_oversight),
        "risks": _risks_html(sources.risks_of(system)),
        **_legal_basis(system),
        "process_index_url": system.processing_register_url,
        "impacttoetsen_grouping": _impact_assessments(system),
        "source_data": _source_data_html(sources.models_of(system)),
        "methods_and_models": _models_html(sources.models_of(system)),
        "provider": system.vendor.name if system.vendor_id else "",
        "publiccode": system.source_code_url,
        "lang": "nld",
        "standard_version": STANDARD_VERSION,
        "source_id": system.reference or str(system.uuid),
        "tags": ", ".join(sources.tag_names(system)),
        "publication_dt": system.published_on.isoformat() if system.published_on else "",
    }
    order = list(standard())
    return {k: values[k] for k in order if k in values and values[k] not in ("", None, [])}


def _identity(system) -> dict:
    permitted = {v.casefold(): v for v in standard()["category"]["permitted_values"]}
    tags = sources.tag_names(system)
    themes = [permitted[t.casefold()] for t in tags if t.casefold() in permitted]
    return {
        "name": system.name,
        "description_short": system.description.strip(),
        "organization": system.organization.name,
        # "Thema": only tags that are the standard's own theme names.
        "category": themes,
    }


def _month(day: date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def _status_and_dates(system, today: date) -> dict:
    # "Einddatum" stays empty while the system is in use: an end date still ahead is left out.
    ended = system.ended_on if system.ended_on and system.ended_on <= today else None
    return {
        "status": STATUS.get(system.lifecycle_stage, ""),
        "begin_date": _month(system.put_into_service_on),
        "end_date": _month(ended),
    }


def _legal_basis(system) -> dict:
    text = system.legal_basis.strip()
    grouping = []
    if system.legal_basis_url:
        # A link's title is the legal basis's first line (the standard allows 100 characters;
        # a longer one is reported by the validator, never cut here).
        title = text.splitlines()[0].strip() if text else ""
        grouping = [{"title": title, "link": system.legal_basis_url}]
    return {"lawful_basis": _html(text), "lawful_basis_grouping": grouping}


def _impact_assessments(system) -> list[dict]:
    done = []
    if system.dpia_done:
        done.append({"title": DPIA_TITLE, "link": None})
    if system.fria_done:
        done.append({"title": FRIA_TITLE, "link": None})
    return done


def _html(text: str) -> str:
    """Return plain text as the standard's limited HTML: escaped, line breaks as <br>."""
    text = (text or "").strip()
    return "<br>".join(escape(line) for line in text.splitlines())


def _list_html(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else ""


def _risks_html(risks) -> str:
    items = []
    for risk in risks:
        text = escape(risk.title)
        if risk.treatment_notes.strip():
            text += ": " + _html(risk.treatment_notes)
        items.append(text)
    return _list_html(items)


def _models_html(models) -> str:
    items = []
    for model in models:
        facts = [str(model.get_model_type_display())]
        if model.provider:
            facts.append(model.provider)
        items.append(f"{escape(str(model))} ({escape(', '.join(facts))})")
    return _list_html(items)


def _source_data_html(models) -> str:
    # "Gegevens" includes the data the algorithm was first built with: the models' training data.
    items = [
        f"{escape(str(m))}: {_html(m.training_data)}" for m in models if m.training_data.strip()
    ]
    return _list_html(items)
