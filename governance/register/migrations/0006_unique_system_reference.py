"""A system's reference is unique in its organisation (case does not count; blank is allowed).

References already used twice are made unique first, with care: the oldest system keeps the
reference; each later one gets it with a number, "REF (2)", and its description says what the
reference was, so nothing is lost and a person can put it right.
"""

import django.db.models.functions.text
from django.db import migrations, models

LIMIT = 60


def _renamed(reference: str, number: int, taken: set[str]) -> str:
    while True:
        suffix = f" ({number})"
        candidate = reference[: LIMIT - len(suffix)].rstrip() + suffix
        if candidate.lower() not in taken:
            return candidate
        number += 1


def make_references_unique(apps, schema_editor):
    AISystem = apps.get_model("register", "AISystem")
    rows = (
        AISystem.objects.exclude(reference="")
        .order_by("organization_id", "created_at", "pk")
        .values_list("pk", "organization_id", "reference")
    )
    taken: dict[int, set[str]] = {}
    for _pk, org_id, reference in rows:
        taken.setdefault(org_id, set()).add(reference.lower())
    seen: dict[int, set[str]] = {}
    for pk, org_id, reference in rows:
        org_seen = seen.setdefault(org_id, set())
        if reference.lower() not in org_seen:
            org_seen.add(reference.lower())
            continue
        new = _renamed(reference, 2, taken[org_id])
        taken[org_id].add(new.lower())
        org_seen.add(new.lower())
        system = AISystem.objects.get(pk=pk)
        note = (
            f"The reference was '{reference}', which another system has too; "
            f"it was renamed '{new}' when references became unique."
        )
        system.description = f"{system.description}\n\n{note}".strip()
        system.reference = new
        system.save(update_fields=["reference", "description"])


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0005_owner_grants_follow_owners"),
    ]

    operations = [
        migrations.RunPython(make_references_unique, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="aisystem",
            constraint=models.UniqueConstraint(
                models.F("organization"),
                django.db.models.functions.text.Lower("reference"),
                condition=models.Q(("reference", ""), _negated=True),
                name="aisystem_unique_reference_per_org",
                violation_error_message=(
                    "Another AI system in the register has this reference already."
                ),
            ),
        ),
    ]
