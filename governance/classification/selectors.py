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
