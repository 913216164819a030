"""What the questionnaire page shows, built from selectors' rows: groups, progress, filters."""

from dataclasses import dataclass, field

from django.utils import timezone

from . import scoring
from .models import AnswerStatus, ImplementationStatus
from .selectors import group_key, group_title, scoring_item

FILTERS = {
    "": "All items",
    "unanswered": "Unanswered",
    "gaps": "Gaps",
    "mine": "Assigned to me",
    "overdue": "Overdue",
}
STATUS_CHOICES = [(s.value, s.label) for s in AnswerStatus]
IMPLEMENTATION_CHOICES = [(s.value, s.label) for s in ImplementationStatus]
MATURITY_CHOICES = [(i, f"{i}") for i in range(6)]


@dataclass
class ItemView:
    response: object
    score: scoring.Score
    evidence: list = field(default_factory=list)
    suggested: list = field(default_factory=list)
    can_edit: bool = False
    overdue: bool = False

    @property
    def is_gap(self) -> bool:
        return self.score.gaps > 0

    @property
    def is_soa(self) -> bool:
        return self.response.requirement.obligation.startswith("A.")

    @property
    def choices(self) -> list[tuple[str, str]]:
        out = []
        for c in self.response.requirement.choices or []:
            if isinstance(c, dict):
                out.append((str(c.get("value")), str(c.get("label", c.get("value")))))
            else:
                out.append((str(c), str(c)))
        return out


@dataclass
class GroupView:
    key: str
    title: str
    items: list = field(default_factory=list)
    score: scoring.Score = field(default_factory=scoring.Score)
    shown: int = 0


def _keep(view: ItemView, flt: str, user_id) -> bool:
    r = view.response
    if flt == "unanswered":
        return r.answered_at is None
    if flt == "gaps":
        return view.is_gap
    if flt == "mine":
        return r.owner_id == user_id
    if flt == "overdue":
        return view.overdue
    return True


def build_groups(responses, *, evidence, suggested, flt, membership, can_answer):
    """Return (groups, overall score); every group keeps its full score whatever the filter."""
    today = timezone.localdate()
    groups: dict[str, GroupView] = {}
    overall = scoring.Score()
    for r in responses:
        score = scoring.score_item(scoring_item(r))
        overall.add(score)
        key = group_key(r.requirement)
        group = groups.get(key)
        if group is None:
            group = groups[key] = GroupView(key, group_title(r.requirement))
        group.score.add(score)
        view = ItemView(
            response=r,
            score=score,
            evidence=evidence.get(r.pk, []),
            suggested=suggested.get(r.pk, []),
            can_edit=can_answer(membership, r),
            overdue=bool(r.due_date and r.due_date < today and r.answered_at is None),
        )
        if _keep(view, flt, membership.user_id):
            group.items.append(view)
            group.shown += 1
    return list(groups.values()), overall
