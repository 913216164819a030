"""Building an assessment: exactly the applicable items of the system's classification."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from compliance.assessments import services
from compliance.assessments.models import Response

from .conftest import CV_DEPLOYER, screening


def _obligations(assessment):
    with scopes_disabled():
        return set(
            Response.objects.filter(assessment=assessment, retired_at=None).values_list(
                "requirement__obligation", flat=True
            )
        )


def _build(world, system, kind="gap_analysis"):
    with scopes_disabled():
        return services.create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug="eu-ai-act",
            system=system,
            kind=kind,
        )


def test_a_deployer_of_a_cv_screener_gets_art_4_and_art_26_never_art_9_to_17(world, classified):
    system = classified(CV_DEPLOYER)
    obligations = _obligations(_build(world, system))
    assert {"art_4", "art_26"} <= obligations
    assert not obligations & {f"art_{n}" for n in range(9, 18)}


def test_a_high_risk_provider_gets_art_9_to_17_items(gap):
    obligations = _obligations(gap)
    assert {
        "art_9",
        "art_10",
        "art_11",
        "art_12",
        "art_13",
        "art_14",
        "art_15",
        "art_17",
    } <= obligations
    with scopes_disabled():
        codes = set(
            Response.objects.filter(assessment=gap).values_list("requirement__code", flat=True)
        )
    assert "art_9.16" in codes


def test_the_assessment_holds_exactly_the_catalogues_applicable_items(gap):
    from compliance.catalogue.selectors import applicable_requirements

    with scopes_disabled():
        expected = {
            r.code for r in applicable_requirements(gap.framework, gap.obligations, gap.facts)
        }
        codes = set(
            Response.objects.filter(assessment=gap).values_list("requirement__code", flat=True)
        )
        assert gap.obligations == gap.classification.result["obligations"]
    assert codes == expected
    assert {c.split(".")[0] for c in codes} <= set(gap.obligations)


def test_a_derogation_gets_the_art_6_4_record(world, classified):
    system = classified(
        screening("provider", annex_iii=["annex_iii_4_a"], art_6_3_conditions=["a"])
    )
    assert "art_6_4" in _obligations(_build(world, system))


def test_a_gpai_provider_gets_art_53_and_art_55_only_with_systemic_risk(world, classified):
    plain = classified(
        screening(
            "provider",
            gpai={"training_flops": 1e23, "commission_designated": False, "open_source": False},
        ),
        name="Small model",
    )
    systemic = classified(
        screening(
            "provider",
            gpai={"training_flops": 1e26, "commission_designated": False, "open_source": False},
        ),
        name="Big model",
    )
    assert "art_53" in _obligations(_build(world, plain))
    assert "art_55" not in _obligations(_build(world, plain))
    assert {"art_53", "art_55"} <= _obligations(_build(world, systemic))


def test_a_fria_is_its_own_assessment_for_a_public_service_deployer(world, classified):
    system = classified(
        screening("deployer", annex_iii=["annex_iii_5_b"], public_service_deployer=True)
    )
    fria = _build(world, system, kind="fria")
    assert _obligations(fria) == {"art_27"}


def test_a_fria_is_refused_when_art_27_is_not_owed(world, classified):
    system = classified(CV_DEPLOYER)
    with pytest.raises(ValidationError) as exc:
        _build(world, system, kind="fria")
    assert "system" in exc.value.message_dict


def test_an_unclassified_system_is_refused_with_the_field_named(world, catalogues):
    from governance.register import services as register_services

    with scopes_disabled():
        system = register_services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "New", "intended_purpose": "x"},
        )
    with pytest.raises(ValidationError) as exc:
        _build(world, system)
    assert "system" in exc.value.message_dict


def test_iso_42001_covers_clauses_and_all_38_annex_a_controls(iso):
    with scopes_disabled():
        rows = list(Response.objects.filter(assessment=iso).select_related("requirement"))
    annex_a = [r for r in rows if r.requirement.obligation.startswith("A.")]
    assert len(annex_a) == 38
    assert all(r.soa_applicable is True for r in annex_a)
    assert any(
        r.requirement.code.startswith("4.1") or r.requirement.obligation == "4" for r in rows
    )


def test_a_contributor_cannot_start_an_assessment(world, classified, contributor):
    system = classified()
    with scopes_disabled(), pytest.raises(PermissionDenied):
        services.create_assessment(
            organization=world.acme,
            acting=contributor,
            framework_slug="eu-ai-act",
            system=system,
        )


ROLE_TIER_SCREENINGS = {
    "provider-high-risk": screening("provider", annex_iii=["annex_iii_4_a"], profiling=True),
    "deployer-high-risk": CV_DEPLOYER,
    "public-deployer-high-risk": screening(
        "deployer", annex_iii=["annex_iii_5_b"], public_service_deployer=True, public_authority=True
    ),
    "importer-high-risk": screening("importer", annex_iii=["annex_iii_4_a"]),
    "distributor-high-risk": screening("distributor", annex_iii=["annex_iii_4_a"]),
    "provider-limited": screening("provider", transparency={"interacts_with_persons": True}),
    "deployer-limited": screening("deployer", transparency={"deep_fake": True}),
    "provider-minimal": screening("provider"),
    "deployer-prohibited": screening("deployer", prohibited_practices=["art_5_1_a"]),
    "provider-annex-i": screening(
        "provider", annex_i={"legislation": "machinery", "third_party_conformity_assessment": True}
    ),
}


@pytest.mark.parametrize("key", sorted(ROLE_TIER_SCREENINGS))
def test_every_role_and_tier_gets_items_only_of_its_own_obligations(world, classified, key):
    from compliance.catalogue.selectors import applicable_requirements

    system = classified(ROLE_TIER_SCREENINGS[key], name=key)
    assessment = _build(world, system)
    with scopes_disabled():
        owed = set(assessment.classification.result["obligations"])
        codes = set(
            Response.objects.filter(assessment=assessment).values_list(
                "requirement__code", flat=True
            )
        )
        expected = {
            r.code for r in applicable_requirements(assessment.framework, owed, assessment.facts)
        }
    assert codes == expected and codes
