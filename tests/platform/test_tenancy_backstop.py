"""The backstop: a query on a tenant-owned model outside a tenant scope fails loudly."""

import pytest
from django_scopes import ScopeError, scope

from governance.audit.models import AuditEvent
from governance.tenancy.models import ApiToken, Invitation, Membership


@pytest.mark.parametrize("model", [Membership, Invitation, ApiToken, AuditEvent])
def test_an_unscoped_query_raises(world, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


def test_a_scope_limits_queries_to_its_organization(world):
    with scope(organization=world.globex):
        assert list(Membership.objects.values_list("user__email", flat=True)) == [
            "charlie@globex.test"
        ]


def test_the_admin_is_for_operators_and_spans_tenants(world, client):
    from governance.accounts.models import User

    admin = User.objects.create_superuser(email="ops@annex.test", password="x" * 12)
    client.force_login(admin)
    assert client.get("/admin/tenancy/organization/").status_code == 200
    assert b"Globex" in client.get("/admin/tenancy/organization/").content
    assert client.get("/admin/audit/auditevent/").status_code == 200
