"""The database reads one object's audit history through an index, without sorting the trail."""

from django.db import connection
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.audit.selectors import events_of


def test_one_objects_history_is_an_index_seek_in_time_order(world):
    with scopes_disabled():
        AuditEvent.objects.bulk_create(
            AuditEvent(
                organization=world.acme,
                action="system.updated",
                object_type="register.aisystem",
                object_id=f"00000000-0000-0000-0000-{i % 50:012d}",
            )
            for i in range(500)
        )
        query = events_of(world.acme).filter(object_id="00000000-0000-0000-0000-000000000007")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET enable_seqscan = off")
        plan = query[:20].explain()
    assert "audit_org_object_time" in plan
    # Newest first straight from the index: no sort of the object's (or the trail's) rows.
    assert "TEMP B-TREE" not in plan and "Sort" not in plan
