"""Ready-made import mappings for public algorithm registers' files.

Each preset has the shape of a saved mapping (``saved_mappings.spec_of``): ``columns`` {file
heading: field key}, ``values`` {field key: {file value: our value or "__unknown__"}},
``defaults`` {}, ``tag_separator`` and ``match_on``. No preset sets a default: a fact the file
does not state stays unknown.

- The Dutch algorithm register (publication standard v1.0, open data): two presets, one for
  files headed with the standard's property keys (``name``, ``description_short``, …) and one
  for files headed with its Dutch titles ("Naam", "Korte omschrijving", …, read from the
  standard's own file), since one field cannot take two columns. Left unmapped on purpose:
  ``organization`` ("Organisatienaam") is the publishing body, not an operator role;
  ``provider`` may say "Intern ontwikkeld", which would become a vendor of that name;
  ``begin_date``/``end_date`` are months (YYYY-MM) and Annex's dates are days, so a day would
  be invented; ``source_id`` is often "n.v.t.", so rows are matched on the register's own
  ``lars`` id, kept as the reference. A preset's headings must all be in the file (see
  ``saved_mappings.apply_to_headers``), so only v1.0's own properties are columns; the value
  map for ``dpia_done`` ("Ja"/"Nee") serves files of older versions, whose ``dpia`` column the
  user maps by hand.
- The UK ATRS: the headings of Annex's ATRS export (template v3.0, "<section>: <field>").
"""

from __future__ import annotations

from governance.register.import_cells import UNKNOWN
from governance.register.public_registers import nl_v1, uk_atrs

NL_STATUS = {
    "In gebruik": "in_production",
    "In ontwikkeling": "in_development",
    "Buiten gebruik": "retired",
    "Onbekend": UNKNOWN,
}
NL_YES_NO = {"Ja": "yes", "Nee": "no", "Onbekend": UNKNOWN, "n.v.t.": UNKNOWN}

# The standard's property → our field.
NL_FIELDS = {
    "lars": "reference",
    "name": "name",
    "description_short": "description",
    "goal": "intended_purpose",
    "status": "lifecycle_stage",
    "contact_email": "contact_point",
    "website": "public_page_url",
    "lawful_basis": "legal_basis",
    "process_index_url": "processing_register_url",
    "human_intervention": "human_oversight",
    "publiccode": "source_code_url",
    "tags": "tags",
}


def _nl_preset(name: str, *, titles: bool) -> dict:
    props = nl_v1.standard()
    columns = {(props[key]["title"] if titles else key): field for key, field in NL_FIELDS.items()}
    return {
        "name": name,
        "columns": columns,
        "values": {"lifecycle_stage": dict(NL_STATUS), "dpia_done": dict(NL_YES_NO)},
        "defaults": {},
        # "Zoektermen": "Gescheiden door komma's" (the standard's instructions).
        "tag_separator": ",",
        "match_on": "reference",
    }


ATRS_FIELDS = {
    "name": "name",
    "description": "description",
    "website": "public_page_url",
    "contact_email": "contact_point",
    "scope": "intended_purpose",
    "phase": "lifecycle_stage",
    "human_decisions_and_review": "human_oversight",
    "external_supplier": "vendor",
}
ATRS_PHASE = {
    "Pre-deployment": "in_development",
    "Beta/Pilot": "testing",
    "Beta": "testing",
    "Pilot": "testing",
    "Production": "in_production",
    "Retired": "retired",
}


def _atrs_preset() -> dict:
    columns = {"Source ID": "reference"}
    for key, field in ATRS_FIELDS.items():
        columns[uk_atrs.heading(uk_atrs.BY_KEY[key])] = field
    return {
        "name": f"UK ATRS v{uk_atrs.TEMPLATE_VERSION} (Annex ATRS export headings)",
        "columns": columns,
        "values": {"lifecycle_stage": dict(ATRS_PHASE)},
        "defaults": {},
        "tag_separator": ";",
        "match_on": "reference",
    }


PRESETS: dict[str, dict] = {
    "nl-algoritmeregister-v1.0": _nl_preset(
        "Dutch algorithm register v1.0 (property keys)", titles=False
    ),
    "nl-algoritmeregister-v1.0-titles": _nl_preset(
        "Dutch algorithm register v1.0 (Dutch titles)", titles=True
    ),
    "uk-atrs-v3.0": _atrs_preset(),
}
