"""When a catalogue item applies: conditions as data, evaluated against facts.

Pure Python, no database. A condition is `None` (the item always applies) or a JSON object
with exactly one key:

| condition | holds when |
|---|---|
| `{"all": [c, ...]}` | every sub-condition holds (an empty list holds) |
| `{"any": [c, ...]}` | at least one sub-condition holds (an empty list does not) |
| `{"not": c}` | the sub-condition does not hold |
| `{"annex_iii_point_in": [p, ...]}` | one of the system's Annex III points matches a `p` |
| `{"annex_iii_point_not_in": [p, ...]}` | the system has an Annex III point matching no `p` |
| `{"role_in": [r, ...]}` | the organisation's role is one of these (screening role codes) |
| `{"tier_in": [t, ...]}` | the risk tier is one of these |
| `{"conformity_route_in": [r, ...]}` | the conformity route is one of these |
| `{"annex_i_legislation_in": [c, ...]}` | the Annex I legislation code is one of these |
| `{"prohibited_practice_in": [p, ...]}` | one of the system's Art. 5 practices is listed |
| `{"obligation_in": [code, ...]}` | one of these obligation codes applies to the system |
| `{"<flag>": true or false}` | the boolean fact `<flag>` (see `FLAGS`) has this value |

An Annex III pattern `p` is a code of the screening contract (`annex_iii_1_a`, `annex_iii_2`)
or a prefix ending at an area (`annex_iii_1` matches `annex_iii_1_a`, `_b`, `_c`;
`annex_iii` matches every point). `annex_iii_point_not_in: ["annex_iii_2"]` reads "an Annex III
point other than point 2" (Art. 27(1), Art. 49(1)); "no point of the list" is written
`{"not": {"annex_iii_point_in": [...]}}`.

Facts are a plain dict built by `facts_from_classification` (keys in `FACT_KEYS`). A fact
that is missing counts as false (or as no value): the screening's facts are always answered.

A flag that is present and None is *not stated* (the register's data flags: a user, a file or a
model card did not say). It is unknown, not false: conditions are read in three-valued logic
(`condition_value`), and an item whose condition depends on an unknown fact is kept in
(`condition_holds`), so a duty is never left out on a guess; `unknown_flags` names the facts
to state. An officer can still answer "not applicable" with a reason on an item that is in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Boolean facts a `{"<flag>": bool}` condition may test, with where each comes from.
FLAGS: dict[str, str] = {
    "acts_as_provider": "the organisation acts as provider (provider, product manufacturer, "
    "or Art. 25(1) for a high-risk system)",
    "established_in_eu": "screening: established_in_eu",
    "annex_i": "screening: the system is (a safety component of) an Annex I product",
    "derogation_applied": "classification: Art. 6(3) derogation applied",
    "profiling": "screening: profiling of natural persons",
    "public_service_deployer": "screening: public body or private entity providing public "
    "services (Art. 27)",
    "public_authority": "screening: public authority or Union body, or acting on their behalf "
    "(Art. 26(8), Art. 49(3))",
    "gpai": "classification: the organisation provides a general-purpose AI model",
    "open_source": "screening: the general-purpose AI model is free and open-source (Art. 53(2))",
    "systemic_risk": "classification: the model has systemic risk (Art. 51)",
    "personal_data": "system: processes personal data",
    "biometric_data": "system: processes biometric data",
    "special_category_data": "system: processes special categories of personal data (GDPR Art. 9)",
    "affects_children": "system: children are among the persons affected",
    "affects_employees": "system: employees or applicants are among the persons affected "
    "(Art. 26(7))",
    # Facts no screening records yet: false until an assessment asks for them.
    "financial_institution": "extra question: a financial institution under EU "
    "financial-services governance rules (Arts. 17(4), 18(3), 19(2), 26(5), 72(4))",
    "ai_office_competence": "extra question: the system falls under the AI Office's exclusive "
    "competence (Art. 75(1), 75(1a))",
    "interacts_with_persons": "screening transparency fact (Art. 50(1))",
    "synthetic_content": "screening transparency fact (Art. 50(2))",
    "emotion_recognition_or_biometric_categorisation": "screening transparency fact (Art. 50(3))",
    "deep_fake": "screening transparency fact (Art. 50(4))",
    "public_interest_text": "screening transparency fact (Art. 50(4))",
    "human_editorial_control": "screening transparency fact (Art. 50(4))",
}

# List conditions: condition key -> fact key holding the value tested (a string, or a list
# of which one must be listed).
LISTS: dict[str, str] = {
    "role_in": "role",
    "tier_in": "tier",
    "conformity_route_in": "conformity_route",
    "annex_i_legislation_in": "annex_i_legislation",
    "prohibited_practice_in": "prohibited_practices",
    "obligation_in": "obligations",
}

ANNEX_III_KEYS = ("annex_iii_point_in", "annex_iii_point_not_in")
COMBINATORS = ("all", "any", "not")

# Every key of the facts dict.
FACT_KEYS = (*FLAGS, *LISTS.values(), "annex_iii", "high_risk_basis")

MAX_DEPTH = 8
MAX_NODES = 200

_PROVIDER_ROLES = frozenset({"provider", "product_manufacturer"})
_TRANSPARENCY = (
    "interacts_with_persons",
    "synthetic_content",
    "emotion_recognition_or_biometric_categorisation",
    "deep_fake",
    "public_interest_text",
    "human_editorial_control",
)


class ConditionError(ValueError):
    """A condition that is not well formed; `path` says where, e.g. `all[1].role_in`."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


def _matches(point: str, pattern: str) -> bool:
    return point == pattern or point.startswith(pattern + "_")


def condition_holds(condition: object, facts: Mapping) -> bool:
    """Return whether the condition holds, or may hold, for the facts (`None` always holds).

    A condition that depends on a fact not stated (None) may hold: the item is kept in rather
    than left out on a guess. The condition must be well formed (see `validate_condition`); a
    malformed one raises `ConditionError` rather than silently including or leaving out an item.
    """
    return condition_value(condition, facts) is not False


def condition_value(condition: object, facts: Mapping) -> bool | None:
    """Return True or False, or None when the answer depends on a fact not stated.

    Three-valued (Kleene) logic: `all` is false if any part is false, `any` true if any part
    is true, `not` of unknown is unknown.
    """
    if condition is None:
        return True
    if not isinstance(condition, Mapping) or len(condition) != 1:
        raise ConditionError("", "a condition is an object with exactly one key")
    ((key, value),) = condition.items()
    if key in COMBINATORS:
        return _combine(key, value, facts)
    if key in ANNEX_III_KEYS:
        points = list(facts.get("annex_iii") or ())
        hits = [any(_matches(p, pattern) for pattern in value) for p in points]
        return any(hits) if key == "annex_iii_point_in" else not all(hits)
    if key in LISTS:
        fact = facts.get(LISTS[key])
        if isinstance(fact, (list, tuple, set, frozenset)):
            return any(v in fact for v in value)
        return fact in value
    if key in FLAGS:
        if key in facts and facts[key] is None:
            return None
        return bool(facts.get(key, False)) is value
    raise ConditionError(key, "unknown condition")


def _combine(key: str, value, facts: Mapping) -> bool | None:
    if key == "not":
        inner = condition_value(value, facts)
        return None if inner is None else not inner
    results = [condition_value(c, facts) for c in value]
    decisive = key == "any"  # the value that settles the combination on its own
    if any(r is decisive for r in results):
        return decisive
    if any(r is None for r in results):
        return None
    return not decisive


def unknown_flags(condition: object, facts: Mapping) -> list[str]:
    """Return the flags the condition tests that are not stated (None) in the facts, in order."""
    found: list[str] = []
    _collect_flags(condition, found)
    return [flag for flag in dict.fromkeys(found) if flag in facts and facts[flag] is None]


def _collect_flags(condition: object, found: list[str]) -> None:
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return
    ((key, value),) = condition.items()
    if key in ("all", "any"):
        for sub in value:
            _collect_flags(sub, found)
    elif key == "not":
        _collect_flags(value, found)
    elif key in FLAGS:
        found.append(key)


def validate_condition(condition: object, path: str = "") -> None:
    """Raise `ConditionError` naming the place if the condition is not well formed."""
    counter = [0]
    _validate(condition, path, 0, counter)


def _validate(condition: object, path: str, depth: int, counter: list[int]) -> None:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise ConditionError(path, f"more than {MAX_NODES} conditions")
    if depth > MAX_DEPTH:
        raise ConditionError(path, f"nested deeper than {MAX_DEPTH} levels")
    if condition is None and depth == 0:
        return
    if not isinstance(condition, Mapping) or len(condition) != 1:
        raise ConditionError(path, "a condition is an object with exactly one key")
    ((key, value),) = condition.items()
    here = f"{path}.{key}" if path else str(key)
    if key in ("all", "any"):
        if not isinstance(value, list):
            raise ConditionError(here, "expects a list of conditions")
        for i, sub in enumerate(value):
            _validate(sub, f"{here}[{i}]", depth + 1, counter)
    elif key == "not":
        _validate(value, here, depth + 1, counter)
    elif key in ANNEX_III_KEYS or key in LISTS:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ConditionError(here, "expects a non-empty list of strings")
        if key in ANNEX_III_KEYS:
            bad = [v for v in value if not (v == "annex_iii" or v.startswith("annex_iii_"))]
            if bad:
                raise ConditionError(here, f"not an Annex III code: {bad[0]!r}")
    elif key in FLAGS:
        if not isinstance(value, bool):
            raise ConditionError(here, "expects true or false")
    else:
        known = ", ".join([*COMBINATORS, *ANNEX_III_KEYS, *LISTS, *sorted(FLAGS)])
        raise ConditionError(here, f"unknown condition; expected one of: {known}")


def facts_from_classification(
    screening: Mapping, result: Mapping, system: object | None = None
) -> dict:
    """Build the facts of one system from its screening, its classification and the system.

    `screening` is the normalised input (schema `eu-ai-act-screening/1`), `result` the output
    (`eu-ai-act-classification/1`); `system` is anything with the register's attributes
    (`processes_personal_data`, `processes_biometric_data`, `processes_special_categories`,
    `affected_persons`), read with getattr, or None. A data flag the system leaves None stays
    None (not stated). No database access.
    """
    role = screening.get("role")
    tier = result.get("tier")
    gpai_model = screening.get("gpai") or {}
    transparency = screening.get("transparency") or {}
    affected = _as_list(getattr(system, "affected_persons", None))
    annex_i = screening.get("annex_i") or {}
    facts = {
        "role": role,
        "tier": tier,
        "conformity_route": result.get("conformity_route"),
        "annex_iii": list(screening.get("annex_iii") or ()),
        "high_risk_basis": list(result.get("high_risk_basis") or ()),
        "acts_as_provider": role in _PROVIDER_ROLES
        or (bool(screening.get("art_25_trigger")) and tier == "high_risk"),
        "established_in_eu": bool(screening.get("established_in_eu")),
        "annex_i": bool(annex_i),
        "annex_i_legislation": annex_i.get("legislation"),
        "prohibited_practices": list(result.get("prohibited_practices") or ()),
        "obligations": list(result.get("obligations") or ()),
        "derogation_applied": bool(result.get("derogation_applied")),
        "profiling": bool(screening.get("profiling")),
        "public_service_deployer": bool(screening.get("public_service_deployer"))
        or bool(screening.get("public_authority")),
        "public_authority": bool(screening.get("public_authority")),
        "gpai": result.get("gpai") not in (None, "none"),
        "open_source": bool(gpai_model.get("open_source")),
        "systemic_risk": result.get("gpai") == "gpai_systemic_risk",
        # None when the register does not state the fact: unknown, never "no".
        "personal_data": _stated(system, "processes_personal_data"),
        "biometric_data": _stated(system, "processes_biometric_data"),
        "special_category_data": _stated(system, "processes_special_categories"),
        "affects_children": "children" in affected,
        "affects_employees": "employees" in affected,
    }
    for key in _TRANSPARENCY:
        facts[key] = bool(transparency.get(key))
    return facts


def _stated(system: object | None, attribute: str) -> bool | None:
    """Return the system's yes/no fact, None when it is not stated (no system: False)."""
    value = getattr(system, attribute, False)
    return None if value is None else bool(value)


def _as_list(value: object) -> list:
    return list(value) if isinstance(value, Iterable) and not isinstance(value, str) else []
