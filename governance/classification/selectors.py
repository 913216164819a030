"""Reads of screenings and classifications, organisation first."""

from django.http import Http404

from governance.classification.models import Classification, ScreeningDraft


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
