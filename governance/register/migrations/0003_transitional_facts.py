from django.db import migrations, models


class Migration(migrations.Migration):
    """Facts of the transitional rules of Art. 111 and each system's own obligation dates."""

    dependencies = [
        ("register", "0002_add_row_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="aisystem",
            name="significantly_changed_on",
            field=models.DateField(
                blank=True,
                null=True,
                help_text="When the system last underwent a significant change in its design "
                "(Art. 111(2)).",
            ),
        ),
        migrations.AddField(
            model_name="aisystem",
            name="intended_for_public_authorities",
            field=models.BooleanField(
                blank=True,
                null=True,
                help_text="Intended to be used by public authorities (Art. 111(2)).",
            ),
        ),
        migrations.AddField(
            model_name="aisystem",
            name="annex_x_component",
            field=models.BooleanField(
                blank=True,
                null=True,
                help_text="A component of a large-scale EU IT system listed in Annex X, such as "
                "SIS, VIS, Eurodac, EES, ETIAS or ECRIS-TCN (Art. 111(1)).",
            ),
        ),
        migrations.AddField(
            model_name="aisystem",
            name="obligation_dates",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="aisystem",
            name="next_obligation_date",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="aisystem",
            index=models.Index(
                fields=["organization", "next_obligation_date"], name="aisystem_org_next_date"
            ),
        ),
        migrations.AddField(
            model_name="aimodel",
            name="placed_on_market_on",
            field=models.DateField(
                blank=True,
                null=True,
                help_text="When the model was first placed on the EU market: a general-purpose "
                "model placed before 2 August 2025 complies by 2 August 2027 (Art. 111(3)).",
            ),
        ),
    ]
