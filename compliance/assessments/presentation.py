"""What the questionnaire page shows, built from selectors' rows: groups, progress, filters."""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

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


_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


class Urls:
    """The per-item URLs of one page, made by string substitution: one reverse() per kind.

    A page of 300 items would otherwise reverse a thousand URLs.
    """

    def __init__(self, org_slug: str, assessment, members=()):
        kw = {"org_slug": org_slug, "assessment_uuid": assessment.uuid}
        self.save = reverse(
            "assessments:response-save", kwargs={**kw, "response_uuid": _PLACEHOLDER}
        )
        self.attach = reverse("evidence:attach", kwargs={**kw, "response_uuid": _PLACEHOLDER})
        self.plan = reverse("assessments:action-plan", kwargs=kw) + "?item="
        self.evidence = reverse(
            "evidence:detail", kwargs={"org_slug": org_slug, "evidence_uuid": _PLACEHOLDER}
        )
        self.owner_options = "".join(
            f'<option value="{m.user_id}">{escape(m.user.full_name or m.user.email)}</option>'
            for m in members
        )

    def owner_select(self, owner_id) -> str:
        if owner_id is None:
            return mark_safe(self.owner_options)
        needle = f'<option value="{owner_id}">'
        return mark_safe(
            self.owner_options.replace(needle, f'<option value="{owner_id}" selected>', 1)
        )


def csrf_input(request) -> str:
    """The CSRF field once per page (not once per item form)."""
    token = escape(get_token(request))
    return mark_safe(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">')


@dataclass
class EvidenceChip:
    title: str
    url: str
    is_expired: bool
    valid_until: object


@dataclass
class ItemView:
    response: object
    score: scoring.Score
    evidence: list = field(default_factory=list)
    suggested: list = field(default_factory=list)
    can_edit: bool = False
    overdue: bool = False
    id: str = ""
    save_url: str = ""
    attach_url: str = ""
    plan_url: str = ""
    owner_select: str = ""
    html: str = ""

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


def _chips(items, urls) -> list[EvidenceChip]:
    return [
        EvidenceChip(
            e.title, urls.evidence.replace(_PLACEHOLDER, str(e.uuid)), e.is_expired, e.valid_until
        )
        for e in items
    ]


def build_groups(responses, *, evidence, suggested, flt, membership, can_answer, urls=None):
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
            can_edit=can_answer(membership, r),
            overdue=bool(r.due_date and r.due_date < today and (not r.answered_at or score.gaps)),
        )
        if urls is not None:
            view.id = str(r.uuid)
            view.save_url = urls.save.replace(_PLACEHOLDER, view.id)
            view.attach_url = urls.attach.replace(_PLACEHOLDER, view.id)
            view.plan_url = urls.plan + view.id
            view.owner_select = urls.owner_select(r.owner_id)
            view.evidence = _chips(evidence.get(r.pk, []), urls)
            view.suggested = _chips(suggested.get(r.pk, []), urls)
        if _keep(view, flt, membership.user_id):
            group.items.append(view)
            group.shown += 1
    return list(groups.values()), overall


# --- Rendered items, kept per process -----------------------------------------------------
# An item's HTML depends only on what its key names: the response's version (every save bumps
# it), its evidence, the reader's rights and the members list. A 300-item page renders only the
# items that changed since the last view; the key changes whenever the HTML would.
_CSRF = "\x00csrf\x00"
_FRAGMENTS: OrderedDict = OrderedDict()
_FRAGMENTS_MAX = 5000
_LOCK = threading.Lock()


def _item_key(item: ItemView, ctx: dict) -> tuple:
    r = item.response
    who = r.answered_by.full_name or r.answered_by.email if r.answered_by_id else ""
    owner = (r.owner.full_name or r.owner.email) if r.owner_id and not ctx["runs"] else ""
    return (
        r.pk,
        r.version,
        r.open_actions,
        item.can_edit,
        item.overdue,
        ctx["locked"],
        ctx["runs"],
        ctx["assessment"].kind,
        who,
        owner,
        hash(item.owner_select),
        tuple((e.url, e.title, e.is_expired, e.valid_until) for e in item.evidence),
        tuple((e.title, e.is_expired) for e in item.suggested),
        item.attach_url,
    )


def render_items(groups, ctx: dict, csrf: str) -> None:
    """Set `item.html` on every shown item, rendering only those not rendered before."""
    base = {k: ctx[k] for k in ITEM_CONTEXT_KEYS}
    for group in groups:
        for item in group.items:
            key = _item_key(item, ctx)
            with _LOCK:
                html = _FRAGMENTS.get(key)
                if html is not None:
                    _FRAGMENTS.move_to_end(key)
            if html is None:
                html = render_to_string(
                    "assessments/_item.html", {**base, "item": item, "csrf_input": _CSRF}
                )
                with _LOCK:
                    _FRAGMENTS[key] = html
                    while len(_FRAGMENTS) > _FRAGMENTS_MAX:
                        _FRAGMENTS.popitem(last=False)
            item.html = mark_safe(html.replace(_CSRF, csrf))


ITEM_CONTEXT_KEYS = (
    "assessment",
    "locked",
    "runs",
    "status_choices",
    "implementation_choices",
    "maturity_choices",
)
