"""What a new user meets: where they land, roles offered, error pages, the styleguide."""

from django.test import override_settings
from django_scopes import scopes_disabled

from governance.tenancy.models import Membership
from governance.tenancy.roles import Role
from tests.factories import OrganizationFactory, make_system


def _offered_roles(form) -> list[str]:
    return [value for value, _label in form.fields["role"].choices]


def test_a_first_sign_in_lands_on_the_organisation_with_systems(world, client):
    # Alice belongs to Acme (empty register) and to Zenith, which has systems; Acme sorts first.
    zenith = OrganizationFactory(name="Zenith", slug="zenith")
    with scopes_disabled():
        zm = Membership.objects.create(organization=zenith, user=world.alice, role=Role.OWNER)
    make_system(world, "Chatbot", organization=zenith, acting=zm)
    client.force_login(world.alice)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/o/zenith/"


def test_the_organisation_used_last_wins_over_the_busier_one(world, client):
    zenith = OrganizationFactory(name="Zenith", slug="zenith")
    with scopes_disabled():
        zm = Membership.objects.create(organization=zenith, user=world.alice, role=Role.OWNER)
    make_system(world, "Chatbot", organization=zenith, acting=zm)
    client.force_login(world.alice)
    assert client.get("/o/acme/").status_code == 200
    assert client.get("/")["Location"] == "/o/acme/"


def test_without_systems_anywhere_the_first_organisation_by_name_is_chosen(world, client):
    zenith = OrganizationFactory(name="Zenith", slug="zenith")
    with scopes_disabled():
        Membership.objects.create(organization=zenith, user=world.alice, role=Role.OWNER)
    client.force_login(world.alice)
    assert client.get("/")["Location"] == "/o/acme/"


def test_an_admin_is_not_offered_the_owner_role(world, client, member_of):
    admin = member_of(world.acme, Role.ADMIN)
    client.force_login(admin.user)
    invite_roles = _offered_roles(client.get("/o/acme/members/").context["form"])
    assert Role.OWNER not in invite_roles and Role.ADMIN in invite_roles
    assert Role.SERVICE_ACCOUNT not in invite_roles
    edit = client.get(f"/o/acme/members/{world.bob_membership.uuid}/")
    assert Role.OWNER not in _offered_roles(edit.context["form"])
    response = client.post("/o/acme/members/", {"email": "eve@acme.test", "role": "owner"})
    assert response.status_code == 200 and "role" in response.context["form"].errors


def test_an_owner_is_offered_every_role_a_person_can_hold(world, client):
    client.force_login(world.alice)
    roles = _offered_roles(client.get("/o/acme/members/").context["form"])
    assert roles == [r.value for r in Role if r != Role.SERVICE_ACCOUNT]


def test_an_admin_editing_an_owner_sees_the_role_the_owner_holds(world, client, member_of):
    admin = member_of(world.acme, Role.ADMIN)
    client.force_login(admin.user)
    edit = client.get(f"/o/acme/members/{world.alice_membership.uuid}/")
    assert Role.OWNER in _offered_roles(edit.context["form"])


def test_the_403_page_gives_the_reason_escaped(world, client, member_of):
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    client.force_login(contributor.user)
    response = client.post("/o/acme/members/", {"email": "<b>x</b>@acme.test", "role": "admin"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your role does not allow inviting members." in html
    assert "Go to dashboard" not in html
    assert 'href="/o/acme/"' in html and "Go to Acme" in html


def test_the_404_page_inside_an_organisation_leads_to_its_home(world, client):
    client.force_login(world.alice)
    html = client.get("/o/acme/register/systems/00000000-0000-0000-0000-000000000000/")
    assert html.status_code == 404
    page = html.content.decode()
    assert "Go to dashboard" not in page and "Go to Acme" in page


def test_the_404_page_for_a_visitor_offers_to_sign_in(db, client):
    page = client.get("/no-such-page/").content.decode()
    assert "Go to dashboard" not in page and ">Sign in<" in page


def test_the_styleguide_is_hidden_from_members(world, client):
    client.force_login(world.alice)  # an owner, but not staff
    assert client.get("/o/acme/styleguide/").status_code == 404


def test_the_styleguide_opens_for_staff_and_in_debug(world, client):
    client.force_login(world.alice)
    with override_settings(DEBUG=True):
        assert client.get("/o/acme/styleguide/").status_code == 200
    world.alice.is_staff = True
    world.alice.save(update_fields=["is_staff"])
    assert client.get("/o/acme/styleguide/").status_code == 200


def test_the_demo_officer_lands_on_northwind_and_the_banner_matches_the_readme(db, client):
    from pathlib import Path

    from governance.accounts.models import User
    from governance.core.demo import build_demo

    result = build_demo()
    officer = (
        "officer@northwind.example",
        "Compliance officer",
        "Northwind Health and Contoso Labs",
    )
    assert officer in result.logins
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for email, role, organisations in result.logins:
        assert f"| {email} | {role}" in readme and organisations in readme
    client.force_login(User.objects.get(email="officer@northwind.example"))
    assert client.get("/")["Location"] == "/o/northwind/"


def test_a_date_input_shows_its_value_and_the_page_reads_day_first(world, client):
    client.force_login(world.alice)
    html = client.get(f"/o/acme/members/{world.bob_membership.uuid}/").content.decode()
    day = world.bob_membership.access_expires_at.date()
    # type=date takes only ISO; a day-first value here would show as an empty box.
    assert f'value="{day.isoformat()}"' in html
    assert '<html lang="en-GB">' in html


def test_forms_take_iso_and_day_first_dates_never_month_first():
    from datetime import date

    from django import forms

    class When(forms.Form):
        day = forms.DateField()

    for typed in ("2026-11-30", "30/11/2026", "30 Nov 2026"):
        form = When({"day": typed})
        assert form.is_valid() and form.cleaned_data["day"] == date(2026, 11, 30), typed
    assert not When({"day": "11/30/2026"}).is_valid()


def test_dates_display_as_day_month_abbreviation_year():
    from datetime import date

    from django.template import Context, Template

    assert Template("{{ d|date }}").render(Context({"d": date(2026, 11, 30)})) == "30 Nov 2026"
