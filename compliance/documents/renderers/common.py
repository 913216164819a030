"""What every document shares: its header facts, the data version, obligation rows."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from governance.classification import codes
from governance.classification.selectors import current_classification

NOT_STATED = "Not stated"


@dataclass
class Built:
    """A rendered document: the bytes to store and the data they were made from."""

    content: bytes
    filename: str
    content_type: str
    data: dict = field(default_factory=dict)

    @property
    def data_version(self) -> str:
        return data_version(self.data)


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def data_version(data: dict) -> str:
    """Return a short, stable hash of the data a document was built from."""
    canonical = json.dumps(data, sort_keys=True, default=_default, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def header(document, *, title: str) -> dict:
    """Return the facts printed in every page's header and footer."""
    return {
        "doc_title": title,
        "doc_kind": document.kind_label,
        "org_name": document.organization.name,
        "doc_id": f"{document.uuid}",
        "doc_number": document.number,
        "generated_at": timezone.now(),
    }


def field_row(label: str, value, citation: str = "", *, required: bool = True) -> dict:
    """Return one labelled value; an empty required value is flagged as missing."""
    empty = value in (None, "", [], {})
    return {
        "label": label,
        "value": NOT_STATED if empty else value,
        "citation": citation,
        "missing": empty and required,
    }


def missing_of(rows: list[dict]) -> list[str]:
    """Return the labels of the required rows that have no value."""
    return [row["label"] for row in rows if row["missing"]]


def obligation_title(code: str) -> str:
    obligation = codes.OBLIGATIONS.get(code)
    return obligation.title if obligation else code


def _as_date(value):
    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def obligation_rows(result: dict) -> list[dict]:
    """Return the classification's obligations in article order, with title and date."""
    applies = result.get("applies_from") or {}
    rows = []
    for code in sorted(result.get("obligations") or [], key=codes.article_sort_key):
        obligation = codes.OBLIGATIONS.get(code)
        rows.append(
            {
                "code": code,
                "title": obligation.title if obligation else code,
                "citation": obligation.citation if obligation else "",
                "applies_from": _as_date(applies.get(code)),
            }
        )
    return rows


def classification_facts(system) -> dict | None:
    """Return the current classification of a system as plain data, or None if unscreened."""
    record = current_classification(system)
    if record is None:
        return None
    result = record.result
    tier = codes.TIERS.get(result.get("tier"))
    basis = []
    for item in result.get("high_risk_basis") or []:
        point = codes.ANNEX_III.get(item)
        basis.append(
            point.citation + ": " + point.label if point else "Annex I product legislation"
        )
    route = codes.CONFORMITY_ROUTES.get(result.get("conformity_route") or "")
    return {
        "version": record.version,
        "classified_at": record.created_at,
        "tier": result.get("tier"),
        "tier_label": tier.label if tier else result.get("tier"),
        "basis": basis,
        "derogation_applied": bool(result.get("derogation_applied")),
        "gpai": result.get("gpai"),
        "transparency": list(result.get("transparency") or []),
        "conformity_route": route.label if route else None,
        "obligations": obligation_rows(result),
        "rationale": list(result.get("rationale") or []),
        "annex_iii": list(record.screening.get("annex_iii") or []),
        "role": record.screening.get("role"),
    }
