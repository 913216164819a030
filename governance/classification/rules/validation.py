"""Check a screening against the contract (`eu-ai-act-screening/1`) and normalise it.

Every problem is collected, each starting with the key it concerns ("annex_i.legislation: ..."),
so the command prints them all, the API returns them keyed by field and the web puts each one
next to its question.
"""

from __future__ import annotations

import math

from .. import codes
from . import tables as T

_MISSING = object()


class ScreeningInvalid(ValueError):
    """Raise when a screening breaks the contract; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid screening: " + "; ".join(self.problems))


def _show(value: object) -> str:
    """Render a JSON value for a problem message, short."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (str, int, float)):
        text = repr(value)
    elif isinstance(value, dict):
        return "an object"
    elif isinstance(value, list):
        return "a list"
    else:
        return type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _bool(data: dict, key: str, label: str, problems: list[str]) -> bool:
    value = data.get(key, False)
    if value is True or value is False:
        return value
    problems.append(f"{label}: must be true or false, got {_show(value)}")
    return False


def _choice(
    data: dict, key: str, allowed: frozenset[str], problems: list[str], *, nullable: bool
) -> tuple[str | None, bool]:
    """Return (value, ok) for a code, or null where the contract allows it."""
    value = data.get(key)
    if value is None:
        return None, True
    if type(value) is not str:
        kind = "null or a code" if nullable else "a code"
        problems.append(f"{key}: must be {kind} (a string), got {_show(value)}")
        return None, False
    if value not in allowed:
        problems.append(f"{key}: unknown code {_show(value)}")
        return None, False
    return value, True


def _codes(
    data: dict, key: str, allowed: frozenset[str], problems: list[str]
) -> tuple[list[str], bool]:
    """Return (sorted unique codes, ok) for a list of codes."""
    value = data.get(key, _MISSING)
    if value is _MISSING or (type(value) is list and not value):
        return [], True
    if type(value) is not list:
        problems.append(f"{key}: must be a list of codes, got {_show(value)}")
        return [], False
    try:
        unique = set(value)
    except TypeError:
        unique = None
    if unique is not None and unique <= allowed:
        return sorted(unique), True
    good: set[str] = set()
    seen_bad: set[str] = set()
    for i, item in enumerate(value):
        if type(item) is not str:
            problems.append(f"{key}: item {i} must be a code (a string), got {_show(item)}")
        elif item in allowed:
            good.add(item)
        elif item not in seen_bad:
            seen_bad.add(item)
            problems.append(f"{key}: unknown code {_show(item)}")
    return sorted(good), False


def _unknown_keys(value: dict, allowed: frozenset[str], prefix: str, problems: list[str]) -> None:
    if value.keys() <= allowed:
        return
    for key in sorted((k for k in value if k not in allowed), key=str):
        problems.append(f"{prefix}{key}: unknown key")


def _required(data: dict, problems: list[str]) -> tuple[str | None, bool]:
    """Check `schema`, `role` and `is_ai_system`; return (role, is_ai_system)."""
    schema = data.get("schema", _MISSING)
    if schema is _MISSING:
        problems.append("schema: required")
    elif schema != T.SCHEMA_IN:
        problems.append(f"schema: must be {T.SCHEMA_IN!r}, got {_show(schema)}")

    if "role" not in data:
        problems.append("role: required")
        role = None
    elif data["role"] is None:
        problems.append("role: must be a code (a string), got null")
        role = None
    else:
        role, _ = _choice(data, "role", T.ROLES, problems, nullable=False)

    if "is_ai_system" in data:
        is_ai_system = _bool(data, "is_ai_system", "is_ai_system", problems)
    else:
        problems.append("is_ai_system: required")
        is_ai_system = False
    return role, is_ai_system


def _annex_i(data: dict, problems: list[str]) -> dict | None:
    annex_i = data.get("annex_i")
    if annex_i is None:
        return None
    if type(annex_i) is not dict:
        problems.append(
            "annex_i: must be null or an object with legislation and "
            f"third_party_conformity_assessment, got {_show(annex_i)}"
        )
        return None
    _unknown_keys(annex_i, T.ANNEX_I_KEYS, "annex_i.", problems)
    legislation = annex_i.get("legislation")
    if legislation is None:
        problems.append("annex_i.legislation: required when annex_i is given")
    elif type(legislation) is not str:
        problems.append(f"annex_i.legislation: must be a code (a string), got {_show(legislation)}")
        legislation = None
    elif legislation not in T.ANNEX_I:
        problems.append(f"annex_i.legislation: unknown code {_show(legislation)}")
        legislation = None
    third_party = _bool(
        annex_i,
        "third_party_conformity_assessment",
        "annex_i.third_party_conformity_assessment",
        problems,
    )
    return {"legislation": legislation, "third_party_conformity_assessment": third_party}


def _transparency(data: dict, problems: list[str]) -> dict[str, bool]:
    # null is the neutral value of an object key (the contract: "false, null or empty list").
    raw = data.get("transparency")
    if raw is None:
        return dict.fromkeys(T.TRANSPARENCY_KEYS, False)
    if type(raw) is not dict:
        problems.append(f"transparency: must be an object of true/false facts, got {_show(raw)}")
        return dict.fromkeys(T.TRANSPARENCY_KEYS, False)
    _unknown_keys(raw, T.TRANSPARENCY_KEYSET, "transparency.", problems)
    facts = {}
    for key in T.TRANSPARENCY_KEYS:
        value = raw.get(key, False)
        if value is True or value is False:
            facts[key] = value
        else:
            problems.append(f"transparency.{key}: must be true or false, got {_show(value)}")
            facts[key] = False
    return facts


def _gpai(data: dict, problems: list[str]) -> dict | None:
    gpai = data.get("gpai")
    if gpai is None:
        return None
    if type(gpai) is not dict:
        problems.append(
            "gpai: must be null or an object with training_flops, commission_designated "
            f"and open_source, got {_show(gpai)}"
        )
        return None
    _unknown_keys(gpai, T.GPAI_KEYS, "gpai.", problems)
    flops = gpai.get("training_flops")
    kind = type(flops)
    if flops is None:
        pass  # unknown compute: the Art. 51(2) presumption cannot fire
    elif kind is not int and kind is not float:
        problems.append(f"gpai.training_flops: must be a number, got {_show(flops)}")
        flops = None
    elif kind is float and not math.isfinite(flops):
        problems.append(f"gpai.training_flops: must be a finite number, got {flops!r}")
        flops = None
    elif flops < 0:
        problems.append(f"gpai.training_flops: must not be negative, got {flops!r}")
        flops = None
    return {
        "training_flops": flops,
        "commission_designated": _bool(
            gpai, "commission_designated", "gpai.commission_designated", problems
        ),
        "open_source": _bool(gpai, "open_source", "gpai.open_source", problems),
    }


def _public_deployer(data: dict, problems: list[str]) -> tuple[bool, bool]:
    """Return (public_service_deployer, public_authority).

    A public authority, Union institution, body, office or agency (Art. 26(8), Art. 49(3)) is a
    body governed by public law (Art. 27(1)): `public_authority` implies
    `public_service_deployer`, which is filled in when left out and contradicts an explicit
    false.
    """
    public_service = _bool(data, "public_service_deployer", "public_service_deployer", problems)
    authority = _bool(data, "public_authority", "public_authority", problems)
    if authority and not public_service:
        if data.get("public_service_deployer", _MISSING) is False:
            problems.append(
                "public_authority: a public authority or Union body is a body governed by "
                "public law (Art. 27(1)), but public_service_deployer is false"
            )
        else:
            public_service = True
    return public_service, authority


def _derogation_needs_annex_iii(conditions: list, annex_iii: list, problems: list[str]) -> None:
    """Art. 6(3): the derogation is only for systems referred to in Annex III."""
    if conditions and not annex_iii:
        problems.append(
            "art_6_3_conditions: a derogation is claimed but no Annex III point is given "
            "(Art. 6(3) only applies to Annex III systems)"
        )


def _exception_needs_its_practice(
    exception: str | None, practices: list, problems: list[str]
) -> None:
    """Art. 5(1)(f), (g), (h): each exception belongs to one practice, which must be listed."""
    if exception is None:
        return
    practice = T.EXCEPTION_PRACTICE[exception]
    if practice not in practices:
        problems.append(
            f"prohibited_exception: {exception!r} is an exception to "
            f"{codes.PROHIBITED_PRACTICES[practice].citation} ({practice}), which is not "
            "listed in prohibited_practices"
        )


def validate_screening(data: object) -> dict:
    """Check a screening against the contract and return it normalised.

    The result has every key of the contract, with the neutral value (false, null or empty
    list) for a key left out (`public_service_deployer` is true when `public_authority` is);
    lists are de-duplicated and sorted. Raise `ScreeningInvalid` naming every problem, each
    starting with the key it concerns.
    """
    if type(data) is not dict:
        raise ScreeningInvalid([f"screening: must be a JSON object, got {_show(data)}"])
    problems: list[str] = []
    _unknown_keys(data, T.KEYS, "", problems)
    role, is_ai_system = _required(data, problems)
    eu_nexus = _bool(data, "eu_nexus", "eu_nexus", problems)
    established = _bool(data, "established_in_eu", "established_in_eu", problems)
    exclusion, _ = _choice(data, "scope_exclusion", T.SCOPE_EXCLUSIONS, problems, nullable=True)
    practices, practices_ok = _codes(data, "prohibited_practices", T.PRACTICES, problems)
    exception, exception_ok = _choice(
        data, "prohibited_exception", T.EXCEPTIONS, problems, nullable=True
    )
    annex_i = _annex_i(data, problems)
    annex_iii, annex_iii_ok = _codes(data, "annex_iii", T.ANNEX_III, problems)
    conditions, conditions_ok = _codes(data, "art_6_3_conditions", T.CONDITIONS, problems)
    profiling = _bool(data, "profiling", "profiling", problems)
    trigger = _bool(data, "art_25_trigger", "art_25_trigger", problems)
    public_service, authority = _public_deployer(data, problems)
    transparency = _transparency(data, problems)
    gpai = _gpai(data, problems)

    # Contradictions: an answer that qualifies another answer which is absent. Each check
    # needs both answers readable, so a wrong type is not reported twice.
    if conditions_ok and annex_iii_ok:
        _derogation_needs_annex_iii(conditions, annex_iii, problems)
    if exception_ok and practices_ok:
        _exception_needs_its_practice(exception, practices, problems)
    if problems:
        raise ScreeningInvalid(problems)
    return {
        "schema": T.SCHEMA_IN,
        "role": role,
        "is_ai_system": is_ai_system,
        "eu_nexus": eu_nexus,
        "established_in_eu": established,
        "scope_exclusion": exclusion,
        "prohibited_practices": practices,
        "prohibited_exception": exception,
        "annex_i": annex_i,
        "annex_iii": annex_iii,
        "art_6_3_conditions": conditions,
        "profiling": profiling,
        "art_25_trigger": trigger,
        "public_service_deployer": public_service,
        "public_authority": authority,
        "transparency": transparency,
        "gpai": gpai,
    }
