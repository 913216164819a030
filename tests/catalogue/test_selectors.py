"""Which frameworks an organisation sees, the latest version, and which items apply."""

import pytest
from django.http import Http404

from compliance.catalogue.models import Framework, Requirement
from compliance.catalogue.selectors import (
    applicable_requirements,
    frameworks_for_organization,
    get_framework,
    version_key,
)


def _framework(slug, version, organization=None):
    return Framework.objects.create(
        slug=slug,
        name=slug.title(),
        version=version,
        kind="regulation",
        content_hash="0" * 64,
        organization=organization,
    )


def _tree(fw):
    group = Requirement.objects.create(
        framework=fw, code="art_9", obligation="art_9", kind="group", title="Risk", order=0
    )
    made = {}
    for order, (code, cond) in enumerate(
        [
            ("art_9.01", None),
            ("art_9.17", {"affects_children": True}),
            ("art_9.18", {"not": {"public_authority": True}}),
        ],
        start=1,
    ):
        made[code] = Requirement.objects.create(
            framework=fw,
            code=code,
            obligation="art_9",
            kind="item",
            parent=group,
            title=code,
            condition=cond,
            order=order,
        )
    Requirement.objects.create(
        framework=fw,
        code="art_26",
        obligation="art_26",
        kind="group",
        title="Deployer",
        order=10,
        condition={"role_in": ["deployer"]},
    )
    Requirement.objects.create(
        framework=fw,
        code="art_26.01",
        obligation="art_26",
        kind="item",
        parent=Requirement.objects.get(framework=fw, code="art_26"),
        title="IFU",
        order=11,
    )
    return made


def test_version_key_orders_naturally():
    assert version_key("2026.2") < version_key("2026.10") < version_key("2027.1")


def test_an_organization_sees_global_and_its_own_frameworks(world):
    _framework("test-act", "2026.1")
    own = _framework("policy", "1", world.acme)
    other = _framework("policy", "1", world.globex)
    seen = set(frameworks_for_organization(world.acme))
    assert own in seen and other not in seen
    assert {f.slug for f in seen} == {"test-act", "policy", "eu-ai-act", "iso-42001"}


def test_get_framework_returns_the_latest_version_by_default(world):
    _framework("test-act", "2026.2")
    latest = _framework("test-act", "2026.10")
    assert get_framework(world.acme, "test-act") == latest
    assert get_framework(world.acme, "test-act", "2026.2").version == "2026.2"


def test_get_framework_is_404_for_missing_and_foreign_alike(world):
    _framework("policy", "1", world.globex)
    for slug, version in (("policy", None), ("nothing", None), ("eu-ai-act", "9")):
        with pytest.raises(Http404):
            get_framework(world.acme, slug, version)


def test_applicable_requirements_follow_codes_and_conditions(db):
    fw = _framework("test-act", "2026.1")
    _tree(fw)
    codes = lambda items: [i.code for i in items]  # noqa: E731
    assert codes(applicable_requirements(fw, {"art_9"}, {})) == ["art_9.01", "art_9.18"]
    facts = {"affects_children": True, "public_authority": True}
    assert codes(applicable_requirements(fw, {"art_9"}, facts)) == ["art_9.01", "art_9.17"]
    assert codes(applicable_requirements(fw, set(), facts)) == []
    # A group's condition applies to its items.
    assert codes(applicable_requirements(fw, {"art_26"}, {"role": "provider"})) == []
    assert codes(applicable_requirements(fw, {"art_26"}, {"role": "deployer"})) == ["art_26.01"]


def test_applicable_requirements_runs_one_query(db, django_assert_num_queries):
    fw = _framework("test-act", "2026.1")
    _tree(fw)
    with django_assert_num_queries(1):
        applicable_requirements(fw, {"art_9", "art_26"}, {"role": "deployer"})


def test_a_cross_cutting_group_applies_with_any_of_its_codes(db):
    fw = _framework("test-act", "2026.1")
    group = Requirement.objects.create(
        framework=fw,
        code="art_50_x",
        obligation="art_50_x",
        kind="group",
        title="All",
        condition={"obligation_in": ["art_50_1", "art_50_4"]},
        order=0,
    )
    Requirement.objects.create(
        framework=fw,
        code="art_50_x.01",
        obligation="art_50_x",
        kind="item",
        parent=group,
        title="Timing",
        order=1,
    )
    assert [i.code for i in applicable_requirements(fw, {"art_50_4"}, {})] == ["art_50_x.01"]
    assert applicable_requirements(fw, {"art_50_2"}, {}) == []
