"""Web pages of the catalogues: the frameworks an organisation sees, and one framework's tree."""

from django.shortcuts import render

from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

from .models import RequirementKind
from .presentation import describe_condition
from .selectors import (
    framework_versions,
    get_framework,
    latest_frameworks_for_organization,
    with_visible_mappings,
)


@require_action(Action.VIEW_ORGANIZATION)
def framework_list(request, org_slug):
    frameworks = latest_frameworks_for_organization(request.organization)
    counts = _item_counts([f.pk for f in frameworks])
    for fw in frameworks:
        fw.item_count = counts.get(fw.pk, 0)
    return render(request, "catalogue/framework_list.html", {"frameworks": frameworks})


def _item_counts(ids):
    from django.db.models import Count

    from .models import Requirement

    rows = (
        Requirement.objects.filter(framework_id__in=ids, kind=RequirementKind.ITEM)
        .values("framework_id")
        .annotate(n=Count("id"))
    )
    return {r["framework_id"]: r["n"] for r in rows}


@require_action(Action.VIEW_ORGANIZATION)
def framework_detail(request, org_slug, framework_slug):
    versions = framework_versions(request.organization, framework_slug)
    wanted = request.GET.get("version") or None
    fw = get_framework(request.organization, framework_slug, wanted)
    nodes = list(with_visible_mappings(fw.requirements.order_by("order"), request.organization))
    groups = _tree(nodes)
    obligation = request.GET.get("group", "")[:40]
    shown = [g for g in groups if g["node"].code == obligation] if obligation else groups
    return render(
        request,
        "catalogue/framework_detail.html",
        {
            "framework": fw,
            "versions": versions,
            "is_latest": fw.pk == versions[0].pk,
            "groups": groups,
            "shown": shown,
            "selected_group": obligation,
            "item_count": sum(1 for n in nodes if n.kind == RequirementKind.ITEM),
        },
    )


def _tree(nodes) -> list[dict]:
    """Return the top-level groups, each with its items (nested groups flattened in order)."""
    by_id = {n.pk: n for n in nodes}
    top: list[dict] = []
    index: dict[int, dict] = {}
    for n in nodes:
        n.condition_text = describe_condition(n.condition)
        n.links = [(m, m.target) for m in n.mappings_out.all()] + [
            (m, m.source) for m in n.mappings_in.all()
        ]
        root = n
        while root.parent_id is not None and root.parent_id in by_id:
            root = by_id[root.parent_id]
        if root is n:
            index[n.pk] = {"node": n, "items": [], "subgroups": []}
            top.append(index[n.pk])
        elif n.kind == RequirementKind.ITEM:
            index[root.pk]["items"].append(n)
        else:
            index[root.pk]["subgroups"].append(n)
    return top
