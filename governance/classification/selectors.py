"""Reads of screenings and classifications, organisation first."""

from functools import lru_cache

from django.http import Http404

from governance.classification import system_dates
from governance.classification.models import (
    Classification,
    LawVersion,
    Reassessment,
    ScreeningDraft,
)
from governance.classification.timeline import Timeline, default_timeline, parse_timeline


def classifications_of(system):
    return Classification.objects.filter(
        organization_id=system.organization_id, system=system
    ).select_related("created_by")


def current_classification(system) -> Classification | None:
    return classifications_of(system).order_by("-version").first()


def get_classification(system, version: int) -> Classification:
    found = classifications_of(system).filter(version=version).first()
    if found is None:
        raise Http404("No such classification version.")
    return found


@lru_cache(maxsize=8)
def _stored_timeline(version: str) -> Timeline:
    row = LawVersion.objects.get(version=version)
    return parse_timeline(row.data, f"law version {version}")


def current_timeline() -> Timeline:
    """Return the law the engine applies: the newest of the shipped file and loaded versions.

    Versions are ISO dates with an optional suffix ("2026-07-27", "2027-03-01-fictional"), so
    the newest sorts last. One query.
    """
    shipped = default_timeline()
    loaded = (
        LawVersion.objects.filter(version__gt=shipped.version)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return _stored_timeline(loaded) if loaded else shipped


def timeline_named(version: str) -> Timeline | None:
    """Return the timeline of a version (shipped or loaded), or None when unknown."""
    shipped = default_timeline()
    if version == shipped.version:
        return shipped
    if LawVersion.objects.filter(version=version).exists():
        return _stored_timeline(version)
    return None


def facts_of(system, *, models=None) -> system_dates.SystemFacts:
    """Return the register's facts about a system that Art. 111 asks about.

    `models` are its general-purpose models when already fetched; else one query.
    """
    if models is None:
        models = system.ai_models.filter(is_general_purpose=True).only("placed_on_market_on")
    model_dates = [m.placed_on_market_on for m in models if m.placed_on_market_on is not None]
    return system_dates.SystemFacts(
        placed_on_market_on=system.placed_on_market_on,
        put_into_service_on=system.put_into_service_on,
        significantly_changed_on=system.significantly_changed_on,
        intended_for_public_authorities=system.intended_for_public_authorities,
        annex_x_component=system.annex_x_component,
        gpai_model_placed_on=min(model_dates) if model_dates else None,
    )


def open_reassessment(system) -> Reassessment | None:
    """Return the open change the law would make to the system's classification, if any."""
    return (
        Reassessment.objects.filter(
            organization_id=system.organization_id,
            system=system,
            status=Reassessment.Status.OPEN,
            changed=True,
        )
        .order_by("-created_at")
        .first()
    )


def reassessments_of(organization, *, status: str | None = Reassessment.Status.OPEN):
    """Return the organisation's reassessments (open ones by default), changed first."""
    rows = Reassessment.objects.filter(organization=organization).select_related(
        "system", "classification", "applied_classification"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-changed", "system__name", "-created_at")


def get_reassessment(organization, reassessment_uuid) -> Reassessment:
    """Return one of the organisation's reassessments; 404 for a foreign or missing one."""
    found = (
        Reassessment.objects.filter(organization=organization, uuid=reassessment_uuid)
        .select_related("system", "classification")
        .first()
    )
    if found is None:
        raise Http404("No such change.")
    return found


def loaded_versions() -> list[LawVersion]:
    return list(LawVersion.objects.order_by("-version"))


def draft_of(system) -> ScreeningDraft | None:
    return ScreeningDraft.objects.filter(
        organization_id=system.organization_id, system=system
    ).first()


def upcoming_dates(today, *, limit: int = 4) -> list[dict]:
    """Return the next dates from which obligations apply, from the regulatory timeline data.

    Each date carries a headline (whom it concerns), the articles and their legal sources.
    """
    from collections import defaultdict

    from governance.classification import codes
    from governance.classification.timeline import default_timeline

    groups = defaultdict(list)
    for entry in default_timeline().entries:
        if entry.applies_from > today:
            groups[entry.applies_from].append(entry)
    upcoming = []
    for day in sorted(groups)[:limit]:
        entries = groups[day]
        bases = {e.basis for e in entries} - {None}
        practices = sorted({e.practice for e in entries if e.practice})
        if practices:
            headline = "New prohibited practices: " + ", ".join(
                codes.PROHIBITED_PRACTICES[p].label
                for p in practices
                if p in codes.PROHIBITED_PRACTICES
            )
        elif bases == {"annex_iii"}:
            headline = "High-risk duties for systems under Annex III"
        elif bases == {"annex_i"}:
            headline = "High-risk duties for products under Annex I"
        else:
            headline = "; ".join(
                sorted(
                    {
                        codes.OBLIGATIONS[e.code].title
                        for e in entries
                        if e.code in codes.OBLIGATIONS
                    }
                )
            )
        citations = []
        for entry in sorted(entries, key=lambda e: codes.article_sort_key(e.code)):
            known = codes.OBLIGATIONS.get(entry.code)
            citation = known.citation.split(";")[0].strip() if known else ""
            if citation and citation not in citations:
                citations.append(citation)
        upcoming.append(
            {
                "date": day,
                "headline": headline,
                "articles": citations,
                "sources": sorted({e.source for e in entries}),
            }
        )
    return upcoming
