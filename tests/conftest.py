"""Fixtures shared by every test: two organisations and three people.

- alice owns Acme;
- bob is a read-only member (auditor) of Acme;
- charlie owns Globex, the other tenant, and must never see Acme's data.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled

from governance.accounts.models import User
from governance.celery import app as celery_app
from governance.tenancy import services
from governance.tenancy.models import Membership, Organization
from governance.tenancy.roles import Role
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    auditor_expiry,
)


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(settings, tmp_path):
    """Run tasks in-process for unit tests (the worker smoke test uses a real worker).

    Files a test writes (uploads in progress, media) go to its own temporary folder.
    """
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    acme: Organization
    globex: Organization
    alice: User
    bob: User
    charlie: User
    alice_membership: Membership
    bob_membership: Membership
    charlie_membership: Membership

    def member(self, user):
        with scopes_disabled():
            return Membership.objects.get(user=user)


@pytest.fixture
def world(db) -> World:
    with scopes_disabled():
        acme = OrganizationFactory(name="Acme", slug="acme")
        globex = OrganizationFactory(name="Globex", slug="globex")
        alice = UserFactory(email="alice@acme.test", full_name="Alice Archer")
        bob = UserFactory(email="bob@acme.test", full_name="Bob Baker")
        charlie = UserFactory(email="charlie@globex.test", full_name="Charlie Chen")
        am = MembershipFactory(organization=acme, user=alice, role=Role.OWNER)
        bm = MembershipFactory(
            organization=acme, user=bob, role=Role.AUDITOR, access_expires_at=auditor_expiry()
        )
        cm = MembershipFactory(organization=globex, user=charlie, role=Role.OWNER)
    return World(acme, globex, alice, bob, charlie, am, bm, cm)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def member_of(db):
    """Make a member of an organisation with a role: member_of(org, role) -> Membership."""

    def make(organization, role, **kwargs):
        with scopes_disabled():
            return MembershipFactory(organization=organization, role=role, **kwargs)

    return make


@pytest.fixture
def api_token(db):
    """Issue a real API token: api_token(org, acting_membership, scope) -> (token, secret)."""

    def issue(organization, acting, scope="read_write", **kwargs):
        with scopes_disabled():
            return services.issue_api_token(
                organization=organization,
                name=kwargs.pop("name", "CI token"),
                scope=scope,
                acting=acting,
                **kwargs,
            )

    return issue


@pytest.fixture
def client_for(client):
    """Return a test client signed in as the user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def shipped_catalogues(db):
    """The shipped catalogues (EU AI Act, ISO/IEC 42001), loaded if missing.

    The data migration loads them into the test database; a transactional test (browser,
    live server) empties every table afterwards, so tests that need them ask for this fixture.
    """
    from compliance.catalogue.services import ensure_shipped_catalogues

    ensure_shipped_catalogues()
