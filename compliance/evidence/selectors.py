"""Reads of evidence, organisation first; a foreign or missing item is a 404."""

from django.db.models import Count, Q
from django.http import Http404

from compliance.assessments.access import reads_all_assessments
from compliance.assessments.selectors import assessments_for_member

from .models import Evidence, EvidenceLink, EvidenceVersion


def evidence_of(organization):
    return Evidence.objects.filter(organization=organization)


def evidence_for_member(membership):
    """All the organisation's evidence for readers; for auditors, what their grants use."""
    qs = evidence_of(membership.organization).select_related("current_version", "owner")
    if reads_all_assessments(membership):
        return qs
    visible = assessments_for_member(membership).values("pk")
    return qs.filter(links__response__assessment__in=visible).distinct()


def evidence_for_list(membership):
    return evidence_for_member(membership).annotate(uses=Count("links"))


def get_evidence_for_member(membership, evidence_uuid) -> Evidence:
    evidence = evidence_for_member(membership).filter(uuid=evidence_uuid).first()
    if evidence is None:
        raise Http404("No such evidence.")
    return evidence


def versions_of(evidence):
    return EvidenceVersion.objects.filter(
        organization=evidence.organization, evidence=evidence
    ).select_related("uploaded_by")


def get_version(evidence, number: int) -> EvidenceVersion:
    version = versions_of(evidence).filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    return version


def links_of_evidence(evidence):
    return (
        EvidenceLink.objects.filter(organization=evidence.organization, evidence=evidence)
        .select_related("response__requirement", "response__assessment")
        .order_by("linked_at")
    )


def links_of_response(response):
    return EvidenceLink.objects.filter(
        organization=response.organization, response=response
    ).select_related("evidence__current_version")


def evidence_by_response(organization, response_ids) -> dict[int, list[Evidence]]:
    """Return {response id: [evidence]} for many responses in one query."""
    out: dict[int, list[Evidence]] = {}
    links = (
        EvidenceLink.objects.filter(organization=organization, response_id__in=response_ids)
        .select_related("evidence__current_version")
        .order_by("linked_at")
    )
    for link in links:
        out.setdefault(link.response_id, []).append(link.evidence)
    return out


def suggested_evidence(organization, responses) -> dict[int, list[Evidence]]:
    """Evidence once, credit everywhere: evidence linked to a mapped requirement elsewhere.

    For each response, the evidence the organisation linked to responses of requirements the
    catalogue maps to this one, in either direction; a mapping to a group (an article, a
    clause) covers the items under it. Evidence already linked here is left out. Four queries.
    """
    from compliance.catalogue.selectors import visible_mappings

    here: dict[int, list] = {}
    for r in responses:
        for key in (r.requirement_id, r.requirement.parent_id):
            if key is not None:
                here.setdefault(key, []).append(r)
    if not here:
        return {}
    other: dict[int, set[int]] = {}
    # Only mappings whose both ends this organisation sees: never another tenant's own links.
    pairs = (
        visible_mappings(organization)
        .filter(Q(source_id__in=here) | Q(target_id__in=here))
        .values_list("source_id", "target_id")
    )
    for source, target in pairs:
        if source in here:
            other.setdefault(target, set()).add(source)
        if target in here:
            other.setdefault(source, set()).add(target)
    if not other:
        return {}
    links = list(
        EvidenceLink.objects.filter(organization=organization)
        .filter(
            Q(response__requirement_id__in=other) | Q(response__requirement__parent_id__in=other)
        )
        .values_list("response__requirement_id", "response__requirement__parent_id", "evidence_id")
    )
    evidence = {
        e.pk: e
        for e in Evidence.objects.filter(
            organization=organization, pk__in={e for _r, _p, e in links}
        ).select_related("current_version")
    }
    own = set(
        EvidenceLink.objects.filter(
            organization=organization, response__in=[r.pk for r in responses]
        ).values_list("response_id", "evidence_id")
    )
    out: dict[int, list[Evidence]] = {}
    for requirement_id, parent_id, evidence_id in links:
        for there in (requirement_id, parent_id):
            for key in other.get(there, ()):
                for response in here[key]:
                    item = evidence.get(evidence_id)
                    if item is None or (response.pk, evidence_id) in own:
                        continue
                    bucket = out.setdefault(response.pk, [])
                    if item not in bucket:
                        bucket.append(item)
    return out


def evidence_with_versions(membership, evidence_uuid):
    evidence = get_evidence_for_member(membership, evidence_uuid)
    return evidence, list(versions_of(evidence).order_by("-number"))
