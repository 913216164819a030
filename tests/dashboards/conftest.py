"""A small organisation with known figures, built through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from compliance.assessments import services as assessment_services
from compliance.assessments.models import RemediationAction, Response
from compliance.evidence.models import Evidence
from governance.register import services as register_services
from governance.register.models import AISystem
from governance.risks import services as risk_services


def build_org(world, *, systems: int = 3, risks: int = 3, incidents: int = 2, tag: str = ""):
    """Systems (one high-risk), an ISO assessment scored 62.5 %, risks, incidents, evidence."""
    org, acting = world.acme, world.alice_membership
    today = timezone.localdate()
    with scope(organization=org):
        made = [
            register_services.create_system(
                organization=org,
                acting=acting,
                data={
                    "name": f"System {tag}{n}",
                    "intended_purpose": "p",
                    "operator_role": "deployer" if n % 2 else "provider",
                    "lifecycle_stage": "in_production",
                },
            )
            for n in range(systems)
        ]
        AISystem.objects.filter(pk=made[0].pk).update(risk_tier="high_risk")
        for n in range(risks):
            risk_services.create_risk(
                organization=org,
                acting=acting,
                data={
                    "system": made[n % systems],
                    "title": f"Risk {tag}{n}",
                    "description": "d",
                    "harm_domain": "safety",
                    "likelihood": 4,
                    "impact": 4 if n % 3 == 0 else 2,
                    # The first risk has a residual assessment: 2 × 2.
                    **({"residual_likelihood": 2, "residual_impact": 2} if n == 0 else {}),
                },
            )
        for n in range(incidents):
            risk_services.create_incident(
                organization=org,
                acting=acting,
                data={
                    "system": made[0],
                    "title": f"Incident {tag}{n}",
                    "description": "d",
                    "kind": "death" if n == 0 else "other_serious",
                    "aware_at": today - timedelta(days=n),
                },
            )
        Evidence.objects.create(
            organization=org, title=f"Policy {tag}", kind="link", valid_until=today + timedelta(10)
        )
        Evidence.objects.create(
            organization=org, title=f"Old {tag}", kind="link", valid_until=today + timedelta(90)
        )
    return made


def score_iso(world):
    """An ISO/IEC 42001 assessment: yes, yes, partly, no on four items, the rest not applicable."""
    with scope(organization=world.acme):
        assessment = assessment_services.create_assessment(
            organization=world.acme, acting=world.alice_membership, framework_slug="iso-42001"
        )
        responses = Response.objects.filter(
            assessment=assessment, requirement__answer_type="yes_no_partial"
        ).order_by("order")
        now = timezone.now()
        Response.objects.filter(assessment=assessment).update(
            status="not_applicable", answered_at=now, soa_applicable=None
        )
        for status, response in zip(["yes", "yes", "partly", "no"], responses, strict=False):
            Response.objects.filter(pk=response.pk).update(status=status)
        RemediationAction.objects.create(
            organization=world.acme,
            assessment=assessment,
            title="Write the AI policy",
            due_date=timezone.localdate() - timedelta(days=3),
        )
    return assessment


@pytest.fixture
def known_org(world, shipped_catalogues):
    systems = build_org(world)
    assessment = score_iso(world)
    return systems, assessment
