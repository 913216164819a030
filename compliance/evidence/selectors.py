"""Reads of evidence, organisation first; a foreign or missing item is a 404."""

from django.db.models import Count
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

    For each response, the evidence the organisation linked to responses of requirements that
    the catalogue maps to this one (either direction), not already linked here. Two queries.
    """
    from compliance.catalogue.models import Mapping

    by_requirement: dict[int, list] = {}
    for r in responses:
        by_requirement.setdefault(r.requirement_id, []).append(r)
    if not by_requirement:
        return {}
    mapped: dict[int, set[int]] = {}
    pairs = Mapping.objects.filter(source_id__in=by_requirement).values_list("source", "target")
    back = Mapping.objects.filter(target_id__in=by_requirement).values_list("target", "source")
    for here, there in [*pairs, *back]:
        mapped.setdefault(there, set()).add(here)
    if not mapped:
        return {}
    links = EvidenceLink.objects.filter(
        organization=organization, response__requirement_id__in=mapped
    ).values_list("response__requirement_id", "response_id", "evidence_id")
    evidence_ids = {e for _req, _resp, e in links}
    evidence = {
        e.pk: e
        for e in Evidence.objects.filter(
            organization=organization, pk__in=evidence_ids
        ).select_related("current_version")
    }
    own = {
        (link.response_id, link.evidence_id)
        for link in EvidenceLink.objects.filter(
            organization=organization, response__in=[r.pk for r in responses]
        ).only("response_id", "evidence_id")
    }
    out: dict[int, list[Evidence]] = {}
    for there_req, _resp, evidence_id in links:
        for here_req in mapped.get(there_req, ()):
            for response in by_requirement.get(here_req, ()):
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
