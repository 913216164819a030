"""Readiness from assessment scores, aggregated in the database for any number of responses.

The scoring rule is compliance.assessments.scoring's (SCORING.md): the database only groups
identical answers and counts them, then each group is scored once and weighed by its count, so
the result equals scoring every item one by one, in one query whatever the size.
"""

from django.db.models import Count, Q

from compliance.assessments import scoring
from compliance.assessments.models import Response

FRAMEWORKS = (("eu-ai-act", "EU AI Act"), ("iso-42001", "ISO/IEC 42001"))
_ITEM = ("requirement__answer_type", "status", "maturity", "soa_applicable")


def _weighed(item: scoring.Item, n: int) -> scoring.Score:
    one = scoring.score_item(item)
    return scoring.Score(
        counted=one.counted * n,
        points=one.points * n,
        answered=one.answered * n,
        unanswered=one.unanswered * n,
        not_applicable=one.not_applicable * n,
        gaps=one.gaps * n,
    )


def scores_by(organization, keys: tuple[str, ...], **filters) -> dict[tuple, scoring.Score]:
    """Return {key values: Score} over the organisation's live responses, grouped by `keys`."""
    rows = (
        Response.objects.filter(organization=organization, retired_at=None, **filters)
        .values_list(*keys, *_ITEM)
        .annotate(answered=Count("id", filter=Q(answered_at__isnull=False)), n=Count("id"))
        .order_by()
    )
    out: dict[tuple, scoring.Score] = {}
    width = len(keys)
    for row in rows:
        key = row[:width]
        answer_type, status, maturity, soa = row[width : width + 4]
        answered, n = row[-2], row[-1]
        score = out.setdefault(key, scoring.Score())
        for is_answered, count in ((True, answered), (False, n - answered)):
            if count:
                item = scoring.Item("", answer_type, is_answered, status, maturity, soa)
                score.add(_weighed(item, count))
    return out


def readiness_by_framework(organization) -> list[dict]:
    """Return [{slug, name, percent, score}] for the EU AI Act and ISO/IEC 42001."""
    scores = scores_by(organization, ("assessment__framework__slug",))
    return [
        {"slug": slug, "name": name, "score": scores.get((slug,)), "percent": _pct(scores, slug)}
        for slug, name in FRAMEWORKS
    ]


def _pct(scores, *key):
    score = scores.get(tuple(key))
    return score.percent if score else None


def readiness_of_systems(organization, system_ids) -> dict[int, dict[str, float | None]]:
    """Return {system id: {framework slug: percent}} for these systems, in one query."""
    if not system_ids:
        return {}
    scores = scores_by(
        organization,
        ("assessment__system_id", "assessment__framework__slug"),
        assessment__system_id__in=list(system_ids),
    )
    out: dict[int, dict] = {sid: {} for sid in system_ids}
    for (sid, slug), score in scores.items():
        out.setdefault(sid, {})[slug] = score.percent
    return out
