"""Reads of the register, organisation first; a foreign or missing object is a 404."""

from django.db.models import Count, Prefetch, Q
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
    model = (
        models_of(organization, include_archived=True)
        .select_related("vendor")
        .filter(uuid=model_uuid)
        .first()
    )
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


# --- Lists, filters and pages ---------------------------------------------------------------

# The columns a register list row shows; everything else stays in the database.
LIST_FIELDS = (
    "id",
    "uuid",
    "organization_id",
    "name",
    "reference",
    "operator_role",
    "lifecycle_stage",
    "deployment_context",
    # A row flags the facts it leaves not stated (governance.register.facts).
    "processes_personal_data",
    "processes_biometric_data",
    "processes_special_categories",
    "risk_tier",
    "gpai_tier",
    "classified_at",
    "material_changed_at",
    "updated_at",
    "archived_at",
    "vendor__id",
    "vendor__uuid",
    "vendor__name",
    "business_owner__id",
    "business_owner__email",
    "business_owner__full_name",
    "technical_owner__id",
    "technical_owner__email",
    "technical_owner__full_name",
)


def systems_for_table(organization):
    """Return systems (archived included) with only a list row's columns, tags prefetched."""
    return systems_for_list(organization, include_archived=True).only(*LIST_FIELDS)


def systems_for_api(organization):
    """Return systems (archived included) with what the API shows, in a fixed number of queries."""
    return systems_for_list(organization, include_archived=True).prefetch_related(
        Prefetch(
            "ai_models",
            queryset=AIModel.objects.filter(organization=organization).only("id", "uuid"),
        )
    )


def systems_for_export(organization):
    """Return systems (archived included) with their tags and models, for a spreadsheet."""
    return systems_for_list(organization, include_archived=True).prefetch_related(
        Prefetch(
            "ai_models",
            queryset=AIModel.objects.filter(organization=organization).only(
                "id", "name", "version"
            ),
        )
    )


def owner_choices(organization):
    """Return the people who can own a system: members of the organisation, not service accounts."""
    from governance.accounts.models import User

    # One membership per user and organisation: the join makes no duplicates.
    return User.objects.filter(
        memberships__organization=organization, is_service_account=False
    ).order_by("full_name", "email")


def list_filter_options(organization) -> dict:
    """Return the choices of the register list's filters, in three queries whatever the size."""
    return {
        "owners": list(owner_choices(organization).only("id", "uuid", "email", "full_name")),
        "vendors": list(vendors_of(organization).only("id", "uuid", "name")),
        "tags": list(tags_of(organization).values_list("name", flat=True)),
    }


def models_of_system(system):
    return system.ai_models.filter(organization_id=system.organization_id).select_related("vendor")


def systems_using_model(model):
    return systems_of(model.organization).filter(ai_models=model).select_related("business_owner")


def systems_of_vendor(vendor):
    return systems_of(vendor.organization).filter(vendor=vendor).select_related("business_owner")


def models_of_vendor(vendor):
    return models_of(vendor.organization).filter(vendor=vendor)


def models_for_list(organization, *, include_archived: bool = False):
    return models_of(organization, include_archived=include_archived).select_related("vendor")


def vendors_for_list(organization):
    """Return vendors (archived included) with how many active systems and models use each."""
    return vendors_of(organization, include_archived=True).annotate(
        system_count=Count("systems", filter=Q(systems__archived_at=None), distinct=True),
        model_count=Count("models", filter=Q(models__archived_at=None), distinct=True),
    )


def portfolio_summary(organization) -> dict:
    """Return the register at a glance: systems per tier and those needing (re-)screening.

    Two queries, whatever the size of the register.
    """
    from django.db.models import Count, F

    from governance.register.models import RiskTier

    active = systems_of(organization)
    counts = dict(active.values_list("risk_tier").annotate(n=Count("id")).order_by())
    rescreen = active.filter(
        classified_at__isnull=False, material_changed_at__gt=F("classified_at")
    ).count()
    order = ["prohibited", "high_risk", "limited_risk", "minimal_risk", "out_of_scope", ""]
    tiers = [
        {
            "code": code,
            "label": RiskTier(code).label,
            "count": counts.get(code, 0),
            "filter": code or "unscreened",
        }
        for code in order
    ]
    return {
        "total": sum(counts.values()),
        "tiers": tiers,
        "unscreened": counts.get("", 0),
        "needs_rescreening": rescreen,
    }
