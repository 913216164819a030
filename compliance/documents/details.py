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
