"""No lost answer: a screening step's save never silently replaces someone else's answer."""

import html
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.classification.draft_conflicts import changed_since, read_seen, seen_field
from governance.classification.models import ScreeningDraft
from tests.factories import make_system

SEEN = re.compile(r'id="screening-seen" value="([^"]*)"')


@pytest.fixture
def system(world):
    return make_system(world, "Talent screener")


@pytest.fixture
def alice(world, client):
    client.force_login(world.alice)
    return client


def step_url(system, step="organisation"):
    path = reverse(
        "classification:screening", kwargs={"org_slug": "acme", "system_uuid": system.uuid}
    )
    return f"{path}?step={step}"


def seen_on(page) -> str:
    return html.unescape(SEEN.search(page.content.decode()).group(1))


def draft(system):
    with scopes_disabled():
        return ScreeningDraft.objects.get(system=system).answers


def test_a_stale_page_keeps_the_other_answer_and_shows_both(alice, system):
    first_tab = seen_on(alice.get(step_url(system)))
    second_tab = seen_on(alice.get(step_url(system)))
    saved = alice.post(step_url(system), {"role": "provider", "_seen": second_tab})
    assert saved.status_code == 302
    stale = alice.post(step_url(system), {"role": "deployer", "gpai": "no", "_seen": first_tab})
    page = stale.content.decode()
    assert stale.status_code == 200
    assert "Someone else changed this answer while you were editing" in page
    assert "it is now \u201cProvider\u201d" in page
    # The officer's own input stays on the page; their other answer was saved.
    assert 'value="deployer" id="q-role-deployer" checked' in page
    assert draft(system)["role"] == "provider"
    assert draft(system)["gpai"] is False
    # The page now records the other answer: saving again replaces it, knowingly.
    again = alice.post(step_url(system), {"role": "deployer", "_seen": seen_on(stale)})
    assert again.status_code == 302
    assert draft(system)["role"] == "deployer"


def test_an_autosave_refuses_the_changed_answer_until_the_page_shows_it(alice, system):
    first_tab = seen_on(alice.get(step_url(system)))
    alice.post(step_url(system), {"role": "provider", "_seen": first_tab})
    autosave = alice.post(
        step_url(system), {"role": "importer", "_seen": first_tab}, HTTP_HX_REQUEST="true"
    )
    text = autosave.content.decode()
    assert "Not saved" in text and "\u201cProvider\u201d" in text
    assert draft(system)["role"] == "provider"
    # The out-of-band record still says what the page first showed: the next autosave of the
    # same stale answer is refused too, instead of slipping through.
    still = alice.post(
        step_url(system), {"role": "importer", "_seen": seen_on(autosave)}, HTTP_HX_REQUEST="true"
    )
    assert "Not saved" in still.content.decode()
    assert draft(system)["role"] == "provider"


def test_an_autosave_moves_the_record_on_so_one_officer_never_blocks_themselves(alice, system):
    seen = seen_on(alice.get(step_url(system)))
    for role in ("provider", "importer", "deployer"):
        response = alice.post(
            step_url(system), {"role": role, "_seen": seen}, HTTP_HX_REQUEST="true"
        )
        assert "Saved at" in response.content.decode()
        seen = seen_on(response)
    assert draft(system)["role"] == "deployer"


def test_the_same_answer_or_another_question_is_no_conflict(alice, system):
    first_tab = seen_on(alice.get(step_url(system)))
    alice.post(step_url(system), {"role": "provider", "_seen": first_tab})
    same = alice.post(step_url(system), {"role": "provider", "gpai": "no", "_seen": first_tab})
    assert same.status_code == 302
    scope_tab = seen_on(alice.get(step_url(system, "scope")))
    other = alice.post(step_url(system, "scope"), {"is_ai_system": "yes", "_seen": scope_tab})
    assert other.status_code == 302
    answers = draft(system)
    assert (answers["role"], answers["gpai"], answers["is_ai_system"]) == ("provider", False, True)


def test_a_client_without_the_record_saves_as_before(alice, system):
    alice.post(step_url(system), {"role": "provider"})
    alice.post(step_url(system), {"role": "importer"})
    assert draft(system)["role"] == "importer"


@pytest.mark.parametrize("text", ["", "not json", "[1]", '{"keys": 3}', "{" * 100, "x" * 70_000])
def test_an_unreadable_record_is_ignored(text):
    assert read_seen(text) is None


def test_changed_since_compares_what_was_shown_with_what_is_there():
    seen = read_seen(seen_field(["a", "b", "c"], {"a": 1, "b": 2}))
    current = {"a": 1, "b": 5, "c": 7}
    assert changed_since(seen, current, {"a": 9, "b": 3}, ["c"]) == {"b": 5, "c": 7}
    assert changed_since(seen, current, {"b": 5}, []) == {}
    assert changed_since(None, current, {"b": 3}, []) == {}
