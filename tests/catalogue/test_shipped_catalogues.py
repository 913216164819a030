"""The shipped catalogues: every engine code has items; the applicable-items rule per case."""

import re
from pathlib import Path

import pytest

from compliance.catalogue.conditions import facts_from_classification
from compliance.catalogue.models import Mapping, Requirement
from compliance.catalogue.selectors import applicable_requirements, get_framework
from governance.classification import codes, rules

BASE = {"schema": "eu-ai-act-screening/1", "is_ai_system": True, "eu_nexus": True}
BASE["established_in_eu"] = True


def _engine_codes() -> set[str]:
    """Every obligation code the engine can emit: the code table and the rules' literals."""
    path = Path(rules.__file__)
    files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
    source = "\n".join(f.read_text() for f in files)
    literals = set(re.findall(r'"(art_\d+(?:_\d+)?)"', source))
    return set(codes.OBLIGATIONS) | literals


@pytest.fixture
def eu(shipped_catalogues):
    return get_framework(None, "eu-ai-act")


def _applicable(eu, screening, system=None):
    screening = {**BASE, **screening}
    result = rules.classify(screening)
    normalised = rules.validate_screening(screening)
    facts = facts_from_classification(normalised, result, system)
    items = applicable_requirements(eu, set(result["obligations"]), facts)
    return result, items


def test_every_engine_code_has_catalogue_items(eu):
    obligations = set(
        Requirement.objects.filter(framework=eu, kind="item").values_list("obligation", flat=True)
    )
    missing = _engine_codes() - obligations
    assert not missing, f"engine codes without catalogue items: {sorted(missing)}"


def test_item_ids_follow_their_obligation_code(eu):
    for code, obligation in Requirement.objects.filter(framework=eu, kind="item").values_list(
        "code", "obligation"
    ):
        assert re.fullmatch(re.escape(obligation) + r"\.\d{2}", code), code


def test_every_item_cites_the_act_and_asks_a_question(eu):
    for item in Requirement.objects.filter(framework=eu, kind="item"):
        assert item.citation and item.question and item.text, item.code


def test_a_deployer_of_a_cv_screener_gets_art_4_and_art_26_items_only(eu):
    result, items = _applicable(
        eu, {"role": "deployer", "annex_iii": ["annex_iii_4_a"], "profiling": True}
    )
    assert result["tier"] == "high_risk"
    obligations = {i.obligation for i in items}
    assert obligations == {"art_4", "art_26"}
    assert not {f"art_{n}" for n in range(9, 18)} & obligations
    codes_ = {i.code for i in items}
    # Conditional items: no public authority, no personal data recorded, Annex III applies.
    assert "art_26.11" not in codes_ and "art_26.14" in codes_ and "art_26.01" in codes_


def test_a_public_authority_deployer_gets_the_registration_items(eu):
    _result, items = _applicable(
        eu,
        {
            "role": "deployer",
            "annex_iii": ["annex_iii_5_a"],
            "profiling": True,
            "public_service_deployer": True,
            "public_authority": True,
        },
    )
    codes_ = {i.code for i in items}
    assert {"art_26.11", "art_27.01", "art_27.12"} <= codes_


def test_an_art_6_3_derogation_gets_the_record_and_registration_items(eu):
    result, items = _applicable(
        eu,
        {"role": "provider", "annex_iii": ["annex_iii_4_a"], "art_6_3_conditions": ["d"]},
    )
    assert result["derogation_applied"] is True
    obligations = {i.obligation for i in items}
    assert {"art_6_4", "art_49_2"} <= obligations
    assert not {"art_9", "art_16", "art_43"} & obligations
    assert {f"art_6_4.0{n}" for n in range(1, 7)} <= {i.code for i in items}


GPAI = {"role": "provider", "transparency": {}}


def test_a_general_purpose_model_provider_gets_art_53_without_art_55(eu):
    _r, items = _applicable(
        eu,
        {
            **GPAI,
            "gpai": {"training_flops": 1e23, "commission_designated": False, "open_source": False},
        },
    )
    obligations = {i.obligation for i in items}
    assert "art_53" in obligations and "art_55" not in obligations
    assert {"art_53.01", "art_53.02"} <= {i.code for i in items}
    assert "art_53.05" not in {i.code for i in items}


def test_art_55_only_with_systemic_risk(eu):
    _r, items = _applicable(
        eu,
        {
            **GPAI,
            "gpai": {"training_flops": 10**26, "commission_designated": False, "open_source": True},
        },
    )
    obligations = {i.obligation for i in items}
    assert {"art_53", "art_55"} <= obligations
    # The open-source exemption does not hold with systemic risk.
    assert {"art_53.01", "art_53.02"} <= {i.code for i in items}


def test_an_open_source_model_without_systemic_risk_is_spared_art_53_a_and_b(eu):
    _r, items = _applicable(
        eu,
        {
            **GPAI,
            "gpai": {"training_flops": 1e22, "commission_designated": False, "open_source": True},
        },
    )
    codes_ = {i.code for i in items}
    assert "art_53.05" in codes_ and "art_53.03" in codes_ and "art_53.04" in codes_
    assert not {"art_53.01", "art_53.02"} & codes_


def test_a_high_risk_provider_of_remote_biometric_identification(eu):
    _r, items = _applicable(eu, {"role": "provider", "annex_iii": ["annex_iii_1_a"]})
    codes_ = {i.code for i in items}
    assert {"art_12.05", "art_14.09", "art_43.01", "art_49.01", "art_49.03"} <= codes_
    assert "art_43.04" not in codes_ and "art_49.04" not in codes_


def test_critical_infrastructure_registers_nationally(eu):
    _r, items = _applicable(eu, {"role": "provider", "annex_iii": ["annex_iii_2"]})
    codes_ = {i.code for i in items}
    assert "art_49.04" in codes_ and "art_49.01" not in codes_ and "art_43.04" in codes_


class _System:
    processes_personal_data = True
    processes_biometric_data = False
    processes_special_categories = True
    affected_persons = ["employees"]


def test_system_facts_bring_in_their_items(eu):
    _r, items = _applicable(
        eu, {"role": "provider", "annex_iii": ["annex_iii_4_a"]}, system=_System()
    )
    assert "art_10.13" in {i.code for i in items}
    _r, items = _applicable(
        eu, {"role": "deployer", "annex_iii": ["annex_iii_4_a"]}, system=_System()
    )
    assert {"art_26.10", "art_26.12"} <= {i.code for i in items}


def test_the_art_50_common_items_come_with_any_art_50_duty(eu):
    _r, items = _applicable(eu, {"role": "provider", "transparency": {"synthetic_content": True}})
    assert {"art_50_2.01", "art_50_x.01"} <= {i.code for i in items}
    _r, items = _applicable(eu, {"role": "provider"})
    assert "art_50_x.01" not in {i.code for i in items}


# ISO/IEC 42001 -------------------------------------------------------------------------------


@pytest.fixture
def iso(shipped_catalogues):
    return get_framework(None, "iso-42001")


def test_iso_has_the_38_annex_a_controls(iso):
    controls = Requirement.objects.filter(framework=iso, kind="item", code__startswith="A.")
    assert controls.count() == 38
    per_objective = {}
    for obligation in controls.values_list("obligation", flat=True):
        per_objective[obligation] = per_objective.get(obligation, 0) + 1
    assert per_objective == {
        "A.2": 3,
        "A.3": 2,
        "A.4": 5,
        "A.5": 4,
        "A.6": 9,
        "A.7": 5,
        "A.8": 4,
        "A.9": 3,
        "A.10": 3,
    }


def test_iso_has_clauses_4_1_to_10_2(iso):
    clauses = list(
        Requirement.objects.filter(framework=iso, kind="item")
        .exclude(code__startswith="A.")
        .values_list("code", flat=True)
    )
    assert clauses[0] == "4.1" and clauses[-1] == "10.2"
    assert {"4.4", "5.2", "6.1.3", "6.1.4", "7.5.3", "8.4", "9.2.2", "9.3.3", "10.1"} <= set(
        clauses
    )
    assert {c.split(".")[0] for c in clauses} == {str(n) for n in range(4, 11)}


def test_iso_maps_indicatively_to_every_mapped_eu_obligation(iso, eu):
    mappings = Mapping.objects.filter(source__framework=iso).select_related("target")
    assert mappings and all(m.indicative for m in mappings)
    assert {m.target.framework_id for m in mappings} == {eu.pk}
    targets = {m.target.code for m in mappings}
    assert {"art_4", "art_9", "art_10", "art_17", "art_27", "art_73"} <= targets
    a52 = {m.target.code for m in mappings if m.source.code == "A.5.2"}
    assert a52 == {"art_27"}
