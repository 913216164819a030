"""Lists take a fixed number of queries, whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from governance.audit.services import record_event
from governance.tenancy.roles import Role


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, member_of, n):
    for _ in range(n):
        member_of(world.acme, Role.CONTRIBUTOR)
    from django.db import transaction

    with scopes_disabled(), transaction.atomic():
        for i in range(n):
            record_event(organization=world.acme, actor=world.alice, action=f"test.{i}")


URLS = [
    "/o/acme/",
    "/o/acme/members/",
    "/o/acme/audit/",
    "/o/acme/tokens/",
    "/api/v1/o/acme/members/",
    "/api/v1/o/acme/audit-events/",
    "/api/v1/o/acme/tokens/",
]


def test_lists_do_not_grow_with_the_data(world, client, member_of, api_token):
    client.force_login(world.alice)
    _grow(world, member_of, 2)
    api_token(world.acme, world.alice_membership)
    client.get("/o/acme/")  # the first visit remembers the organisation (one UPDATE)
    small = {url: _queries(client, url) for url in URLS}
    _grow(world, member_of, 25)
    for _ in range(5):
        api_token(world.acme, world.alice_membership)
    large = {url: _queries(client, url) for url in URLS}
    assert small == large
    # Pinned: a change that adds queries to these pages has to say so here. The home page is
    # the board dashboard (governance/dashboards): its grouped reads of every product app.
    home = large.pop("/o/acme/")
    assert home <= 26, home
    assert max(large.values()) <= 12, large
