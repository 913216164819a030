"""The classification in words: engine codes turned into labels, citations, dates and reasons.

Views bind, call and render; template tags and documents build their context from here, never
from the views. Plain functions over engine data (and the questionnaire's data), no requests.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.classification import codes, questions
from governance.classification.forms import display_answer, field_name, is_present


def obligation_rows(result: dict, today: date | None = None) -> list[dict]:
    """Return the result's obligations in article order with title, summary and date."""
    today = today or timezone.localdate()
    rows = []
    for code in sorted(result.get("obligations", []), key=codes.article_sort_key):
        entry = codes.OBLIGATIONS.get(code)
        iso = result.get("applies_from", {}).get(code)
        applies = date.fromisoformat(iso) if iso else None
        rows.append(
            {
                "code": code,
                "title": entry.title if entry else code,
                "citation": entry.citation if entry else code,
                "summary": entry.summary if entry else "",
                "applies_from": applies,
                "in_force": applies is not None and applies <= today,
                "days_left": (applies - today).days if applies else None,
            }
        )
    return rows


def label(table: dict, code, fallback: str = "") -> dict:
    entry = table.get(code)
    if entry is None:
        return {"code": code, "label": fallback or str(code), "citation": "", "description": ""}
    return {
        "code": code,
        "label": entry.label,
        "citation": getattr(entry, "citation", ""),
        "description": getattr(entry, "description", ""),
    }


def basis_rows(result: dict, screening: dict) -> list[dict]:
    """Return why the system is high-risk: Annex I legislation and Annex III points, in words."""
    rows = []
    for code in result.get("high_risk_basis", []):
        if code == "annex_i":
            legislation = codes.ANNEX_I.get((screening.get("annex_i") or {}).get("legislation"))
            if legislation is None:
                rows.append({"label": "Annex I product", "citation": "Art. 6(1)", "detail": ""})
                continue
            rows.append(
                {
                    "label": f"Annex I: {legislation.label}",
                    "citation": f"Art. 6(1); {legislation.citation}",
                    "detail": (
                        "Safety component of a product (or the product itself) that needs a "
                        "third-party conformity assessment under "
                        f"{legislation.act}."
                    ),
                }
            )
        else:
            point = codes.ANNEX_III.get(code)
            if point is None:
                rows.append({"label": code, "citation": "", "detail": ""})
                continue
            rows.append(
                {
                    "label": f"{codes.ANNEX_III_AREAS[point.area]}: {point.label}",
                    "citation": f"Art. 6(2); {point.citation}",
                    "detail": point.description,
                }
            )
    return rows


def describe_result(result: dict, screening: dict, today: date | None = None) -> dict:
    """Return a classification result with every code turned into a label and a citation."""
    tier = label(codes.TIERS, result.get("tier"))
    gpai = label(codes.GPAI_CLASSES, result.get("gpai", "none"))
    route = result.get("conformity_route")
    obligations = obligation_rows(result, today)
    upcoming = [row for row in obligations if not row["in_force"] and row["applies_from"]]
    role = screening.get("role")
    return {
        "tier": tier,
        "gpai": gpai,
        "role": label(codes.ROLES, role, fallback=role or ""),
        "basis": basis_rows(result, screening),
        "derogation": bool(result.get("derogation_applied")),
        "prohibited": [
            label(codes.PROHIBITED_PRACTICES, c) for c in result.get("prohibited_practices", [])
        ],
        "transparency": [
            {
                "code": c,
                "title": codes.OBLIGATIONS[c].title if c in codes.OBLIGATIONS else c,
                "citation": codes.OBLIGATIONS[c].citation if c in codes.OBLIGATIONS else c,
            }
            for c in result.get("transparency", [])
        ],
        "conformity": label(codes.CONFORMITY_ROUTES, route) if route else None,
        "obligations": obligations,
        "in_force_count": len(obligations) - len(upcoming),
        "next_deadline": min(upcoming, key=lambda r: r["applies_from"]) if upcoming else None,
        "rationale": result.get("rationale", []),
    }


def answer_groups(answers: dict, *, edit_url: str | None = None) -> list[dict]:
    """Return the visible questions with their answers in words, grouped by step."""
    missing = set(questions.missing_required(answers))
    groups = []
    for step in questions.STEPS:
        if not step.visible(answers):
            continue
        rows = []
        for question in step.questions:
            if not question.visible(answers):
                continue
            present = is_present(answers, question.key)
            rows.append(
                {
                    "key": question.key,
                    "label": question.label,
                    "answer": display_answer(
                        question, questions.get_answer(answers, question.key), answered=present
                    ),
                    "missing": question.key in missing,
                    "answered": present,
                    "anchor": f"q-{field_name(question.key)}",
                }
            )
        groups.append(
            {
                "slug": step.slug,
                "title": step.title,
                "rows": rows,
                "edit_url": f"{edit_url}?step={step.slug}" if edit_url else None,
            }
        )
    return groups


def question_label(key: str) -> str:
    question = questions.QUESTIONS.get(key) or questions.QUESTIONS.get(key.partition(".")[0])
    return question.label if question else key


def problems(exc: ValidationError, screening_url: str) -> list[dict]:
    """Return the engine's problems, each with the question it names and a link to its step."""
    if not hasattr(exc, "error_dict"):
        return [{"label": "", "message": m, "url": None} for m in exc.messages]
    problems = []
    for key, messages_ in exc.message_dict.items():
        question = questions.QUESTIONS.get(key) or questions.QUESTIONS.get(key.partition(".")[0])
        url = None
        if question is not None:
            url = f"{screening_url}?step={questions.step_of(question.key).slug}"
            url += f"#q-{field_name(question.key)}"
        for message in messages_:
            problems.append(
                {
                    "label": question.label if question else "",
                    "key": key,
                    "message": message,
                    "url": url,
                }
            )
    return problems


def answer_changes(old_screening: dict, new_screening: dict, changes: list[dict]) -> list[dict]:
    """Return the changed answers in words, in questionnaire order."""
    rows = {}
    old_answers = questions.screening_to_answers(old_screening)
    new_answers = questions.screening_to_answers(new_screening)
    for change in changes:
        key = change["key"]
        question = questions.QUESTIONS.get(key)
        if question is None:
            question = questions.QUESTIONS.get(key.partition(".")[0])
            if question is None:
                continue
            key = question.key
        rows[key] = question
    # annex_i and gpai: a whole object that appears or disappears is one yes/no change.
    for key in questions.NULLABLE_OBJECT_KEYS:
        if (old_screening.get(key) is None) != (new_screening.get(key) is None):
            rows[key] = questions.QUESTIONS[key]
    order = list(questions.QUESTIONS)
    out = []
    for key in sorted(rows, key=order.index):
        question = rows[key]
        out.append(
            {
                "label": question.label,
                "step": questions.step_of(key).title,
                "old": display_answer(
                    question,
                    questions.get_answer(old_answers, key),
                    answered=is_present(old_answers, key),
                ),
                "new": display_answer(
                    question,
                    questions.get_answer(new_answers, key),
                    answered=is_present(new_answers, key),
                ),
            }
        )
    return out


LIST_LABELS = {
    "high_risk_basis": "High-risk basis",
    "prohibited_practices": "Prohibited practices",
    "transparency": "Transparency duties",
}


def code_label(kind: str, code: str, screening: dict) -> str:
    if kind == "high_risk_basis":
        rows = basis_rows({"high_risk_basis": [code]}, screening)
        return f"{rows[0]['label']} ({rows[0]['citation']})" if rows else code
    if kind == "prohibited_practices":
        entry = codes.PROHIBITED_PRACTICES.get(code)
        return f"{entry.label} ({entry.citation})" if entry else code
    entry = codes.OBLIGATIONS.get(code)
    return f"{entry.title} ({entry.citation})" if entry else code


def date_rows(result: dict, stored: list[dict], today=None) -> list[dict]:
    """Return each obligation with its general date, the date for this system, and why.

    `stored` is the system's `obligation_dates` (kept by the classification service).
    """
    today = today or timezone.localdate()
    general = result.get("applies_from", {})
    rows = []
    for entry in sorted(stored or [], key=lambda d: codes.article_sort_key(d["code"])):
        code = entry["code"]
        known = codes.OBLIGATIONS.get(code)
        applies = date.fromisoformat(entry["applies_from"]) if entry.get("applies_from") else None
        usual = date.fromisoformat(general[code]) if general.get(code) else None
        rows.append(
            {
                "code": code,
                "title": known.title if known else code,
                "citation": known.citation if known else code,
                "general": usual,
                "applies_from": applies,
                "basis": entry.get("basis", ""),
                "why": entry.get("why", ""),
                "moved": applies != usual,
                "conditional": applies is None,
                "in_force": applies is not None and applies <= today,
                "days_left": (applies - today).days if applies else None,
            }
        )
    return rows


def defaulted_rows(classification) -> list[dict]:
    """Return the questions a classification did not answer (their neutral value was used)."""
    keys = questions.defaulted_keys(classification.screening, classification.answered_keys)
    return [
        {"key": key, "label": questions.QUESTIONS[key].label, "step": questions.step_of(key).title}
        for key in keys
    ]
