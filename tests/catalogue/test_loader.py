"""Catalogue files: validation errors name the file, the item and the field; loading is
versioned, idempotent and all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from compliance.catalogue import loader
from compliance.catalogue.loader import CatalogueInvalid, parse_catalogue
from compliance.catalogue.models import Framework, Mapping, Requirement
from compliance.catalogue.services import CATALOGUE_DIR, load_catalogue

GOOD = b"""
format: annex-catalogue/1
framework: {slug: house-rules, name: House rules, version: "1.0", kind: internal_policy}
requirements:
  - code: R1
    title: Rules
    items:
      - {code: R1.1, title: One, question: Is it done?, typical_evidence: [Memo]}
      - {code: R1.2, title: Two, answer_type: choice, choices: [a, b]}
mappings:
  - {source: R1.1, target: "eu-ai-act:art_4", relation: partial}
"""


def _problems(data: bytes, filename="house.yaml") -> list[str]:
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(data, filename)
    return caught.value.problems


def _item(fields: str) -> bytes:
    return (
        b"format: annex-catalogue/1\n"
        b"framework: {slug: x, name: X, version: '1', kind: standard}\n"
        b"requirements:\n  - code: G\n    title: G\n    items:\n      - " + fields.encode()
    )


def test_a_good_file_parses_into_groups_items_and_mappings():
    spec = parse_catalogue(GOOD, "house.yaml")
    assert [(n.code, n.kind, n.parent, n.obligation) for n in spec.nodes] == [
        ("R1", "group", None, "R1"),
        ("R1.1", "item", "R1", "R1"),
        ("R1.2", "item", "R1", "R1"),
    ]
    assert spec.mappings[0].target_framework == "eu-ai-act"
    assert len(spec.content_hash) == 64


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "{code: art_9.16, title: T, answer_type: yesno}",
            "x.yaml: requirement art_9.16: answer_type: 'yesno' is not one of yes_no_partial, "
            "maturity, choice, text, date, number",
        ),
        ("{code: A1}", "x.yaml: requirement A1: title: is required"),
        ("{code: A1, title: T, colour: red}", "x.yaml: requirement A1: colour: unknown field"),
        ("{code: A1, title: T, answer_type: choice}", "x.yaml: requirement A1: choices: "),
        ("{code: A1, title: T, choices: [a, b]}", "x.yaml: requirement A1: choices: only an item"),
        (
            "{code: A1, title: T, condition: {colour: red}}",
            "x.yaml: requirement A1: condition.colour: unknown condition",
        ),
        (
            "{code: A1, title: T, condition: {all: [{public_authority: maybe}]}}",
            "x.yaml: requirement A1: condition.all[0].public_authority: expects true or false",
        ),
        ("{code: A1, title: T, typical_evidence: Memo}", "requirement A1: typical_evidence:"),
        ("{code: 'bad code!', title: T}", "x.yaml: requirement #2 (in G): code: 'bad code!'"),
        ("{code: A1, title: T, informative: yes please}", "requirement A1: informative:"),
    ],
)
def test_each_problem_names_the_file_the_item_and_the_field(fields, expected):
    problems = _problems(_item(fields), "x.yaml")
    assert any(expected in p for p in problems), problems


def test_every_problem_is_reported_at_once():
    problems = _problems(_item("{code: A1, answer_type: yesno, colour: red}"))
    assert len(problems) == 3


def test_a_code_used_twice_is_refused():
    data = _item("{code: A1, title: T}\n      - {code: A1, title: U}")
    assert any("requirement A1: code: is used twice" in p for p in _problems(data))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"- just a list", "house.yaml: the file must be a mapping"),
        (b"format: annex-catalogue/1\nrequirements: []", "house.yaml: framework: is required"),
        (
            b"format: other/2\nframework: {slug: x, name: X, version: '1', kind: law}\n",
            "house.yaml: format: must be",
        ),
        (
            b"format: annex-catalogue/1\n"
            b"framework: {slug: X Y, name: X, version: '1', kind: standard}",
            "house.yaml: framework: slug: 'X Y' is not a slug",
        ),
        (
            b"format: annex-catalogue/1\nframework: {slug: x, name: X, version: '1', kind: law}",
            "house.yaml: framework: kind: 'law' is not one of regulation, standard, "
            "internal_policy",
        ),
        (b"format: [unclosed", "house.yaml: line 2: not valid YAML"),
        (b"\xff\xfe", "house.yaml: not UTF-8 text"),
    ],
)
def test_file_level_problems(data, expected):
    assert any(p.startswith(expected) for p in _problems(data)), _problems(data)


def test_mapping_problems_name_the_mapping_and_the_field():
    data = GOOD.replace(b"source: R1.1", b"source: R9").replace(
        b"relation: partial", b"relation: x"
    )
    problems = _problems(data)
    assert (
        "house.yaml: mapping 1 (R9 → eu-ai-act:art_4): source: no requirement 'R9' in this file"
        in problems
    )
    assert any(
        p.startswith("house.yaml: mapping 1 (R9 → eu-ai-act:art_4): relation: 'x'")
        for p in problems
    )


def test_json_files_are_read_too():
    data = (
        b'{"format": "annex-catalogue/1", "framework": {"slug": "j", "name": "J", '
        b'"version": "1", "kind": "standard"}, "requirements": [{"code": "G", "title": "G", '
        b'"items": [{"code": "G.1", "title": "One"}]}]}'
    )
    assert parse_catalogue(data, "j.json").slug == "j"
    assert _problems(b'{"format": ', "j.json")[0].startswith("j.json: line 1: not valid JSON")


def test_a_file_over_the_size_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(loader, "MAX_BYTES", 100)
    assert _problems(GOOD)[0].startswith("house.yaml: the file is")


def test_yaml_aliases_are_refused():
    data = GOOD.replace(b"title: Rules", b"title: &t Rules").replace(b"title: One", b"title: *t")
    assert any(
        "house.yaml: line 6: anchors and aliases are not allowed" in p for p in _problems(data)
    )


def test_yaml_tags_that_build_python_objects_are_refused():
    data = GOOD.replace(b"title: One", b"title: !!python/object/apply:os.system [ls]")
    assert any("not valid YAML" in p for p in _problems(data))


def test_the_shipped_files_are_valid():
    for path in [*CATALOGUE_DIR.glob("*.yaml"), *CATALOGUE_DIR.glob("examples/*.yaml")]:
        assert parse_catalogue(path.read_bytes(), path.name).nodes


# Versioning -----------------------------------------------------------------------------------


def _counts():
    return Framework.objects.count(), Requirement.objects.count(), Mapping.objects.count()


def test_loading_the_same_version_again_does_nothing(db):
    first = load_catalogue(data=GOOD, filename="house.yaml")
    before = _counts()
    again = load_catalogue(data=GOOD + b"\n# a comment changes nothing\n", filename="house.yaml")
    assert (first.status, again.status) == ("created", "unchanged")
    assert again.framework_id == first.framework_id
    assert _counts() == before


def test_changed_content_under_a_loaded_version_is_refused(db):
    load_catalogue(data=GOOD, filename="house.yaml")
    before = _counts()
    with pytest.raises(
        CatalogueInvalid, match="house.yaml: framework house-rules version 1.0 is already loaded"
    ):
        load_catalogue(data=GOOD.replace(b"title: One", b"title: Uno"), filename="house.yaml")
    assert _counts() == before
    assert Requirement.objects.get(framework__slug="house-rules", code="R1.1").title == "One"


def test_a_new_version_makes_new_rows_and_leaves_the_old_untouched(db):
    old = load_catalogue(data=GOOD, filename="house.yaml")
    old_rows = list(Requirement.objects.filter(framework_id=old.framework_id).values())
    new_data = GOOD.replace(b'version: "1.0"', b'version: "1.1"').replace(
        b"title: One", b"title: Uno"
    )
    new = load_catalogue(data=new_data, filename="house.yaml")
    assert new.status == "created" and new.framework_id != old.framework_id
    assert list(Requirement.objects.filter(framework_id=old.framework_id).values()) == old_rows
    assert Requirement.objects.get(framework_id=new.framework_id, code="R1.1").title == "Uno"
    assert Mapping.objects.filter(source__framework_id=new.framework_id).count() == 1


def test_an_unknown_mapping_target_fails_the_whole_file(db):
    data = GOOD.replace(b"eu-ai-act:art_4", b"eu-ai-act:art_99")
    with pytest.raises(CatalogueInvalid, match="no requirement eu-ai-act:art_99"):
        load_catalogue(data=data, filename="house.yaml")
    assert not Framework.objects.filter(slug="house-rules").exists()


def test_an_organizations_framework_is_its_own_and_audited(world):
    result = load_catalogue(data=GOOD, filename="house.yaml", organization=world.acme)
    fw = Framework.objects.get(pk=result.framework_id)
    assert fw.organization == world.acme
    from governance.audit.models import AuditEvent

    with scopes_disabled():
        event = AuditEvent.objects.get(organization=world.acme, action="catalogue.framework_loaded")
    assert event.object_id == "house-rules@1.0"
    # Another organisation may load the same slug for itself.
    other = load_catalogue(data=GOOD, filename="house.yaml", organization=world.globex)
    assert other.status == "created" and other.framework_id != result.framework_id


def test_an_organization_cannot_take_a_shipped_slug(world):
    data = GOOD.replace(b"slug: house-rules", b"slug: eu-ai-act")
    with pytest.raises(CatalogueInvalid, match="'eu-ai-act' is a shipped catalogue"):
        load_catalogue(data=data, filename="house.yaml", organization=world.acme)


# The command ----------------------------------------------------------------------------------


def test_the_command_loads_the_shipped_catalogues_idempotently(db):
    out = io.StringIO()
    call_command("load_catalogues", stdout=out)
    assert "eu-ai-act.yaml: eu-ai-act 2026.2 unchanged" in out.getvalue()
    assert "iso-42001.yaml: iso-42001 2023.1 unchanged" in out.getvalue()


def test_the_command_loads_the_example_for_an_organization(world):
    out = io.StringIO()
    example = CATALOGUE_DIR / "examples" / "internal-ai-policy.yaml"
    call_command("load_catalogues", str(example), organization="acme", stdout=out)
    assert "internal-ai-policy 1.0 created, 3 mapping(s) added" in out.getvalue()
    assert Framework.objects.get(slug="internal-ai-policy").organization == world.acme


def test_the_command_reports_every_problem_and_loads_nothing(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(_item("{code: A1, answer_type: yesno}"))
    good = tmp_path / "good.yaml"
    good.write_bytes(GOOD)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_catalogues", str(good), str(bad), stderr=err)
    assert "bad.yaml: requirement A1: title: is required" in err.getvalue()
    assert not Framework.objects.filter(slug="house-rules").exists()


def test_the_command_names_an_unknown_organization(db):
    with pytest.raises(CommandError, match="--organization: no organisation with slug 'nope'"):
        call_command("load_catalogues", "x.yaml", organization="nope")
