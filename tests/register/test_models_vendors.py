"""The model and vendor pages of the register."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import services
from governance.register.models import AIModel, AISystem, Vendor
from governance.tenancy.roles import Role


def url(name, **kwargs):
    return reverse(f"register:{name}", kwargs={"org_slug": "acme", **kwargs})


@pytest.fixture
def alice(world, client):
    client.force_login(world.alice)
    return client


def make_vendor(world, name="TalentCo", organization=None, acting=None, **data):
    with scopes_disabled():
        return services.create_vendor(
            organization=organization or world.acme,
            acting=acting or world.alice_membership,
            data={"name": name, **data},
        )


def make_model(world, name="Ranker", version="1", **data):
    with scopes_disabled():
        return services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": name, "version": version, **data},
        )


def model_form(**overrides):
    data = {
        "name": "Credit GBM",
        "version": "3.1",
        "provider": "Acme Risk",
        "vendor": "",
        "model_type": "regression",
        "licence": "proprietary",
        "base_model": "",
        "languages": "en, de",
        "training_compute_flops": "",
        "intended_use": "Score loans.",
        "limitations": "",
        "training_data": "Loan book 2015-2024.",
        "evaluations": "AUC | 0.91 | 2024 hold-out\nGini | 0.82",
    }
    data.update(overrides)
    return data


# --- Models ---------------------------------------------------------------------------------


def test_alice_adds_a_model_with_evaluations(world, alice):
    response = alice.post(url("model-create"), model_form(is_general_purpose="true"))
    assert response.status_code == 302
    with scopes_disabled():
        model = AIModel.objects.get(name="Credit GBM")
    assert response["Location"] == url("model-detail", model_uuid=model.uuid)
    assert model.languages == ["en", "de"] and model.is_general_purpose
    assert model.evaluations == [
        {"task": "", "dataset": "2024 hold-out", "metric": "AUC", "value": 0.91},
        {"task": "", "dataset": "", "metric": "Gini", "value": 0.82},
    ]
    page = alice.get(response["Location"]).content.decode()
    assert "2024 hold-out" in page and "Loan book 2015-2024." in page


def test_a_malformed_evaluation_line_is_an_error_next_to_the_field(world, alice):
    response = alice.post(url("model-create"), model_form(evaluations="just a word"))
    assert response.status_code == 200
    assert "evaluations" in response.context["form"].errors


def test_a_duplicate_model_is_an_error_on_the_name(world, alice):
    make_model(world, "Credit GBM", "3.1")
    response = alice.post(url("model-create"), model_form())
    assert response.status_code == 200 and "name" in response.context["form"].errors


def test_training_compute_reads_in_scientific_notation(world, alice):
    model = make_model(world, "Big LM", "1", is_general_purpose=True, training_compute_flops=3e25)
    page = alice.get(url("model-detail", model_uuid=model.uuid)).content.decode()
    assert "3 × 10<sup>25</sup> FLOP" in page and "Presumed systemic risk" in page


def test_the_model_detail_lists_its_systems(world, alice):
    model = make_model(world)
    with scopes_disabled():
        services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "CV screener", "intended_purpose": "Rank."},
            ai_models=[model],
        )
    page = alice.get(url("model-detail", model_uuid=model.uuid)).content.decode()
    assert "CV screener" in page


def test_editing_a_model_flags_its_classified_systems(world, alice):
    from django.utils import timezone

    model = make_model(world, "Ranker", "1")
    with scopes_disabled():
        system = services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "CV screener", "intended_purpose": "Rank."},
            ai_models=[model],
        )
        AISystem.objects.filter(pk=system.pk).update(classified_at=timezone.now())
    form = alice.get(url("model-edit", model_uuid=model.uuid)).context["form"]
    assert form.initial["name"] == "Ranker"
    response = alice.post(
        url("model-edit", model_uuid=model.uuid),
        model_form(name="Ranker", version="1", is_general_purpose="true"),
    )
    assert response.status_code == 302
    with scopes_disabled():
        system.refresh_from_db()
    assert system.needs_rescreening


def test_the_model_list_filters(world, alice):
    make_model(world, "Llama", "3", is_general_purpose=True, model_type="generative_text")
    make_model(world, "XGB", "1", is_general_purpose=False, model_type="regression")
    make_model(world, "Mystery", "1")

    def names(**params):
        return [m.name for m in alice.get(url("model-list"), params).context["models"]]

    assert names() == ["Llama", "Mystery", "XGB"]
    assert names(general_purpose="true") == ["Llama"]
    # Not stated is not "no": a model that leaves it open is found on its own.
    assert names(general_purpose="false") == ["XGB"]
    assert names(general_purpose="unknown") == ["Mystery"]
    assert names(type="regression") == ["XGB"]
    assert names(search="llam") == ["Llama"]


def test_archive_a_model(world, alice):
    model = make_model(world)
    assert alice.post(url("model-archive", model_uuid=model.uuid)).status_code == 302
    with scopes_disabled():
        model.refresh_from_db()
    assert model.archived_at is not None
    assert [m.name for m in alice.get(url("model-list")).context["models"]] == []
    assert alice.get(url("model-detail", model_uuid=model.uuid)).status_code == 200


# --- Vendors --------------------------------------------------------------------------------


def test_alice_adds_edits_and_archives_a_vendor(world, alice):
    response = alice.post(
        url("vendor-create"),
        {
            "name": "TalentCo",
            "website": "talent.example",
            "contact_email": "",
            "country": "DE",
            "notes": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        vendor = Vendor.objects.get(name="TalentCo")
    assert vendor.website == "https://talent.example"
    response = alice.post(
        url("vendor-edit", vendor_uuid=vendor.uuid),
        {
            "name": "TalentCo GmbH",
            "website": "",
            "contact_email": "ai@talent.example",
            "country": "Germany",
            "notes": "DPA signed",
        },
    )
    assert response.status_code == 302
    assert alice.post(url("vendor-archive", vendor_uuid=vendor.uuid)).status_code == 302
    with scopes_disabled():
        vendor.refresh_from_db()
        actions = list(
            AuditEvent.objects.filter(object_id=str(vendor.uuid)).values_list("action", flat=True)
        )
    assert vendor.name == "TalentCo GmbH" and vendor.archived_at is not None
    assert sorted(actions) == ["vendor.archived", "vendor.created", "vendor.updated"]


def test_a_duplicate_vendor_name_is_an_error(world, alice):
    make_vendor(world, "TalentCo")
    response = alice.post(url("vendor-create"), {"name": "talentco"})
    assert response.status_code == 200 and "name" in response.context["form"].errors


def test_the_vendor_detail_lists_its_systems_and_models(world, alice):
    vendor = make_vendor(world)
    make_model(world, "Ranker", "1", vendor=vendor)
    with scopes_disabled():
        services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "CV screener", "intended_purpose": "Rank.", "vendor": vendor},
        )
    page = alice.get(url("vendor-detail", vendor_uuid=vendor.uuid)).content.decode()
    assert "CV screener" in page and "Ranker 1" in page
    listing = alice.get(url("vendor-list")).context["vendors"]
    assert [(v.name, v.system_count, v.model_count) for v in listing] == [("TalentCo", 1, 1)]


def test_another_organisations_vendor_is_404(world, alice):
    theirs = make_vendor(world, "Globex AI", world.globex, world.charlie_membership)
    assert alice.get(url("vendor-detail", vendor_uuid=theirs.uuid)).status_code == 404
    assert alice.post(url("vendor-archive", vendor_uuid=theirs.uuid)).status_code == 404


def test_a_model_vendor_of_another_organisation_cannot_be_chosen(world, alice):
    theirs = make_vendor(world, "Globex AI", world.globex, world.charlie_membership)
    response = alice.post(url("model-create"), model_form(vendor=str(theirs.uuid)))
    assert response.status_code == 200 and "vendor" in response.context["form"].errors


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUDITOR, Role.BOARD])
def test_only_editors_add_models_and_vendors(world, client, member_of, role):
    member = member_of(world.acme, role)
    vendor = make_vendor(world)
    client.force_login(member.user)
    for name, kwargs in [
        ("model-create", {}),
        ("vendor-create", {}),
        ("vendor-edit", {"vendor_uuid": vendor.uuid}),
    ]:
        assert client.get(url(name, **kwargs)).status_code == 403
    assert client.post(url("vendor-archive", vendor_uuid=vendor.uuid)).status_code == 403


def test_a_contributor_reads_models_and_vendors_without_edit_buttons(world, client, member_of):
    member = member_of(world.acme, Role.CONTRIBUTOR)
    vendor = make_vendor(world)
    client.force_login(member.user)
    page = client.get(url("vendor-detail", vendor_uuid=vendor.uuid)).content.decode()
    assert url("vendor-edit", vendor_uuid=vendor.uuid) not in page
    assert url("model-create") not in client.get(url("model-list")).content.decode()


# A rename onto a taken name is a form error on the name, never an IntegrityError (a 500).
def test_renaming_a_vendor_to_a_taken_name_is_an_error_on_the_name(world, alice):
    make_vendor(world, "TalentCo")
    other = make_vendor(world, "Other")
    response = alice.post(url("vendor-edit", vendor_uuid=other.uuid), {"name": "TalentCo"})
    assert response.status_code == 200 and "name" in response.context["form"].errors


def test_renaming_a_model_to_a_taken_name_is_an_error_on_the_name(world, alice):
    make_model(world, "Ranker", "1")
    other = make_model(world, "Ranker", "2")
    response = alice.post(
        url("model-edit", model_uuid=other.uuid), model_form(name="Ranker", version="1")
    )
    assert response.status_code == 200 and "name" in response.context["form"].errors
