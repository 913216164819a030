"""The questionnaire and the responses API take a fixed number of queries, at 300 items too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from compliance.assessments import services
from compliance.catalogue.models import Framework, Requirement


def _framework(world, groups, per_group, slug):
    with scopes_disabled():
        fw = Framework.objects.create(
            organization=world.acme,
            slug=slug,
            name=f"Policy {slug}",
            version="1",
            kind="internal_policy",
            content_hash="0" * 64,
        )
        order = 0
        for g in range(groups):
            order += 1
            group = Requirement.objects.create(
                framework=fw,
                code=f"P{g}",
                obligation=f"P{g}",
                kind="group",
                title=f"Clause {g}",
                order=order,
            )
            for i in range(per_group):
                order += 1
                Requirement.objects.create(
                    framework=fw,
                    code=f"P{g}.{i}",
                    parent=group,
                    obligation=f"P{g}",
                    kind="item",
                    title=f"Item {g}.{i}",
                    order=order,
                    answer_type=["yes_no_partial", "maturity", "text"][i % 3],
                )
        return services.create_assessment(
            organization=world.acme, acting=world.alice_membership, framework_slug=slug
        )


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.fixture
def small_and_big(world, catalogues):
    return _framework(world, 2, 5, "small"), _framework(world, 30, 10, "big")


def test_the_300_item_page_takes_as_many_queries_as_a_10_item_page(
    client, world, small_and_big, django_assert_max_num_queries
):
    small, big = small_and_big
    client.force_login(world.alice)

    def url(a):
        return reverse("assessments:detail", kwargs={"org_slug": "acme", "assessment_uuid": a.uuid})

    assert _count(client, url(big)) == _count(client, url(small))
    with django_assert_max_num_queries(20):
        page = client.get(url(big))
    assert page.content.decode().count('class="q-item') == 300


def test_the_responses_api_is_fixed_too(
    client, world, small_and_big, django_assert_max_num_queries
):
    small, big = small_and_big
    client.force_login(world.alice)

    def url(a):
        return (
            reverse("api:assessment-responses", kwargs={"org_slug": "acme", "uuid": a.uuid})
            + "?page_size=500"
        )

    assert _count(client, url(big)) == _count(client, url(small))
    with django_assert_max_num_queries(20):
        assert len(client.get(url(big)).json()["results"]) == 300
