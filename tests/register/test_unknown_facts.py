"""Unknown is not no: facts nobody stated stay null, show as "Not stated", and count as missing.

Form, API, detail page, screening, catalogue conditions and documents all read a null data flag
(or a blank deployment context) as missing information, never as "No" or "internal use".
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from compliance.catalogue.conditions import (
    condition_holds,
    condition_value,
    facts_from_classification,
    unknown_flags,
)
from compliance.catalogue.selectors import applicable_requirements, get_framework
from compliance.documents.renderers.declaration import declaration_data
from compliance.documents.renderers.system_card import system_card_data
from compliance.documents.renderers.technical import technical_data
from governance.audit.models import AuditEvent
from governance.classification import rules
from governance.register.forms import SystemForm
from governance.register.models import AISystem
from tests.factories import make_system

BASE = "/api/v1/o/acme"
FLAGS = ("processes_personal_data", "processes_biometric_data", "processes_special_categories")
PUBLIC_URLS = ("legal_basis_url", "public_page_url", "source_code_url", "processing_register_url")


def url(name, **kwargs):
    return reverse(f"register:{name}", kwargs={"org_slug": "acme", **kwargs})


def minimal_form(**overrides):
    """What a user posts who fills in only the required fields."""
    data = {
        "name": "Chatbot",
        "intended_purpose": "Answer customer questions on the website.",
        "operator_role": "deployer",
        "lifecycle_stage": "in_production",
    }
    data.update(overrides)
    return data


def fresh(system):
    with scopes_disabled():
        return AISystem.objects.get(pk=system.pk)


@pytest.fixture(autouse=True)
def _no_classification_panel(monkeypatch):
    from governance.register import views

    monkeypatch.setattr(views, "CLASSIFICATION_PANEL", "classification/_no_such_panel.html")


@pytest.fixture
def alice(world, client):
    client.force_login(world.alice)
    return client


@pytest.fixture
def api(world, client, api_token):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read_write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def call(method, path, data=None, **extra):
        if method in ("post", "patch", "put"):
            return getattr(client, method)(
                BASE + path, data or {}, content_type="application/json", **auth, **extra
            )
        return getattr(client, method)(BASE + path, **auth, **extra)

    return call


# --- The form -------------------------------------------------------------------------------


def test_a_form_that_states_nothing_stores_nothing(world, alice):
    response = alice.post(url("system-create"), minimal_form())
    assert response.status_code == 302
    with scopes_disabled():
        system = AISystem.objects.get(organization=world.acme, name="Chatbot")
    assert [getattr(system, f) for f in FLAGS] == [None, None, None]
    assert system.deployment_context == ""
    assert system.dpia_done is None and system.fria_done is None
    assert all(getattr(system, f) == "" for f in PUBLIC_URLS)


def test_the_new_form_offers_not_stated_first_and_selects_it(world, alice):
    page = alice.get(url("system-create")).content.decode()
    for field in (*FLAGS, "dpia_done", "fria_done"):
        assert f'name="{field}"' in page
        select = page.split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
        assert '<option value="unknown" selected>Not stated</option>' in select, field
        assert '<option value="true">Yes</option>' in select
        assert '<option value="false">No</option>' in select
    context = page.split('name="deployment_context"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Not stated</option>' in context
    assert "Public register and transparency" in page


@pytest.mark.parametrize(
    ("posted", "stored"), [("true", True), ("false", False), ("unknown", None)]
)
def test_the_three_states_round_trip_through_the_form(world, alice, posted, stored):
    fields = {f: posted for f in (*FLAGS, "dpia_done", "fria_done")}
    alice.post(url("system-create"), minimal_form(**fields))
    with scopes_disabled():
        system = AISystem.objects.get(organization=world.acme, name="Chatbot")
    assert [getattr(system, f) for f in (*FLAGS, "dpia_done", "fria_done")] == [stored] * 5
    # The edit form shows what is stored, and posting it back unchanged writes nothing.
    with scopes_disabled():
        form = SystemForm(organization=world.acme, system=system)
        for field in FLAGS:
            assert f'value="{posted}" selected' in str(form[field])
        events = AuditEvent.objects.filter(action="system.updated").count()
    data = {
        "row_version": system.row_version,
        **minimal_form(**fields),
        "deployment_context": "",
        "tags": "",
    }
    assert alice.post(url("system-edit", system_uuid=system.uuid), data).status_code == 302
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="system.updated").count() == events
    assert fresh(system).row_version == system.row_version


def test_stating_a_fact_on_a_classified_system_asks_for_a_new_screening(world, alice):
    system = make_system(world, "Chatbot")
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).update(classified_at=timezone.now())
    system = fresh(system)
    data = {
        "row_version": system.row_version,
        **minimal_form(operator_role=system.operator_role, lifecycle_stage="planned"),
        "intended_purpose": system.intended_purpose,
        "processes_biometric_data": "false",
    }
    assert alice.post(url("system-edit", system_uuid=system.uuid), data).status_code == 302
    system = fresh(system)
    assert system.processes_biometric_data is False and system.needs_rescreening


def test_a_bad_link_is_a_field_error_in_the_form(world, alice):
    response = alice.post(
        url("system-create"), minimal_form(public_page_url="not a link", source_code_url="x y")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"public_page_url", "source_code_url"}
    assert "Enter a valid URL." in response.content.decode()
    with scopes_disabled():
        assert not AISystem.objects.filter(organization=world.acme).exists()


def test_the_public_register_fields_are_saved_from_the_form(world, alice):
    alice.post(
        url("system-create"),
        minimal_form(
            legal_basis="Social Support Act, Art. 2.3.2",
            legal_basis_url="wetten.example/wmo",
            public_page_url="https://example.org/algorithms/1",
            contact_point="algorithms@example.org",
            published_on="2026-03-02",
            ended_on="2026-12-31",
        ),
    )
    with scopes_disabled():
        system = AISystem.objects.get(organization=world.acme, name="Chatbot")
    # A link typed without its scheme is read as https.
    assert system.legal_basis_url == "https://wetten.example/wmo"
    assert system.public_page_url == "https://example.org/algorithms/1"
    assert system.contact_point == "algorithms@example.org"
    assert str(system.published_on) == "2026-03-02" and str(system.ended_on) == "2026-12-31"


# --- The detail page ------------------------------------------------------------------------


def test_the_detail_page_shows_not_stated_apart_from_no(world, alice):
    system = make_system(world, "Chatbot", processes_personal_data=False)
    page = alice.get(url("system-detail", system_uuid=system.uuid)).content.decode()
    data_card = page.split('id="data-title"', 1)[1].split("</section>", 1)[0]
    assert "<dt>Personal data</dt><dd>No</dd>" in data_card
    assert (
        '<dt>Biometric data</dt><dd><span class="badge badge-warning">Not stated</span></dd>'
        in data_card
    )
    alert = page.split('id="not-stated"', 1)[1].split("</div></div>", 1)[0]
    assert "deployment context" in alert and "processes biometric data" in alert
    assert "processes personal data" not in alert  # "No" is a stated fact


def test_a_system_that_states_everything_has_no_missing_facts_alert(world, alice):
    system = make_system(
        world,
        "Chatbot",
        deployment_context="internal",
        **dict.fromkeys(FLAGS, False),
    )
    page = alice.get(url("system-detail", system_uuid=system.uuid)).content.decode()
    assert 'id="not-stated"' not in page


# --- The API --------------------------------------------------------------------------------


def test_the_api_creates_a_system_with_nothing_stated_as_null(world, api):
    response = api("post", "/systems/", {"name": "Bot", "intended_purpose": "Chat."})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [body[f] for f in (*FLAGS, "dpia_done", "fria_done")] == [None] * 5
    assert body["deployment_context"] == ""
    for field in (*PUBLIC_URLS, "legal_basis", "contact_point"):
        assert body[field] == ""
    assert body["published_on"] is None and body["ended_on"] is None


def test_the_api_writes_and_unstates_facts_under_the_version_rule(world, api):
    system = make_system(world, "Bot")
    path = f"/systems/{system.uuid}/"
    response = api(
        "patch",
        path,
        {
            "processes_personal_data": True,
            "dpia_done": False,
            "public_page_url": "https://example.org/bot",
            "published_on": "2026-01-05",
            "row_version": system.row_version,
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["processes_personal_data"] is True and body["dpia_done"] is False
    assert body["public_page_url"] == "https://example.org/bot"
    # Back to "not stated": null is a value the API accepts.
    response = api("patch", path, {"processes_personal_data": None, "deployment_context": ""})
    assert response.status_code == 200, response.json()
    assert fresh(system).processes_personal_data is None
    # A write based on an old version is refused, the new fields included.
    stale = api("patch", path, {"fria_done": True, "row_version": system.row_version})
    assert stale.status_code == 409
    assert fresh(system).fria_done is None


def test_a_bad_link_is_a_400_naming_the_field_in_the_api(world, api):
    response = api(
        "post",
        "/systems/",
        {"name": "Bot", "intended_purpose": "Chat.", "legal_basis_url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    assert "legal_basis_url" in str(response.json())
    with scopes_disabled():
        assert not AISystem.objects.filter(organization=world.acme).exists()


def test_the_api_schema_documents_null_as_not_stated(world, api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    props = schema["components"]["schemas"]["AISystem"]["properties"]
    assert props["processes_personal_data"]["nullable"] is True
    assert "not stated" in props["processes_personal_data"]["description"]
    assert {"type": "string", "format": "uri", "maxLength": 500} in props["public_page_url"][
        "oneOf"
    ]
    for field in ("legal_basis", "contact_point", "published_on", "ended_on", "fria_done"):
        assert field in props


# --- The screening --------------------------------------------------------------------------


def test_the_screening_lists_the_facts_the_register_does_not_state(world, alice):
    system = make_system(world, "Chatbot", processes_personal_data=False)
    screening = reverse(
        "classification:screening", kwargs={"org_slug": "acme", "system_uuid": system.uuid}
    )
    page = alice.get(screening, follow=True).content.decode()
    box = page.split('id="unstated-facts"', 1)[1].split("</section>", 1)[0]
    assert "Missing from the register" in page
    assert "Deployment context" in box and "Processes biometric data" in box
    assert "Processes personal data" not in box
    assert '<span class="badge badge-warning">Not stated</span>' in page  # "Used"
    review = alice.get(screening + "?step=review").content.decode()
    assert 'id="unstated-facts"' in review
    # Once stated, nothing is missing.
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).update(
            deployment_context="internal", **dict.fromkeys(FLAGS, False)
        )
    assert 'id="unstated-facts"' not in alice.get(screening, follow=True).content.decode()


# --- Catalogue conditions -------------------------------------------------------------------


def test_a_condition_on_an_unknown_fact_is_unknown_and_keeps_the_item_in():
    unknown = {"personal_data": None}
    assert condition_value({"personal_data": True}, unknown) is None
    assert condition_value({"personal_data": False}, unknown) is None
    assert condition_value({"not": {"personal_data": True}}, unknown) is None
    assert condition_holds({"personal_data": True}, unknown) is True
    assert condition_holds({"not": {"personal_data": True}}, unknown) is True
    # A missing key still counts as false, as the screening's facts always do.
    assert condition_holds({"personal_data": True}, {}) is False


def test_three_valued_combinations_are_settled_by_known_facts():
    facts = {"personal_data": None, "profiling": True, "gpai": False}
    assert condition_value({"all": [{"personal_data": True}, {"gpai": True}]}, facts) is False
    assert condition_value({"all": [{"personal_data": True}, {"profiling": True}]}, facts) is None
    assert condition_value({"any": [{"personal_data": True}, {"profiling": True}]}, facts) is True
    assert condition_value({"any": [{"personal_data": True}, {"gpai": True}]}, facts) is None
    assert not condition_holds({"all": [{"personal_data": True}, {"gpai": True}]}, facts)
    both = {"any": [{"personal_data": True}, {"not": {"gpai": True}}, {"biometric_data": True}]}
    assert unknown_flags(both, {**facts, "biometric_data": None}) == [
        "personal_data",
        "biometric_data",
    ]
    assert unknown_flags({"personal_data": True}, {"personal_data": False}) == []


class _Unstated:
    processes_personal_data = None
    processes_biometric_data = False
    processes_special_categories = None
    affected_persons = []


def test_facts_keep_a_not_stated_flag_unknown():
    facts = facts_from_classification({"role": "deployer"}, {"tier": "high_risk"}, _Unstated())
    assert facts["personal_data"] is None and facts["special_category_data"] is None
    assert facts["biometric_data"] is False
    # No system at all: the facts are simply absent, as before.
    assert facts_from_classification({"role": "deployer"}, {})["personal_data"] is False


def test_an_unstated_personal_data_flag_keeps_the_dpia_item_of_a_deployer(shipped_catalogues):
    eu = get_framework(None, "eu-ai-act")
    screening = {
        "schema": "eu-ai-act-screening/1",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        "role": "deployer",
        "annex_iii": ["annex_iii_4_a"],
    }
    result = rules.classify(screening)
    normalised = rules.validate_screening(screening)

    def codes_for(system):
        facts = facts_from_classification(normalised, result, system)
        return {i.code for i in applicable_requirements(eu, set(result["obligations"]), facts)}

    class _No(_Unstated):
        processes_personal_data = False

    # Art. 26(9): the DPIA item stays in while personal data is not stated; "No" leaves it out.
    assert "art_26.12" in codes_for(_Unstated())
    assert "art_26.12" not in codes_for(_No())


# --- Documents ------------------------------------------------------------------------------


def test_the_system_card_prints_not_stated_and_lists_it_as_missing(world):
    system = make_system(world, "Chatbot", processes_personal_data=False)
    with scopes_disabled():
        data = system_card_data(fresh(system))
    rows = {row["label"]: row for row in data["data"] + data["purpose"]}
    assert rows["Personal data"]["value"] == "No" and not rows["Personal data"]["missing"]
    assert rows["Biometric data"]["value"] == "Not stated" and rows["Biometric data"]["missing"]
    assert rows["Deployment context"]["value"] == "Not stated"
    assert {"Biometric data", "Special categories (GDPR Art. 9)", "Deployment context"} <= set(
        data["missing"]
    )
    assert "Personal data" not in data["missing"]


def test_the_technical_documentation_lists_an_unstated_deployment_context(world):
    system = make_system(world, "Chatbot")
    with scopes_disabled():
        data = technical_data(fresh(system))
    assert "1: 1(d) Form placed on the market" in data["missing"]


def test_the_declaration_keeps_the_gdpr_statement_and_lists_the_unknown(world):
    unknown = make_system(world, "Unknown")
    stated = make_system(world, "Stated", processes_personal_data=False)
    with scopes_disabled():
        unknown_data = declaration_data(fresh(unknown))
        stated_data = declaration_data(fresh(stated))
    assert unknown_data["personal_data"] is True
    assert any("processes personal data" in m for m in unknown_data["missing"])
    assert stated_data["personal_data"] is False
    assert not any("processes personal data" in m for m in stated_data["missing"])


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_states_its_facts_and_fills_a_public_register_entry(world):
    from governance.register import demo

    with scopes_disabled():
        demo.populate(world.acme, {demo.OWNER: world.alice_membership})
        systems = {s.name: s for s in AISystem.objects.filter(organization=world.acme)}
    spam = systems["Email spam filter"]
    assert spam.processes_biometric_data is False and spam.processes_personal_data is True
    robots = systems["Pharmacy warehouse robot vision"]
    assert robots.processes_personal_data is None  # deliberately not stated
    benefits = systems["Social-benefit eligibility assistant"]
    assert benefits.legal_basis and benefits.public_page_url.startswith("https://")
    assert benefits.dpia_done is True and benefits.fria_done is False


# --- Lists ----------------------------------------------------------------------------------


def _two_systems(world):
    make_system(world, "Unknown")
    make_system(world, "Known", deployment_context="internal", **dict.fromkeys(FLAGS, False))


def test_the_list_flags_and_filters_systems_with_facts_not_stated(world, alice):
    _two_systems(world)
    page = alice.get(url("system-list")).content.decode()
    row = page.split(">Unknown</a>", 1)[1].split("</td>", 1)[0]
    assert "4 not stated" in row
    assert "not stated" not in page.split(">Known</a>", 1)[1].split("</td>", 1)[0]
    response = alice.get(url("system-list"), {"missing_facts": "true"})
    names = [s.name for s in response.context["systems"]]
    assert names == ["Unknown"]
    response = alice.get(url("system-list"), {"missing_facts": "false"})
    assert [s.name for s in response.context["systems"]] == ["Known"]


def test_the_api_filters_on_missing_facts(world, api):
    _two_systems(world)
    body = api("get", "/systems/?missing_facts=true").json()
    assert [s["name"] for s in body["results"]] == ["Unknown"]
    body = api("get", "/systems/?missing_facts=false").json()
    assert [s["name"] for s in body["results"]] == ["Known"]


def test_the_system_card_asks_for_the_dpia_unless_no_personal_data_is_processed(world):
    unknown = make_system(world, "Unknown")
    without = make_system(world, "Without", processes_personal_data=False)
    done = make_system(world, "Done", processes_personal_data=True, dpia_done=True)
    label = "Data protection impact assessment done"
    with scopes_disabled():
        cards = {s.name: system_card_data(fresh(s)) for s in (unknown, without, done)}
    assert label in cards["Unknown"]["missing"]
    assert label not in cards["Without"]["missing"]
    assert label not in cards["Done"]["missing"]
    rows = {r["label"]: r["value"] for r in cards["Done"]["data"]}
    assert rows[label] == "Yes"
    assert rows["Fundamental rights impact assessment done"] == "Not stated"


def test_the_detail_page_links_only_web_addresses(world, alice):
    system = make_system(world, "Chatbot", source_code_url="https://example.org/code")
    # A value that skipped validation (an old row, a raw SQL fix) is shown, never linked.
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).update(public_page_url="javascript:alert(1)")
    page = alice.get(url("system-detail", system_uuid=system.uuid)).content.decode()
    card = page.split('id="public-title"', 1)[1].split("</section>", 1)[0]
    assert '<a href="https://example.org/code"' in card
    assert 'href="javascript' not in card and "javascript:alert(1)" in card


def test_registration_asks_for_the_dpia_summary_unless_no_personal_data(world):
    from compliance.documents.renderers.registration import registration_data
    from governance.classification import services as classification

    screening = {
        "schema": "eu-ai-act-screening/1",
        "role": "deployer",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        "annex_iii": ["annex_iii_4_a"],
        "public_authority": True,
    }
    label = "C: C.5 Summary of the data protection impact assessment"
    missing = {}
    for name, flag in (("Unknown", None), ("Without", False)):
        system = make_system(world, name, processes_personal_data=flag)
        with scopes_disabled():
            classification.classify_system(
                system=system, acting=world.alice_membership, screening=screening
            )
            missing[name] = registration_data(fresh(system))["missing"]
    assert label in missing["Unknown"]
    assert label not in missing["Without"]
