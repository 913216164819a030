"""Schemathesis over every operation of /api/v1/schema/, in-process (WSGI), bounded.

Each operation gets a few generated requests with a read-write token of a seeded organisation
(its slug fixed in every path, so requests reach real data rather than 404 on the tenant), and
each response must: not be a 5xx, use a documented status code, and match the documented
schema and content type. The run is bounded (examples per operation, no shrinking, no
deadline) to stay within about a minute of the normal pytest run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from governance.register import services

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)
# About 90 s for the 87 operations; raise it for a deeper run (SCHEMATHESIS_EXAMPLES=100).
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))


@pytest.fixture
def seeded(world, api_token):
    """Acme with a vendor, a model and a system, and a read-write token of Acme's owner."""
    with scopes_disabled():
        vendor = services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data={"name": "TalentCo"}
        )
        model = services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Ranker", "version": "1", "vendor": vendor},
        )
        services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "CV screener", "intended_purpose": "Rank applicants.", "vendor": vendor},
            ai_models=[model],
        )
    _token, secret = api_token(world.acme, world.alice_membership, scope="read_write")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_schema(seeded):
    # Called through WSGI rather than Django's test client, requests would run Django's
    # close_old_connections at their start and end and close the test's own connection (it is
    # inside the test transaction): detach it, as the test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.from_wsgi("/api/v1/schema/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_within_its_documented_contract(case, seeded):
    if "org_slug" in (case.path_parameters or {}):
        case.path_parameters["org_slug"] = "acme"
    case.call_and_validate(headers=seeded, checks=CHECKS)
