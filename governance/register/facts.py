"""Facts of a system that may be "not stated", and which of them a system leaves unstated.

A fact a user, a file or a model card did not state is stored as None (yes/no facts) or ""
(choices): it is missing information, never "no". Pages, the screening and the documents read
the list from here so they agree on what is missing.
"""

NOT_STATED = "Not stated"

# (field, label, why it matters): the facts the EU AI Act screening and documents read.
SCREENING_FACTS = (
    ("deployment_context", "Deployment context", "who uses the system and where"),
    (
        "processes_personal_data",
        "Processes personal data",
        "GDPR, the DPIA (Art. 26(9)) and the declaration (Annex V point 5)",
    ),
    (
        "processes_biometric_data",
        "Processes biometric data",
        "Art. 5(1)(e)-(h), Annex III point 1 and Art. 50(3)",
    ),
    (
        "processes_special_categories",
        "Processes special categories of personal data",
        "GDPR Art. 9 and Art. 4a",
    ),
)
# The public register's impact assessments (NL publication standard, UK ATRS).
ASSESSMENT_FACTS = (
    ("dpia_done", "Data protection impact assessment done", "GDPR Art. 35"),
    ("fria_done", "Fundamental rights impact assessment done", "Art. 27"),
)


def unstated_condition(facts=SCREENING_FACTS):
    """Return a Q matching systems that leave any of the facts not stated (one SQL filter)."""
    from django.db.models import Q

    condition = Q()
    for field, _label, _why in facts:
        if field == "deployment_context":
            condition |= Q(deployment_context="")
        else:
            condition |= Q(**{f"{field}__isnull": True})
    return condition


def is_unstated(value) -> bool:
    """Return whether a stored fact is "not stated" (None, or "" for a choice)."""
    return value is None or value == ""


def yes_no(value) -> str:
    """Return "Yes", "No" or "Not stated" for a yes/no fact that may be unknown."""
    if value is None:
        return NOT_STATED
    return "Yes" if value else "No"


def unstated_facts(system, facts=SCREENING_FACTS) -> list[dict]:
    """Return the facts the system leaves unstated: [{field, label, why}], in order."""
    return [
        {"field": field, "label": label, "why": why}
        for field, label, why in facts
        if is_unstated(getattr(system, field, None))
    ]


# The public register's links, in the order a page shows them: (field, label, citation).
PUBLIC_LINKS = (
    ("public_page_url", "Public page", ""),
    ("source_code_url", "Source code", ""),
    ("processing_register_url", "Record of processing", "GDPR Art. 30"),
)


def safe_href(url: str) -> str:
    """Return the URL if a page may link to it (http or https only), else ""."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def public_links(system) -> list[dict]:
    """Return the system's public links as rows: label, text, href (empty unless http(s))."""
    return [
        {
            "label": label,
            "text": getattr(system, field) or "",
            "href": safe_href(getattr(system, field) or ""),
            "citation": citation,
        }
        for field, label, citation in PUBLIC_LINKS
    ]
