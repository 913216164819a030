"""Plain-words rendering of catalogue data for pages and the API (no database access)."""

from __future__ import annotations

from .conditions import FLAGS

_FLAG_WORDS = {
    "acts_as_provider": "the organisation acts as provider",
    "established_in_eu": "the organisation is established in the EU",
    "annex_i": "the system is an Annex I product or safety component",
    "derogation_applied": "the Art. 6(3) derogation applies",
    "profiling": "the system profiles people",
    "public_service_deployer": "the deployer is a public body or provides public services",
    "public_authority": "the deployer is a public authority",
    "gpai": "the organisation provides a general-purpose AI model",
    "open_source": "the model is free and open-source",
    "systemic_risk": "the model has systemic risk",
    "personal_data": "the system processes personal data",
    "biometric_data": "the system processes biometric data",
    "special_category_data": "the system processes special categories of personal data",
    "affects_children": "children are affected",
    "affects_employees": "employees or applicants are affected",
    "financial_institution": "the organisation is a financial institution",
    "ai_office_competence": "the AI Office is the competent authority",
    "interacts_with_persons": "the system interacts with people",
    "synthetic_content": "the system generates synthetic content",
    "emotion_recognition_or_biometric_categorisation": (
        "the system recognises emotions or categorises people biometrically"
    ),
    "deep_fake": "the system makes deep fakes",
    "public_interest_text": "the system writes text on matters of public interest",
    "human_editorial_control": "a person holds editorial control",
}
_LIST_WORDS = {
    "role_in": "the role is",
    "tier_in": "the risk tier is",
    "conformity_route_in": "the conformity route is",
    "annex_i_legislation_in": "the Annex I legislation is",
    "prohibited_practice_in": "a prohibited practice is",
    "obligation_in": "one of these obligations applies:",
}


def annex_iii_label(pattern: str) -> str:
    """Return "Annex III point 4(a)" for annex_iii_4_a, "Annex III point 1" for annex_iii_1."""
    parts = pattern.split("_")[2:]
    if not parts:
        return "any Annex III point"
    point = parts[0] + (f"({parts[1]})" if len(parts) > 1 else "")
    return f"Annex III point {point}"


def describe_condition(condition: object) -> str:
    """Return the condition in plain words, e.g. "Only if the deployer is a public authority"."""
    if condition is None:
        return ""
    return "Only if " + _words(condition) + "."


def _words(condition: object) -> str:
    if not isinstance(condition, dict) or len(condition) != 1:
        return "(malformed condition)"
    ((key, value),) = condition.items()
    if key in ("all", "any"):
        joiner = " and " if key == "all" else " or "
        return "(" + joiner.join(_words(c) for c in value) + ")" if value else "always"
    if key == "not":
        return "not " + _words(value)
    if key == "annex_iii_point_in":
        return "the use is " + " or ".join(annex_iii_label(p) for p in value)
    if key == "annex_iii_point_not_in":
        return "the use includes an Annex III point other than " + ", ".join(
            annex_iii_label(p).removeprefix("Annex III ") for p in value
        )
    if key in _LIST_WORDS:
        return f"{_LIST_WORDS[key]} {', '.join(str(v) for v in value)}"
    if key in FLAGS:
        words = _FLAG_WORDS.get(key, key.replace("_", " "))
        return words if value else f"not: {words}"
    return "(unknown condition)"
