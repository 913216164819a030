"""Reads of the catalogues: which frameworks an organisation sees, which items apply."""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping as FactsMapping

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .conditions import condition_holds
from .models import Framework, Mapping, Requirement, RequirementKind

_VERSION_PART = re.compile(r"\d{1,9}|[^\d.]{1,40}")


def version_key(version: str) -> tuple:
    """Return a sort key that orders versions naturally: 2026.2 < 2026.10 < 2027.1."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in _VERSION_PART.findall(version[:40])
    )


def frameworks_for_organization(organization) -> QuerySet[Framework]:
    """Return the shipped frameworks and the organisation's own, every version."""
    return Framework.objects.filter(
        Q(organization__isnull=True) | Q(organization=organization)
    ).order_by("slug", "-loaded_at")


def latest_frameworks_for_organization(organization) -> list[Framework]:
    """Return the latest version of each framework the organisation sees, ordered by name."""
    latest: dict[tuple, Framework] = {}
    for fw in frameworks_for_organization(organization):
        key = (fw.organization_id, fw.slug)
        if key not in latest or version_key(fw.version) > version_key(latest[key].version):
            latest[key] = fw
    return sorted(latest.values(), key=lambda f: (f.organization_id is not None, f.name.lower()))


def framework_versions(organization, slug: str) -> list[Framework]:
    """Return every version of one framework the organisation sees, newest first."""
    found = list(frameworks_for_organization(organization).filter(slug=slug))
    return sorted(found, key=lambda f: version_key(f.version), reverse=True)


def get_framework(organization, slug: str, version: str | None = None) -> Framework:
    """Return a framework the organisation sees: the given version, or the latest.

    Raise Http404 for a missing framework and for another organisation's alike.
    """
    versions = framework_versions(organization, slug)
    if version is not None:
        versions = [f for f in versions if f.version == version]
    if not versions:
        raise Http404("No such framework.")
    return versions[0]


def visible_mappings(organization) -> QuerySet[Mapping]:
    """Return the mappings whose both ends the organisation sees (never another tenant's)."""
    seen = Q(organization__isnull=True) | Q(organization=organization)
    frameworks = Framework.objects.filter(seen).values("pk")
    return Mapping.objects.filter(
        source__framework__in=frameworks, target__framework__in=frameworks
    ).order_by("pk")


def with_visible_mappings(requirements: QuerySet[Requirement], organization):
    """Prefetch each requirement's mappings, both ways, limited to what the organisation sees."""
    mappings = visible_mappings(organization)
    return requirements.prefetch_related(
        Prefetch("mappings_out", queryset=mappings.select_related("target__framework")),
        Prefetch("mappings_in", queryset=mappings.select_related("source__framework")),
    )


def requirements_of(framework: Framework) -> QuerySet[Requirement]:
    """Return the framework's whole tree in reading order."""
    return framework.requirements.order_by("order")


def applicable_requirements(
    framework: Framework, obligation_codes: Iterable[str], facts: FactsMapping
) -> list[Requirement]:
    """Return the items of the framework that apply, in reading order.

    An item applies when its obligation is one of the codes and its condition (and its parent
    group's) holds for the facts. A cross-cutting group whose condition is
    `{"obligation_in": [...]}` (e.g. Art. 50(5)-(6), common to every Art. 50 code) is
    considered whatever its own obligation code; the codes are added to the facts as
    `obligations` for that test. One query.
    """
    codes = set(obligation_codes)
    if not codes:
        return []
    facts = {**facts, "obligations": sorted(codes | set(facts.get("obligations") or ()))}
    items = (
        framework.requirements.filter(kind=RequirementKind.ITEM)
        .filter(
            Q(obligation__in=codes)
            | Q(parent__condition__has_key="obligation_in")
            | Q(condition__has_key="obligation_in")
        )
        .select_related("parent")
        .order_by("order")
    )
    return [
        item
        for item in items
        if condition_holds(item.condition, facts)
        and (item.parent is None or condition_holds(item.parent.condition, facts))
    ]
