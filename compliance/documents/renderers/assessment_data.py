"""An assessment as plain data for documents: groups of answered items, score, actions."""

from compliance.assessments import scoring
from compliance.assessments.models import AnswerStatus
from compliance.assessments.selectors import (
    actions_of_assessment,
    group_title,
    live_responses,
    scoring_item,
)
from compliance.evidence.models import EvidenceLink

_STATUS = dict(AnswerStatus.choices)


def answer_text(response) -> str:
    """Return the answer of a response in words, whatever its answer type."""
    kind = response.requirement.answer_type
    if response.answered_at is None:
        return ""
    if response.status == AnswerStatus.NOT_APPLICABLE:
        return "Not applicable"
    if kind == "maturity":
        return f"Maturity {response.maturity} of 5" if response.maturity is not None else ""
    if kind == "choice":
        return response.choice
    if kind == "text":
        return response.text
    if kind == "date":
        return response.date.strftime("%d %B %Y") if response.date else ""
    if kind == "number":
        return "" if response.number is None else f"{response.number.normalize()}"
    return str(_STATUS.get(response.status, response.status))


def _evidence_by_response(responses) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    links = EvidenceLink.objects.filter(response__in=responses).select_related("evidence")
    for link in links:
        label = link.evidence.title
        if link.evidence.is_expired:
            label += " (expired)"
        out.setdefault(link.response_id, []).append(label)
    return out


def assessment_groups(assessment) -> dict:
    """Return the assessment's items grouped by article or clause, with scores and evidence."""
    responses = list(
        live_responses(assessment)
        .select_related("requirement", "requirement__parent", "owner")
        .order_by("order")
    )
    evidence = _evidence_by_response(responses)
    groups: dict[str, dict] = {}
    items = []
    for response in responses:
        item = scoring_item(response)
        items.append(item)
        key = item.group
        group = groups.setdefault(
            key, {"key": key, "title": group_title(response.requirement), "items": [], "scored": []}
        )
        single = scoring.score_items([item])
        group["scored"].append(item)
        group["items"].append(
            {
                "code": response.requirement.code,
                "title": response.requirement.title,
                "citation": response.requirement.citation,
                "answer": answer_text(response),
                "justification": response.justification,
                "evidence": evidence.get(response.pk, []),
                "gap": single.gaps > 0,
                "unanswered": response.answered_at is None,
                "soa_applicable": response.soa_applicable,
                "soa_justification": response.soa_justification,
                "implementation": response.get_implementation_status_display()
                if response.implementation_status
                else "",
            }
        )
    for group in groups.values():
        group["score"] = scoring.score_items(group.pop("scored")).as_dict()
    overall = scoring.score_items(items).as_dict()
    return {"groups": list(groups.values()), "score": overall}


def assessment_actions(assessment) -> list[dict]:
    return [
        {
            "title": a.title,
            "owner": a.owner.display_name if a.owner else "",
            "due": a.due_date,
            "status": a.get_status_display(),
            "requirements": [r.requirement.code for r in a.responses.all()],
        }
        for a in actions_of_assessment(assessment)
    ]


def assessment_header(assessment) -> dict:
    return {
        "id": str(assessment.uuid),
        "title": assessment.title,
        "framework": f"{assessment.framework.name} ({assessment.framework.version})",
        "status": assessment.get_status_display(),
        "system": assessment.system.name if assessment.system_id else None,
        "approved_by": assessment.approved_by.display_name if assessment.approved_by else None,
        "approved_at": assessment.approved_at,
    }
