"""The organisation's home page: the register by tier and the dates coming into force."""

from datetime import date

from django_scopes import scope

from governance.classification import services as classification
from governance.classification.selectors import upcoming_dates
from governance.register import services as register
from governance.tenancy.roles import Role

CV = {
    "schema": "eu-ai-act-screening/1", "role": "deployer", "is_ai_system": True,
    "eu_nexus": True, "established_in_eu": True, "annex_iii": ["annex_iii_4_a"], "profiling": True,
}  # fmt: skip


def test_the_home_page_counts_systems_per_tier(world, client):
    with scope(organization=world.acme):
        for name in ("Screener", "Other", "Third"):
            system = register.create_system(
                organization=world.acme, acting=world.alice_membership,
                data={"name": name, "intended_purpose": "p"},
            )  # fmt: skip
        classification.classify_system(system=system, acting=world.alice_membership, screening=CV)
    client.force_login(world.alice)
    portfolio = client.get("/o/acme/").context["portfolio"]
    tiers = {t["code"]: t["count"] for t in portfolio["tiers"]}
    assert portfolio["total"] == 3 and tiers["high_risk"] == 1 and tiers[""] == 2
    assert portfolio["unscreened"] == 2 and portfolio["needs_rescreening"] == 0
    # Another organisation's register is not counted.
    client.force_login(world.charlie)
    assert client.get("/o/globex/").context["portfolio"]["total"] == 0


def test_a_board_member_sees_the_portfolio_without_links_into_the_register(
    world, client, member_of
):
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    response = client.get("/o/acme/")
    assert response.context["portfolio"] is not None
    assert "/register/systems/" not in response.content.decode()


def test_upcoming_dates_come_from_the_timeline_data():
    upcoming = upcoming_dates(date(2026, 11, 23))
    assert [u["date"] for u in upcoming[:3]] == [
        date(2026, 12, 2), date(2027, 12, 2), date(2028, 8, 2)
    ]  # fmt: skip
    assert upcoming[1]["headline"] == "High-risk duties for systems under Annex III"
    assert "Art. 26" in upcoming[1]["articles"]
    assert upcoming_dates(date(2040, 1, 1)) == []
