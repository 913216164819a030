"""The organisation's legal details printed on documents: one row, edited with a version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from compliance.documents.models import OrganizationDetails
from governance.audit.services import record_event

FIELDS = (
    "legal_name",
    "address",
    "country",
    "contact_email",
    "contact_phone",
    "representative",
    "signatory_name",
    "signatory_function",
    "signing_place",
)


def save_details(*, organization, actor, data: dict, expected_version: int) -> OrganizationDetails:
    """Write only the changed fields; refuse a save made on a stale version (0 = none yet)."""
    with transaction.atomic():
        current = (
            OrganizationDetails.objects.select_for_update()
            .filter(organization=organization)
            .first()
        )
        if current is None:
            if expected_version != 0:
                raise ValidationError("These details were deleted meanwhile; reload the page.")
            current = OrganizationDetails.objects.create(organization=organization, **_clean(data))
            changes = {k: [None, v] for k, v in _clean(data).items() if v}
        else:
            if current.row_version != expected_version:
                raise ValidationError(
                    "Someone else saved these details meanwhile (now: "
                    f"{current.legal_name or 'no legal name'}). Review their change and save again."
                )
            changes = {
                k: [getattr(current, k), v]
                for k, v in _clean(data).items()
                if getattr(current, k) != v
            }
            if changes:
                OrganizationDetails.objects.filter(pk=current.pk).update(
                    **{k: v[1] for k, v in changes.items()}, row_version=F("row_version") + 1
                )
                current.refresh_from_db()
        if changes:
            record_event(
                organization=organization,
                actor=actor,
                action="documents.details_changed",
                obj=current,
                changes=changes,
            )
    return current


def _clean(data: dict) -> dict:
    return {k: (data.get(k) or "").strip() for k in FIELDS}


FACT_FIELDS = (
    "harmonised_standards",
    "notified_body",
    "certificate",
    "member_states",
    "instructions_url",
)


def save_system_facts(*, system, actor, data: dict, expected_version: int):
    """Write the system's declaration and registration facts, refusing a stale save."""
    from compliance.documents.models import SystemDocumentFacts

    clean = {k: (data.get(k) or "").strip() for k in FACT_FIELDS}
    with transaction.atomic():
        current = SystemDocumentFacts.objects.select_for_update().filter(system=system).first()
        if current is None:
            if expected_version != 0:
                raise ValidationError("These facts were deleted meanwhile; reload the page.")
            current = SystemDocumentFacts.objects.create(
                organization=system.organization, system=system, **clean
            )
            changes = {k: [None, v] for k, v in clean.items() if v}
        else:
            if current.row_version != expected_version:
                raise ValidationError(
                    "Someone else saved these facts meanwhile. Review their change and save again."
                )
            changes = {
                k: [getattr(current, k), v] for k, v in clean.items() if getattr(current, k) != v
            }
            if changes:
                SystemDocumentFacts.objects.filter(pk=current.pk).update(
                    **{k: v[1] for k, v in changes.items()}, row_version=F("row_version") + 1
                )
                current.refresh_from_db()
        if changes:
            record_event(
                organization=system.organization,
                actor=actor,
                action="documents.system_facts_changed",
                obj=system,
                changes=changes,
            )
    return current
