"""The AI system register's web pages: list, detail, add, edit, archive, restore, export."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import services
from governance.register.models import AISystem
from governance.register.spreadsheets import read_table
from governance.tenancy.roles import Role
from tests.factories import make_system


def url(name, **kwargs):
    return reverse(f"register:{name}", kwargs={"org_slug": "acme", **kwargs})


def form_data(**overrides):
    data = {
        "name": "Chatbot",
        "reference": "SYS-7",
        "intended_purpose": "Answer customer questions on the website.",
        "description": "",
        "tags": "support, customers",
        "operator_role": "deployer",
        "lifecycle_stage": "in_production",
        "deployment_context": "customer_facing",
        "vendor": "",
        "business_owner": "",
        "technical_owner": "",
        "affected_persons": ["customers"],
        "human_oversight": "Agents review escalations.",
        "placed_on_market_on": "",
        "put_into_service_on": "2025-03-01",
        "eu_database_id": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(autouse=True)
def _no_classification_panel(monkeypatch):
    """Keep these pages independent of the classification capability's partial."""
    from governance.register import views

    monkeypatch.setattr(views, "CLASSIFICATION_PANEL", "classification/_no_such_panel.html")


@pytest.fixture
def alice(world, client):
    client.force_login(world.alice)
    return client


# --- List -----------------------------------------------------------------------------------


def test_the_list_shows_the_register(world, alice):
    make_system(world, "CV screener", tags=["HR"])
    make_system(world, "Chatbot")
    response = alice.get(url("system-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "CV screener" in page and "Chatbot" in page and "Not screened" in page
    assert url("system-create") in page
    assert "Export CSV" in page


def test_the_list_shows_the_tier_and_a_rescreen_flag(world, alice):
    system = make_system(world, "Credit scoring")
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).update(
            risk_tier="high_risk",
            classified_at=timezone.now() - timezone.timedelta(days=2),
            material_changed_at=timezone.now(),
        )
    page = alice.get(url("system-list")).content.decode()
    assert 'class="badge badge-high_risk"' in page and "Re-screen" in page


def test_search_matches_name_reference_and_purpose(world, alice):
    make_system(world, "Alpha", reference="REF-1")
    make_system(world, "Beta", intended_purpose="Detects fraudulent card payments.")
    make_system(world, "Gamma")
    names = lambda r: [s.name for s in r.context["systems"]]  # noqa: E731
    assert names(alice.get(url("system-list"), {"search": "ref-1"})) == ["Alpha"]
    assert names(alice.get(url("system-list"), {"search": "FRAUDULENT card"})) == ["Beta"]
    assert names(alice.get(url("system-list"), {"search": "nothing like it"})) == []


def test_filters_narrow_the_list(world, alice, member_of):
    dora = member_of(world.acme, Role.CONTRIBUTOR).user
    with scopes_disabled():
        vendor = services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data={"name": "TalentCo"}
        )
    make_system(world, "A", operator_role="provider", lifecycle_stage="testing", tags=["hr"])
    make_system(world, "B", vendor=vendor, business_owner=dora)
    c = make_system(world, "C", technical_owner=dora)
    with scopes_disabled():
        AISystem.objects.filter(pk=c.pk).update(risk_tier="limited_risk")

    def names(**params):
        return sorted(s.name for s in alice.get(url("system-list"), params).context["systems"])

    assert names(role="provider") == ["A"]
    assert names(lifecycle="testing") == ["A"]
    assert names(tag="HR") == ["A"]
    assert names(vendor=str(vendor.uuid)) == ["B"]
    assert names(owner=dora.email) == ["B", "C"]
    assert names(tier="limited_risk") == ["C"]
    assert names(tier="unscreened") == ["A", "B"]
    # An invalid value is ignored rather than an error page.
    assert names(tier="bogus") == ["A", "B", "C"]


def test_the_filter_options_are_the_organisations_own(world, alice):
    with scopes_disabled():
        services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data={"name": "Ours"}
        )
        services.create_vendor(
            organization=world.globex, acting=world.charlie_membership, data={"name": "Theirs"}
        )
    options = alice.get(url("system-list")).context["options"]
    assert [v.name for v in options["vendors"]] == ["Ours"]
    assert {u.email for u in options["owners"]} == {"alice@acme.test", "bob@acme.test"}


def test_sorting_by_tier_and_updated(world, alice):
    for name, tier in [
        ("Low", "minimal_risk"),
        ("Banned", "prohibited"),
        ("New", ""),
        ("High", "high_risk"),
    ]:
        system = make_system(world, name)
        with scopes_disabled():
            AISystem.objects.filter(pk=system.pk).update(risk_tier=tier)

    def names(sort):
        return [s.name for s in alice.get(url("system-list"), {"sort": sort}).context["systems"]]

    assert names("tier") == ["Banned", "High", "Low", "New"]
    assert names("-tier") == ["New", "Low", "High", "Banned"]
    assert names("-name") == ["New", "Low", "High", "Banned"]
    with scopes_disabled():
        AISystem.objects.filter(name="Low").update(
            updated_at=timezone.now() + timezone.timedelta(1)
        )
    assert names("-updated")[0] == "Low"
    assert names("lifecycle") == ["Banned", "High", "Low", "New"]  # all planned: by name


def test_the_list_paginates_by_fifty(world, alice):
    with scopes_disabled():
        AISystem.objects.bulk_create(
            AISystem(organization=world.acme, name=f"System {i:03}", intended_purpose="x")
            for i in range(120)
        )
    first = alice.get(url("system-list"), {"sort": "name"})
    assert len(first.context["systems"]) == 50 and first.context["page_obj"].paginator.count == 120
    page = first.content.decode()
    assert "sort=name&amp;page=2" in page
    third = alice.get(url("system-list"), {"sort": "name", "page": 3})
    assert [s.name for s in third.context["systems"]][0] == "System 100"
    assert len(third.context["systems"]) == 20


def test_archived_systems_are_hidden_unless_asked_for(world, alice):
    make_system(world, "Live")
    gone = make_system(world, "Gone")
    with scopes_disabled():
        services.archive_system(system=gone, acting=world.alice_membership)

    def names(**params):
        return sorted(s.name for s in alice.get(url("system-list"), params).context["systems"])

    assert names() == ["Live"]
    assert names(archived="true") == ["Gone", "Live"]
    assert names(archived="only") == ["Gone"]


# --- Detail ---------------------------------------------------------------------------------


def test_the_detail_page_shows_the_fields_models_tags_and_history(world, alice):
    with scopes_disabled():
        model = services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Ranker", "version": "2"},
        )
        system = services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={
                "name": "CV screener",
                "intended_purpose": "Rank applicants.",
                "affected_persons": ["employees"],
                "eu_database_id": "EU-123",
            },
            ai_models=[model],
            tags=["HR"],
        )
    response = alice.get(url("system-detail", system_uuid=system.uuid))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rank applicants." in page and "EU-123" in page and "Employees or applicants" in page
    assert url("model-detail", model_uuid=model.uuid) in page and "Ranker 2" in page
    assert ">HR<" in page and "Added to the register" in page
    assert url("system-edit", system_uuid=system.uuid) in page
    assert url("system-archive", system_uuid=system.uuid) in page


def test_the_detail_page_includes_the_classification_panel_only_if_it_exists(
    world, alice, monkeypatch
):
    from governance.register import views

    system = make_system(world)
    response = alice.get(url("system-detail", system_uuid=system.uuid))
    assert response.status_code == 200 and response.context["classification_panel"] is None
    assert "Not screened yet" in response.content.decode()
    # Any template taking `system` stands in for the classification capability's panel.
    monkeypatch.setattr(views, "CLASSIFICATION_PANEL", "register/_tier_badge.html")
    response = alice.get(url("system-detail", system_uuid=system.uuid))
    assert response.context["classification_panel"] == "register/_tier_badge.html"


def test_another_organisations_system_is_404(world, alice):
    theirs = make_system(
        world, "Globex bot", organization=world.globex, acting=world.charlie_membership
    )
    assert alice.get(url("system-detail", system_uuid=theirs.uuid)).status_code == 404


# --- Add and edit ---------------------------------------------------------------------------


def test_alice_adds_a_system(world, alice):
    response = alice.post(url("system-create"), form_data(business_owner=str(world.bob.uuid)))
    assert response.status_code == 302
    with scopes_disabled():
        system = AISystem.objects.get(name="Chatbot")
        assert response["Location"] == url("system-detail", system_uuid=system.uuid)
        assert system.business_owner == world.bob and system.reference == "SYS-7"
        assert system.affected_persons == ["customers"]
        assert str(system.put_into_service_on) == "2025-03-01"
        assert sorted(system.tags.values_list("name", flat=True)) == ["customers", "support"]
        assert AuditEvent.objects.filter(
            action="system.created", object_id=str(system.uuid)
        ).exists()


def test_the_form_page_renders_in_sections(world, alice):
    page = alice.get(url("system-create")).content.decode()
    for title in ("Basics", "Role and lifecycle", "Data and people", "Dates and registration"):
        assert title in page
    assert 'type="date"' in page and 'name="affected_persons"' in page


def test_missing_fields_are_errors_next_to_them(world, alice):
    response = alice.post(url("system-create"), form_data(name="", intended_purpose=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "intended_purpose"}
    assert 'id="id_name_error"' in response.content.decode()
    with scopes_disabled():
        assert not AISystem.objects.exists()


def test_an_owner_from_another_organisation_is_refused(world, alice):
    response = alice.post(url("system-create"), form_data(business_owner=str(world.charlie.uuid)))
    assert response.status_code == 200
    assert "business_owner" in response.context["form"].errors


def test_a_vendor_of_another_organisation_cannot_be_chosen(world, alice):
    with scopes_disabled():
        theirs = services.create_vendor(
            organization=world.globex, acting=world.charlie_membership, data={"name": "Globex AI"}
        )
    page = alice.get(url("system-create")).content.decode()
    assert str(theirs.uuid) not in page
    response = alice.post(url("system-create"), form_data(vendor=str(theirs.uuid)))
    assert response.status_code == 200 and "vendor" in response.context["form"].errors
    with scopes_disabled():
        assert not AISystem.objects.filter(organization=world.acme).exists()


def test_editing_records_the_change(world, alice):
    system = make_system(world, "Chatbot", tags=["support"])
    response = alice.post(
        url("system-edit", system_uuid=system.uuid), form_data(name="Support chatbot")
    )
    assert response.status_code == 302
    with scopes_disabled():
        system.refresh_from_db()
        assert system.name == "Support chatbot"
        event = AuditEvent.objects.filter(action="system.updated").get()
        assert event.changes["name"] == ["Chatbot", "Support chatbot"] and event.via == "web"


def test_the_edit_form_starts_from_the_system(world, alice):
    system = make_system(world, "Chatbot", tags=["support", "web"], reference="R-9")
    form = alice.get(url("system-edit", system_uuid=system.uuid)).context["form"]
    assert form.initial["name"] == "Chatbot" and form.initial["tags"] == "support, web"
    assert form.initial["reference"] == "R-9"


def test_a_material_edit_of_a_classified_system_asks_for_a_new_screening(world, alice):
    system = make_system(world, "Chatbot", intended_purpose="Answer questions.")
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).update(
            classified_at=timezone.now() - timezone.timedelta(hours=1), risk_tier="limited_risk"
        )
    response = alice.post(
        url("system-edit", system_uuid=system.uuid),
        form_data(name="Chatbot", intended_purpose="Decide on customer refunds."),
        follow=True,
    )
    with scopes_disabled():
        system.refresh_from_db()
    assert system.needs_rescreening
    assert "screen the system again" in response.content.decode()


def test_a_cosmetic_edit_does_not_ask_for_a_new_screening(world, alice):
    system = make_system(world, "Chatbot")
    with scopes_disabled():
        system = AISystem.objects.get(pk=system.pk)
        AISystem.objects.filter(pk=system.pk).update(classified_at=timezone.now())
        system.refresh_from_db()
    alice.get(url("system-edit", system_uuid=system.uuid))
    data = form_data(
        name="Chatbot v2",
        intended_purpose=system.intended_purpose,
        operator_role=system.operator_role,
        lifecycle_stage=system.lifecycle_stage,
        deployment_context=system.deployment_context,
        affected_persons=[],
        put_into_service_on="",
        human_oversight="",
    )
    assert alice.post(url("system-edit", system_uuid=system.uuid), data).status_code == 302
    with scopes_disabled():
        system.refresh_from_db()
    assert system.name == "Chatbot v2" and not system.needs_rescreening


# --- Archive and restore --------------------------------------------------------------------


def test_archive_and_restore(world, alice):
    system = make_system(world)
    response = alice.post(url("system-archive", system_uuid=system.uuid))
    assert response.status_code == 302
    with scopes_disabled():
        system.refresh_from_db()
        assert system.archived_at is not None
    page = alice.get(url("system-detail", system_uuid=system.uuid)).content.decode()
    assert url("system-restore", system_uuid=system.uuid) in page
    assert alice.get(url("system-edit", system_uuid=system.uuid)).status_code == 302
    alice.post(url("system-restore", system_uuid=system.uuid))
    with scopes_disabled():
        system.refresh_from_db()
        assert system.archived_at is None
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"system.archived", "system.restored"} <= actions


def test_archive_is_post_only(world, alice):
    system = make_system(world)
    assert alice.get(url("system-archive", system_uuid=system.uuid)).status_code == 405


# --- Roles ----------------------------------------------------------------------------------


def test_a_contributor_edits_own_systems_only(world, client, member_of):
    dora = member_of(world.acme, Role.CONTRIBUTOR)
    client.force_login(dora.user)
    # A contributor's new system is theirs.
    response = client.post(url("system-create"), form_data(name="Dora's bot"))
    assert response.status_code == 302
    with scopes_disabled():
        own = AISystem.objects.get(name="Dora's bot")
    assert own.business_owner_id == dora.user_id
    assert client.get(url("system-edit", system_uuid=own.uuid)).status_code == 200
    assert (
        client.post(
            url("system-edit", system_uuid=own.uuid), form_data(name="Dora's bot 2")
        ).status_code
        == 302
    )
    others = make_system(world, "Alice's system")
    assert client.get(url("system-detail", system_uuid=others.uuid)).status_code == 200
    assert client.get(url("system-edit", system_uuid=others.uuid)).status_code == 403
    assert client.post(url("system-edit", system_uuid=others.uuid), form_data()).status_code == 403
    assert client.post(url("system-archive", system_uuid=others.uuid)).status_code == 403
    page = client.get(url("system-detail", system_uuid=others.uuid)).content.decode()
    assert url("system-edit", system_uuid=others.uuid) not in page


def test_a_system_owned_by_a_contributor_is_editable_by_them(world, client, member_of):
    dora = member_of(world.acme, Role.CONTRIBUTOR)
    system = make_system(world, "Assigned", technical_owner=dora.user)
    client.force_login(dora.user)
    assert client.get(url("system-edit", system_uuid=system.uuid)).status_code == 200


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.BOARD])
def test_roles_without_the_register_get_403(world, client, member_of, role):
    member = member_of(world.acme, role)
    system = make_system(world)
    client.force_login(member.user)
    for name, kwargs in [
        ("system-list", {}),
        ("system-detail", {"system_uuid": system.uuid}),
        ("system-create", {}),
        ("model-list", {}),
        ("vendor-list", {}),
        ("system-export", {"fmt": "csv"}),
    ]:
        assert client.get(url(name, **kwargs)).status_code == 403, name


def test_the_navigation_shows_the_register_to_readers_only(world, client, member_of):
    client.force_login(world.alice)
    assert url("system-list") in client.get("/o/acme/").content.decode()
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    assert url("system-list") not in client.get("/o/acme/").content.decode()


def test_the_import_button_is_for_editors_of_the_whole_register(world, client, member_of):
    from django.urls import NoReverseMatch

    try:
        import_url = reverse("register_import:upload", kwargs={"org_slug": "acme"})
    except NoReverseMatch:
        pytest.skip("the import capability is not installed")
    officer = member_of(world.acme, Role.COMPLIANCE_OFFICER)
    client.force_login(officer.user)
    assert import_url in client.get(url("system-list")).content.decode()
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    client.force_login(contributor.user)
    page = client.get(url("system-list")).content.decode()
    assert import_url not in page and url("system-create") in page


# --- Export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_contains_exactly_the_filtered_rows(world, alice, fmt):
    with scopes_disabled():
        model = services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Ranker", "version": "2"},
        )
        services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={
                "name": "CV screener",
                "intended_purpose": '=HYPERLINK("x")',
                "operator_role": "provider",
                "processes_personal_data": True,
                "business_owner": world.bob,
                "affected_persons": ["employees", "children"],
            },
            ai_models=[model],
            tags=["HR", "pilot"],
        )
    make_system(world, "Chatbot", operator_role="deployer")
    make_system(world, "Fraud model", operator_role="provider")
    response = alice.get(url("system-export", fmt=fmt), {"role": "provider", "sort": "-name"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="acme-ai-systems-')
    table = read_table(b"".join(response.streaming_content), f"export.{fmt}")
    assert table.headers[:3] == ["Reference", "Name", "Intended purpose"]
    assert len(table.headers) == 42  # every field: see tests/register/test_export.py
    rows = [dict(zip(table.headers, row, strict=False)) for row in table.rows]
    assert [r["Name"] for r in rows] == ["Fraud model", "CV screener"]
    cv = rows[1]
    assert cv["Operator role"] == "Provider" and cv["Personal data"] == "yes"
    assert cv["Biometric data"] == "" and cv["Business owner email"] == "bob@acme.test"
    assert cv["Models"] == "Ranker 2" and cv["Tags"] == "HR; pilot"
    assert cv["Affected persons"] == "Employees or applicants; Children"
    assert cv["Risk tier"] == "Not screened"
    # The formula guard is the spreadsheet module's; read_table takes it off again.
    assert cv["Intended purpose"] == '=HYPERLINK("x")'


def test_export_links_carry_the_filters(world, alice):
    page = alice.get(url("system-list"), {"role": "provider", "page": "1"}).content.decode()
    assert url("system-export", fmt="csv") + "?role=provider" in page
    assert url("system-export", fmt="xlsx") + "?role=provider" in page


def test_the_operators_admin_shows_the_register(world, client):
    from governance.accounts.models import User

    system = make_system(world, "CV screener", tags=["HR"])
    client.force_login(User.objects.create_superuser(email="ops@annex.test", password="x" * 12))
    for path in ("aisystem", "aimodel", "vendor", "tag"):
        assert client.get(f"/admin/register/{path}/").status_code == 200, path
    with scopes_disabled():
        pk = AISystem.objects.get(uuid=system.uuid).pk
    page = client.get(f"/admin/register/aisystem/{pk}/change/")
    assert page.status_code == 200 and b"HR" in page.content
    assert client.get("/admin/register/aisystem/add/").status_code == 403
