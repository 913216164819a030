"""Reads of documents, always inside one organisation and filtered by what the role may see."""

from django.http import Http404

from compliance.documents.models import Document, OrganizationDetails
from governance.tenancy.roles import Action


def documents_for_member(membership):
    """Return the documents this member may see: all of them for roles that read the register."""
    queryset = Document.objects.filter(organization=membership.organization).select_related(
        "requested_by", "system", "ai_model"
    )
    if membership.can(Action.VIEW_REGISTER):
        return queryset
    # The board reads the board reports (issue 10), nothing else.
    if membership.can(Action.REQUEST_BOARD_REPORT):
        from compliance.documents.kinds import BOARD_KINDS

        return queryset.filter(kind__in=BOARD_KINDS)
    # Auditors read the reports of the approved assessments they were granted.
    from compliance.assessments.access import reads_granted_only
    from compliance.assessments.selectors import assessments_for_member

    if reads_granted_only(membership):
        return queryset.filter(assessment__in=assessments_for_member(membership).values("pk"))
    return queryset.none()


def get_document_for_member(membership, document_uuid) -> Document:
    """Return one document of the member's organisation, or 404 (foreign and missing alike)."""
    try:
        return documents_for_member(membership).get(uuid=document_uuid)
    except (Document.DoesNotExist, ValueError):
        raise Http404("No such document.") from None


def documents_of_subject(membership, *, system=None, ai_model=None, limit: int = 10):
    queryset = documents_for_member(membership)
    if system is not None:
        queryset = queryset.filter(system=system)
    if ai_model is not None:
        queryset = queryset.filter(ai_model=ai_model)
    return queryset[:limit]


def details_of(organization) -> OrganizationDetails | None:
    return OrganizationDetails.objects.filter(organization=organization).first()


def packs_for_member(membership):
    """Packs the member may see: all for assessment readers; an auditor's own, while granted."""
    from compliance.assessments.access import reads_all_assessments
    from compliance.assessments.selectors import assessments_for_member
    from compliance.documents.models import EvidencePack

    queryset = EvidencePack.objects.filter(organization=membership.organization).select_related(
        "requested_by"
    )
    if reads_all_assessments(membership):
        return queryset
    visible = assessments_for_member(membership).values("pk")
    hidden = EvidencePack.objects.filter(organization=membership.organization).exclude(
        assessments__in=visible
    )
    return queryset.filter(requested_by=membership.user).exclude(pk__in=hidden.values("pk"))


def get_pack_for_member(membership, pack_uuid):
    from compliance.documents.models import EvidencePack

    try:
        return packs_for_member(membership).get(uuid=pack_uuid)
    except (EvidencePack.DoesNotExist, ValueError):
        raise Http404("No such evidence pack.") from None
