"""Reads for public register exports: systems with vendor, models, tags and risks, org first."""

from __future__ import annotations

from django.db.models import Prefetch

from governance.register.models import AIModel, AISystem, Tag
from governance.register.selectors import get_system, systems_of


def _prefetched(qs, organization):
    # Risks are read through the system's reverse relation ("ai_risks"), so the register does
    # not import the risks app; the relation itself is scoped to the system's organisation.
    return qs.select_related("organization", "vendor", "business_owner").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.filter(organization=organization)),
        Prefetch(
            "ai_models",
            queryset=AIModel.objects.filter(organization=organization).order_by("name", "version"),
        ),
        "ai_risks",
    )


def system_for_export(organization, system_uuid) -> AISystem:
    """Return one system of the organisation with what a record needs, or raise Http404."""
    system = get_system(organization, system_uuid)
    return _prefetched(AISystem.objects.filter(pk=system.pk), organization).get()


def systems_for_export(organization):
    """Return the register's current systems (archived ones left out) with what records need."""
    return _prefetched(systems_of(organization), organization).order_by("name", "pk")


def _related(system, name: str) -> list:
    # The reads above prefetch these; reading the cache directly skips a queryset clone per
    # call, which is most of the time of a whole-register export.
    cache = getattr(system, "_prefetched_objects_cache", {})
    if name in cache:
        return list(cache[name])
    return list(getattr(system, name).all())


def risks_of(system) -> list:
    """Return the system's risk records, oldest first."""
    return sorted(_related(system, "ai_risks"), key=lambda r: (r.created_at, r.pk))


def models_of(system) -> list:
    return _related(system, "ai_models")


def tag_names(system) -> list[str]:
    return sorted((t.name for t in _related(system, "tags")), key=str.casefold)
