"""Fixtures for assessments: the shipped catalogues, classified systems, officers."""

import pytest
from django_scopes import scopes_disabled

from compliance.assessments import services
from governance.classification import services as classification_services
from governance.register import services as register_services
from governance.tenancy.roles import Role

SCHEMA = "eu-ai-act-screening/1"


@pytest.fixture
def catalogues(db):
    """Load the shipped EU AI Act and ISO/IEC 42001 catalogues (real files)."""
    from compliance.catalogue.services import ensure_shipped_catalogues

    with scopes_disabled():
        ensure_shipped_catalogues()


def screening(role="provider", **answers):
    return {
        "schema": SCHEMA,
        "role": role,
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        **answers,
    }


HIGH_RISK_PROVIDER = screening("provider", annex_iii=["annex_iii_4_a"], profiling=True)
CV_DEPLOYER = screening("deployer", annex_iii=["annex_iii_4_a"], profiling=True)


@pytest.fixture
def classified(world, catalogues):
    """Make and classify a system of Acme: classified(screening, **system fields)."""

    def make(data=HIGH_RISK_PROVIDER, name="CV screener", **fields):
        with scopes_disabled():
            system = register_services.create_system(
                organization=world.acme,
                acting=world.alice_membership,
                data={"name": name, "intended_purpose": "Rank job applicants.", **fields},
            )
            classification_services.classify_system(
                system=system, acting=world.alice_membership, screening=data
            )
            system.refresh_from_db()
            return system

    return make


@pytest.fixture
def officer(world, member_of):
    return member_of(world.acme, Role.COMPLIANCE_OFFICER)


@pytest.fixture
def contributor(world, member_of):
    return member_of(world.acme, Role.CONTRIBUTOR)


@pytest.fixture
def board(world, member_of):
    return member_of(world.acme, Role.BOARD)


@pytest.fixture
def gap(world, classified):
    """An EU AI Act gap analysis of a high-risk system, built by alice (owner)."""
    system = classified()
    with scopes_disabled():
        return services.create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug="eu-ai-act",
            system=system,
        )


@pytest.fixture
def iso(world, catalogues):
    with scopes_disabled():
        return services.create_assessment(
            organization=world.acme, acting=world.alice_membership, framework_slug="iso-42001"
        )
