"""The record of what was approved: every answer, its evidence and the score, as plain JSON."""

from . import scoring
from .selectors import responses_for_page, scoring_item


def _answer(response) -> dict:
    return {
        "code": response.requirement.code,
        "obligation": response.requirement.obligation,
        "title": response.requirement.title,
        "status": response.status,
        "maturity": response.maturity,
        "choice": response.choice,
        "text": response.text,
        "date": response.date.isoformat() if response.date else None,
        "number": str(response.number) if response.number is not None else None,
        "justification": response.justification,
        "owner": response.owner.email if response.owner_id else None,
        "due_date": response.due_date.isoformat() if response.due_date else None,
        "soa_applicable": response.soa_applicable,
        "soa_justification": response.soa_justification,
        "implementation_status": response.implementation_status,
        "answered_by": response.answered_by.email if response.answered_by_id else None,
        "answered_at": response.answered_at.isoformat() if response.answered_at else None,
    }


def build_snapshot(assessment) -> tuple[dict, dict]:
    """Return (snapshot, score) of the assessment as it stands."""
    from compliance.evidence.selectors import evidence_by_response

    responses = list(responses_for_page(assessment))
    evidence = evidence_by_response(assessment.organization, [r.pk for r in responses])
    items = []
    for response in responses:
        row = _answer(response)
        row["evidence"] = [
            {
                "title": e.title,
                "kind": e.kind,
                "url": e.url,
                "sha256": e.current_version.sha256 if e.current_version_id else None,
                "version": e.current_version.number if e.current_version_id else None,
                "valid_until": e.valid_until.isoformat() if e.valid_until else None,
            }
            for e in evidence.get(response.pk, [])
        ]
        items.append(row)
    score = scoring.score_items(scoring_item(r) for r in responses)
    groups = scoring.score_by_group(scoring_item(r) for r in responses)
    snapshot = {
        "title": assessment.title,
        "framework": {"slug": assessment.framework.slug, "version": assessment.framework.version},
        "system": str(assessment.system.uuid) if assessment.system_id else None,
        "classification_version": (
            assessment.classification.version if assessment.classification_id else None
        ),
        "notification": assessment.notification,
        "responses": items,
        "groups": {k: v.as_dict() for k, v in groups.items()},
    }
    return snapshot, score.as_dict()
