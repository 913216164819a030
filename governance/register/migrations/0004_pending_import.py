import math

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# Mirrors governance.core.validators.MAX_TRAINING_COMPUTE_FLOPS (migrations keep their own copy).
MAX_TRAINING_COMPUTE_FLOPS = 1e32


def clear_impossible_training_compute(apps, schema_editor):
    """Empty training compute values no channel accepts any more (infinity, NaN, negative, 1e40).

    A card with `training_compute_flops: .inf` was saved before the check existed and then broke
    the model list; the value carries no information, so it becomes "not given".
    """
    AIModel = apps.get_model("register", "AIModel")
    bad = [
        pk
        for pk, value in AIModel._base_manager.exclude(training_compute_flops=None).values_list(
            "pk", "training_compute_flops"
        )
        if not math.isfinite(value) or value < 0 or value > MAX_TRAINING_COMPUTE_FLOPS
    ]
    if bad:
        AIModel._base_manager.filter(pk__in=bad).update(training_compute_flops=None)


class Migration(migrations.Migration):
    """Uploads in progress as rows (parsed once); impossible training compute values emptied."""

    dependencies = [
        ("register", "0003_transitional_facts"),
        ("tenancy", "0003_organization_require_two_factor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(editable=False, max_length=64, unique=True)),
                ("file_name", models.CharField(max_length=120)),
                (
                    "kind",
                    models.CharField(
                        choices=[("systems", "AI systems")], default="systems", max_length=16
                    ),
                ),
                ("table", models.JSONField()),
                ("mapping", models.JSONField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField()),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_imports",
                        to="tenancy.organization",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "uploaded_by", "created_at"],
                        name="pendingimport_org_user",
                    )
                ],
            },
        ),
        migrations.RunPython(clear_impossible_training_compute, migrations.RunPython.noop),
    ]
