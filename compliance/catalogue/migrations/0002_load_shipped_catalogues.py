"""Load the shipped catalogues (fixtures/catalogues/*.yaml), so every database has them.

Idempotent: a catalogue version already loaded is left as it is. New shipped versions are
loaded by `manage.py load_catalogues` (also run by `manage.py start` through the demo step).
"""

from django.db import migrations


def load(apps, schema_editor):
    from compliance.catalogue.services import (
        _Models,
        load_catalogue_files,
        shipped_catalogue_files,
    )

    models = _Models(
        apps.get_model("catalogue", "Framework"),
        apps.get_model("catalogue", "Requirement"),
        apps.get_model("catalogue", "Mapping"),
    )
    load_catalogue_files(shipped_catalogue_files(), models=models)


def unload(apps, schema_editor):
    apps.get_model("catalogue", "Framework").objects.filter(organization__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
