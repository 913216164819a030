"""Reads of the register, organisation first; a foreign or missing object is a 404."""

from django.db.models import Prefetch
from django.http import Http404

from governance.register.models import AIModel, AISystem, Tag, Vendor


def systems_of(organization, *, include_archived: bool = False):
    qs = AISystem.objects.filter(organization=organization)
    if not include_archived:
        qs = qs.filter(archived_at=None)
    return qs


def systems_for_list(organization, *, include_archived: bool = False):
    """Return systems with what a list row shows, in a fixed number of queries."""
    return (
        systems_of(organization, include_archived=include_archived)
        .select_related("vendor", "business_owner", "technical_owner")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.filter(organization=organization)))
    )


def get_system(organization, system_uuid, *, include_archived: bool = True) -> AISystem:
    """Return one system of the organisation by public id, or raise Http404."""
    system = (
        systems_of(organization, include_archived=include_archived)
        .select_related("vendor", "business_owner", "technical_owner", "created_by")
        .filter(uuid=system_uuid)
        .first()
    )
    if system is None:
        raise Http404("No such AI system.")
    return system


def get_system_for_member(membership, system_uuid) -> AISystem:
    """Return a system the member may read, or raise Http404."""
    return get_system(membership.organization, system_uuid)


def models_of(organization, *, include_archived: bool = False):
    qs = AIModel.objects.filter(organization=organization)
    if not include_archived:
        qs = qs.filter(archived_at=None)
    return qs


def get_model(organization, model_uuid) -> AIModel:
    model = models_of(organization, include_archived=True).select_related("vendor").filter(uuid=model_uuid).first()
    if model is None:
        raise Http404("No such AI model.")
    return model


def vendors_of(organization, *, include_archived: bool = False):
    qs = Vendor.objects.filter(organization=organization)
    if not include_archived:
        qs = qs.filter(archived_at=None)
    return qs


def get_vendor(organization, vendor_uuid) -> Vendor:
    vendor = vendors_of(organization, include_archived=True).filter(uuid=vendor_uuid).first()
    if vendor is None:
        raise Http404("No such vendor.")
    return vendor


def tags_of(organization):
    return Tag.objects.filter(organization=organization)
