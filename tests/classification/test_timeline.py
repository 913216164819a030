"""Regulatory timeline: a date for every obligation, per the AI Act as amended by 2026/1744."""

import json
from datetime import date

import pytest

from governance.classification import codes, timeline
from governance.classification.timeline import (
    DEFAULT_PATH,
    Timeline,
    TimelineEntry,
    TimelineError,
    UnknownObligation,
    default_timeline,
    load_timeline,
)

HIGH_RISK_CODES = [f"art_{n}" for n in (*range(9, 25), 26, 27, 43, 47, 48, 49, 72, 73)]


def test_file_is_where_the_contract_says():
    assert DEFAULT_PATH.parts[-3:] == ("fixtures", "eu_ai_act", "timeline.json")
    assert DEFAULT_PATH.parent.parent.parent == timeline.Path(codes.__file__).parents[2]


def test_file_is_pretty_printed_json_with_version_and_amending_act():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert text.startswith('{\n  "version": ')
    raw = json.loads(text)
    assert raw["as_amended_by"] == "Regulation (EU) 2026/1744"
    assert raw["version"]
    assert isinstance(raw["entries"], list) and raw["entries"]


def test_every_obligation_code_has_a_date_and_nothing_else_does():
    assert default_timeline().codes == set(codes.OBLIGATIONS)


def test_every_entry_has_a_source_citing_an_article_and_a_note():
    for entry in timeline.entries():
        assert isinstance(entry, TimelineEntry)
        assert isinstance(entry.applies_from, date)
        assert "Art. " in entry.source
        assert entry.note.strip().endswith(".")


@pytest.mark.parametrize("code", list(codes.OBLIGATIONS))
@pytest.mark.parametrize("basis", [None, "annex_i", "annex_iii"])
def test_every_code_resolves_for_every_basis(code, basis):
    assert isinstance(timeline.applies_from(code, basis=basis), date)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("art_4", date(2025, 2, 2)),
        ("art_5", date(2025, 2, 2)),
        ("art_6_4", date(2027, 12, 2)),
        ("art_49_2", date(2027, 12, 2)),
        ("art_50_1", date(2026, 8, 2)),
        ("art_50_2", date(2026, 8, 2)),
        ("art_50_3", date(2026, 8, 2)),
        ("art_50_4", date(2026, 8, 2)),
        ("art_53", date(2025, 8, 2)),
        ("art_54", date(2025, 8, 2)),
        ("art_55", date(2025, 8, 2)),
    ],
)
def test_dates_that_do_not_depend_on_the_basis(code, expected):
    assert timeline.applies_from(code) == expected
    assert timeline.applies_from(code, basis="annex_i") == expected
    assert timeline.applies_from(code, basis="annex_iii") == expected


@pytest.mark.parametrize("code", HIGH_RISK_CODES)
def test_high_risk_duties_were_postponed_by_the_omnibus(code):
    # Art. 113(c)(i) and (ii) as amended by Regulation (EU) 2026/1744.
    assert timeline.applies_from(code, basis="annex_iii") == date(2027, 12, 2)
    assert timeline.applies_from(code, basis="annex_i") == date(2028, 8, 2)
    # Without a basis, the earliest date the duty can apply.
    assert timeline.applies_from(code) == date(2027, 12, 2)


@pytest.mark.parametrize("practice", ["art_5_1_ba", "art_5_1_bb"])
def test_omnibus_prohibitions_apply_from_december_2026(practice):
    assert timeline.applies_from("art_5", practice=practice) == date(2026, 12, 2)


@pytest.mark.parametrize("practice", [p for p in codes.PROHIBITED_PRACTICES if len(p) == 9])
def test_original_prohibitions_apply_from_february_2025(practice):
    assert timeline.applies_from("art_5", practice=practice) == date(2025, 2, 2)


def test_several_bases_or_practices_resolve_to_the_earliest():
    tl = default_timeline()
    assert tl.iso("art_9", ("annex_i", "annex_iii")) == "2027-12-02"
    assert tl.iso("art_5", (), ("art_5_1_ba", "art_5_1_c")) == "2025-02-02"
    assert tl.iso("art_5", (), ("art_5_1_ba", "art_5_1_bb")) == "2026-12-02"


def test_unknown_code_raises():
    with pytest.raises(UnknownObligation):
        timeline.applies_from("art_999")
    with pytest.raises(UnknownObligation):
        default_timeline().iso("art_25")
    assert issubclass(UnknownObligation, LookupError)


def test_default_timeline_is_loaded_once():
    assert default_timeline() is default_timeline()
    assert load_timeline() is default_timeline()


def test_entries_for_a_code():
    assert {e.basis for e in default_timeline().entries_for("art_26")} == {"annex_i", "annex_iii"}
    assert [e.practice for e in default_timeline().entries_for("art_5")] == [
        None,
        "art_5_1_ba",
        "art_5_1_bb",
    ]


def write(tmp_path, doc):
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def entry(**overrides):
    item = {"code": "art_4", "applies_from": "2025-02-02", "source": "Art. 113(a)", "note": "n."}
    item.update(overrides)
    return item


def doc(*entries):
    return {"version": "v", "as_amended_by": "x", "entries": list(entries)}


def test_load_a_timeline_from_a_path(tmp_path):
    tl = load_timeline(write(tmp_path, doc(entry(), entry(code="art_26", basis="annex_i"))))
    assert tl.version == "v"
    assert tl.applies_from("art_4") == date(2025, 2, 2)
    assert tl.applies_from("art_26", basis="annex_i") == date(2025, 2, 2)


def test_basis_variant_missing_for_a_given_basis_raises(tmp_path):
    tl = load_timeline(write(tmp_path, doc(entry(code="art_26", basis="annex_i"))))
    with pytest.raises(UnknownObligation):
        tl.iso("art_26", ("annex_iii",))


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"entries": []},
        {"version": "v", "as_amended_by": "x", "entries": {}},
        doc("art_4"),
        doc(entry(applies_from="2 Feb 2025")),
        doc(entry(applies_from="2025-02-30")),
        doc(entry(source="")),
        doc(entry(note=None)),
        doc(entry(basis="annex_ii")),
        doc(entry(practice="art_4")),
        doc(entry(basis="annex_i", practice="art_5_1_a")),
        doc(entry(extra=1)),
        doc(entry(), entry()),
        doc(entry(basis="annex_i"), entry(basis="annex_i")),
    ],
)
def test_malformed_timelines_are_rejected(tmp_path, bad):
    with pytest.raises(TimelineError):
        load_timeline(write(tmp_path, bad))


def test_a_timeline_can_be_built_in_memory():
    tl = Timeline(
        (TimelineEntry("art_4", date(2030, 1, 1), "Art. 113", "Moved."),),
        version="x",
        as_amended_by="y",
    )
    assert tl.codes == {"art_4"}
    assert tl.iso("art_4") == "2030-01-01"


# The transitional rules of Art. 111 as data ----------------------------------------------------


def test_the_shipped_timeline_has_a_version_and_the_four_rules_of_art_111():
    shipped = default_timeline()
    assert shipped.version == "2026-07-27"
    rules = shipped.transitional
    assert rules["annex_x"].placed_before == date(2027, 8, 2)
    assert rules["annex_x"].complies_by == date(2030, 12, 31)
    assert rules["legacy_high_risk"].public_authorities_by == date(2030, 8, 2)
    assert rules["legacy_gpai_model"].placed_before == date(2025, 8, 2)
    assert rules["legacy_gpai_model"].complies_by == date(2027, 8, 2)
    assert set(rules["legacy_gpai_model"].codes) == {"art_53", "art_54", "art_55"}
    assert rules["legacy_synthetic_content"].placed_before == date(2026, 8, 2)
    assert rules["legacy_synthetic_content"].complies_by == date(2026, 12, 2)
    assert rules["legacy_synthetic_content"].codes == ("art_50_2",)
    assert all(rule.source.startswith("Art. 111(") for rule in rules.values())


def test_a_malformed_transitional_date_is_refused():
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["transitional"]["annex_x"]["complies_by"] = "31/12/2030"
    with pytest.raises(timeline.TimelineError, match="transitional.annex_x.complies_by"):
        timeline.parse_timeline(raw)
