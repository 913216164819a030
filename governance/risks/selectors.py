"""Reads of risks and incidents, organisation first; a foreign or missing one is a 404."""

from django.db.models import Case, Count, F, Q, When
from django.http import Http404
from django.utils import timezone

from .models import Incident, IncidentStatus, Risk

ISO_42001 = "iso-42001"


def risks_of(organization):
    return Risk.objects.filter(organization=organization)


def incidents_of(organization):
    return Incident.objects.filter(organization=organization)


def risks_for_list(organization, *, system=None, residual=None):
    """Return the risks for a list: with system and owner, filtered by system or matrix cell."""
    qs = risks_of(organization).select_related("system", "owner", "accepted_by")
    if system is not None:
        qs = qs.filter(system=system)
    if residual is not None:
        likelihood, impact = residual
        qs = with_residual_cell(qs).filter(cell_likelihood=likelihood, cell_impact=impact)
    return qs


def with_links(qs):
    """Prefetch the linked controls (with their framework), evidence and actions."""
    return qs.prefetch_related("controls__framework", "evidence", "actions")


def control_public_id(requirement) -> str:
    """A control's public id: "<framework slug>:<code>", as in the catalogue mappings."""
    return f"{requirement.framework.slug}:{requirement.code}"


def link_choices(organization, *, risk=None, system=None) -> dict:
    """Linkable items: controls, evidence items and remediation actions.

    The controls are the items of the latest ISO/IEC 42001 Annex A, the items of the system's
    assessments (its EU AI Act obligations) and those already linked to `risk`, so the list
    stays short; the API links any catalogue item.
    """
    from compliance.assessments.selectors import actions_of, assessments_of
    from compliance.catalogue.models import Requirement
    from compliance.catalogue.selectors import latest_frameworks_for_organization
    from compliance.evidence.selectors import evidence_of

    iso = [f for f in latest_frameworks_for_organization(organization) if f.slug == ISO_42001]
    annex_a = Q(framework__in=iso, kind="item", code__startswith="A.")
    if risk is not None:
        annex_a |= Q(pk__in=risk.controls.values("pk"))
        system = system or risk.system
    if system is not None:
        assessed = assessments_of(organization).filter(system=system)
        annex_a |= Q(
            pk__in=Requirement.objects.filter(
                kind="item", responses__assessment__in=assessed, responses__retired_at=None
            ).values("pk")
        )
    return {
        "controls": Requirement.objects.filter(annex_a).select_related("framework"),
        "evidence": evidence_of(organization).order_by("title"),
        "actions": actions_of(organization).order_by("title"),
    }


def control_ids(organization, public_ids) -> list:
    """Map "<framework slug>:<code>" to requirement ids of the latest framework version.

    An unknown id is kept as given, so the service refuses it on the `controls` field.
    """
    from compliance.catalogue.models import Requirement
    from compliance.catalogue.selectors import latest_frameworks_for_organization

    wanted = {}
    for value in public_ids:
        slug, _, code = str(value).partition(":")
        wanted.setdefault(slug, set()).add(code)
    latest = {f.slug: f for f in latest_frameworks_for_organization(organization)}
    query = Q(pk__in=[])
    for slug, codes in wanted.items():
        if slug in latest:
            query |= Q(framework=latest[slug], code__in=codes)
    found = {
        f"{slug}:{code}": pk
        for pk, slug, code in Requirement.objects.filter(query).values_list(
            "pk", "framework__slug", "code"
        )
    }
    return [found.get(str(value), str(value)) for value in public_ids]


def get_risk_for_member(membership, risk_uuid) -> Risk:
    risk = (
        risks_of(membership.organization)
        .select_related("system", "owner", "accepted_by", "created_by")
        .filter(uuid=risk_uuid)
        .first()
    )
    if risk is None:
        raise Http404("No such risk.")
    return risk


def incidents_for_list(organization, *, system=None):
    qs = incidents_of(organization).select_related("system")
    if system is not None:
        qs = qs.filter(system=system)
    return qs.order_by("status", "report_due")


def get_incident_for_member(membership, incident_uuid) -> Incident:
    incident = (
        incidents_of(membership.organization)
        .select_related("system", "created_by")
        .filter(uuid=incident_uuid)
        .first()
    )
    if incident is None:
        raise Http404("No such incident.")
    return incident


def _residual(field: str):
    """The residual value, or the inherent one while the residual is not assessed."""
    assessed = Q(residual_likelihood__isnull=False, residual_impact__isnull=False)
    return Case(When(assessed, then=F(f"residual_{field}")), default=F(field))


def with_residual_cell(qs):
    return qs.annotate(cell_likelihood=_residual("likelihood"), cell_impact=_residual("impact"))


def residual_matrix(organization) -> dict[tuple[int, int], int]:
    """Return {(likelihood, impact): count} of residual risks, in one grouped query.

    A risk without a residual assessment counts at its inherent cell (its residual until
    treated).
    """
    rows = (
        with_residual_cell(risks_of(organization).order_by())
        .values_list("cell_likelihood", "cell_impact")
        .annotate(n=Count("id"))
    )
    return {(likelihood, impact): n for likelihood, impact, n in rows}


def open_incidents(organization):
    """Open serious incidents (no report sent or not closed), the nearest deadline first."""
    return (
        incidents_of(organization)
        .exclude(status=IncidentStatus.CLOSED)
        .select_related("system")
        .order_by("report_due")
    )


def overdue_incidents(organization):
    return incidents_of(organization).filter(
        report_sent_at__isnull=True, report_due__lt=timezone.localdate()
    )
