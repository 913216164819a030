"""Web pages of changes in the law: per system, what a new version would change; one click saves.

The rows come from `manage.py load_timeline` (see law_changes.py); a view only reads them
through the organisation's selector and calls the one service that saves.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.classification import codes, law_changes, selectors, services
from governance.classification.models import Reassessment
from governance.classification.presentation import label
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _obligation(code: str) -> dict:
    known = codes.OBLIGATIONS.get(code)
    return {
        "code": code,
        "title": known.title if known else code,
        "citation": known.citation if known else code,
    }


def change_rows(row: Reassessment, membership) -> dict:
    """Return one system's change in words, for the page."""
    change = row.changes or {}
    tier = change.get("tier", {})
    return {
        "row": row,
        "system": row.system,
        "system_url": reverse(
            "register:system-detail",
            kwargs={"org_slug": row.organization.slug, "system_uuid": row.system.uuid},
        ),
        "old_tier": label(codes.TIERS, tier.get("old")),
        "new_tier": label(codes.TIERS, tier.get("new")),
        "tier_changed": tier.get("old") != tier.get("new"),
        "added": [_obligation(c) for c in change.get("added", [])],
        "removed": [_obligation(c) for c in change.get("removed", [])],
        "dates": [
            {
                **_obligation(d["code"]),
                "general_old": _day(d.get("general_old")),
                "general_new": _day(d.get("general_new")),
                "old": _day(d.get("old")),
                "new": _day(d.get("new")),
                "basis": d.get("basis", ""),
            }
            for d in change.get("dates", [])
        ],
        "can_apply": row.status == Reassessment.Status.OPEN
        and services.can_screen_system(membership, row.system)
        and not row.system.archived_at,
    }


@require_action(Action.VIEW_REGISTER)
def law_change_list(request, org_slug):
    """List, per system, what the newest loaded version of the law would change."""
    rows = list(selectors.reassessments_of(request.organization).select_related("organization"))
    changed = [change_rows(r, request.membership) for r in rows if r.changed]
    context = {
        "changed": changed,
        "unchanged_count": sum(1 for r in rows if not r.changed),
        "law": selectors.current_timeline(),
        "versions": selectors.loaded_versions(),
    }
    return render(request, "classification/law_changes.html", context)


@require_POST
@require_action(Action.SCREEN_SYSTEMS)
def apply(request, org_slug, reassessment_uuid):
    """Save a system's classification under the new version of the law (one click)."""
    row = selectors.get_reassessment(request.organization, reassessment_uuid)
    try:
        classification = law_changes.apply_reassessment(reassessment=row, acting=request.membership)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("law_changes:list", org_slug=org_slug)
    tier = codes.TIERS[classification.tier].label
    messages.success(
        request,
        f"“{row.system.name}” saved as version {classification.version} under version "
        f"{row.law_version} of the law: {tier}.",
    )
    return redirect("law_changes:list", org_slug=org_slug)
