"""`manage.py start --port N`: links in emails point at the address actually served."""

import os
import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django_scopes import scopes_disabled

from governance.core import outbox
from governance.core.management.commands.start import configure_site_url
from governance.core.models import OutboundEmail
from governance.tenancy import services
from governance.tenancy.roles import Role


@pytest.fixture
def no_site_url(monkeypatch, settings):
    # Restored after the test: configure_site_url writes both.
    monkeypatch.setenv("ANNEX_SITE_URL", "")
    settings.SITE_URL = django_settings.SITE_URL


def _emailed_link(world) -> str:
    with scopes_disabled():
        invitation, _secret = services.invite_member(
            organization=world.acme,
            email="dora@acme.test",
            role=Role.BOARD,
            acting=world.alice_membership,
        )
        row = OutboundEmail.objects.get(object_id=invitation.pk, kind="invitation")
    assert outbox.deliver_email(row.pk) == "sent"
    return re.search(r"(https?://\S+)/invitations/", mail.outbox[-1].body).group(1)


def test_start_on_another_port_points_invitation_links_at_that_port(world, no_site_url):
    assert configure_site_url("127.0.0.1", "8765") == "http://127.0.0.1:8765"
    # The worker that `start` spawns inherits this environment and renders the emails.
    assert os.environ["ANNEX_SITE_URL"] == "http://127.0.0.1:8765"
    assert _emailed_link(world) == "http://127.0.0.1:8765"


def test_an_explicit_site_url_wins_over_the_port(world, no_site_url, monkeypatch):
    monkeypatch.setenv("ANNEX_SITE_URL", "https://annex.example.org/")
    assert configure_site_url("127.0.0.1", "8765") == "https://annex.example.org"
    assert _emailed_link(world) == "https://annex.example.org"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:9000"),
        ("::1", "http://[::1]:9000"),
        ("localhost", "http://localhost:9000"),
    ],
)
def test_the_link_host_is_one_a_browser_can_open(no_site_url, host, expected):
    assert configure_site_url(host, "9000") == expected
