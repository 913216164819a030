from django.db import migrations


def follow_owners(apps, schema_editor):
    """Make the edit grants on systems match their owners now.

    Until now a grant was given on assignment and never taken back: a contributor kept the
    rights to a system given to someone else. Drop every grant that does not belong to an
    owner, and give one to each owner who lacks it.
    """
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Grant = apps.get_model("guardian", "UserObjectPermission")
    AISystem = apps.get_model("register", "AISystem")
    permission = Permission.objects.filter(
        content_type__app_label="register", codename="edit_own_aisystem"
    ).first()
    content_type = ContentType.objects.filter(app_label="register", model="aisystem").first()
    if permission is None or content_type is None:
        return  # a new database: no systems, no grants yet
    owners = {}
    for pk, business, technical in AISystem._base_manager.values_list(
        "pk", "business_owner_id", "technical_owner_id"
    ).iterator(chunk_size=2000):
        owners[str(pk)] = {business, technical} - {None}
    grants = Grant.objects.filter(permission=permission, content_type=content_type)
    held = set()
    stale = []
    for grant_pk, user_id, object_pk in grants.values_list("pk", "user_id", "object_pk"):
        if user_id in owners.get(object_pk, set()):
            held.add((user_id, object_pk))
        else:
            stale.append(grant_pk)
    for start in range(0, len(stale), 1000):
        Grant.objects.filter(pk__in=stale[start : start + 1000]).delete()
    Grant.objects.bulk_create(
        [
            Grant(
                user_id=user_id,
                permission=permission,
                content_type=content_type,
                object_pk=object_pk,
            )
            for object_pk, users in owners.items()
            for user_id in users
            if (user_id, object_pk) not in held
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0004_pending_import"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(follow_owners, migrations.RunPython.noop)]
