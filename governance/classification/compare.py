"""Compare two classifications of one system: what changed in the answers and in the result."""

from governance.classification import codes

_RESULT_LISTS = ("high_risk_basis", "prohibited_practices", "transparency", "obligations")


def _flat(value, prefix=""):
    """Flatten nested dicts into {"a.b": value} so answers compare key by key."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: value}


def compare(old: dict, new: dict) -> dict:
    """Return the differences between two stored classifications (screening + result).

    `old` and `new` are {"screening": {...}, "result": {...}}. The answer differences say what
    the officer changed; the result differences say what moved; `why` is the rationale of the
    newer version for the rules that fired only there, which is why the tier moved.
    """
    a, b = _flat(old["screening"]), _flat(new["screening"])
    answers = [
        {"key": k, "old": a.get(k), "new": b.get(k)}
        for k in sorted(set(a) | set(b))
        if k != "schema" and a.get(k) != b.get(k)
    ]
    ra, rb = old["result"], new["result"]
    lists = {}
    for key in _RESULT_LISTS:
        before, after = set(ra.get(key, [])), set(rb.get(key, []))
        if before != after:
            sort = codes.article_sort_key if key == "obligations" else str
            lists[key] = {
                "added": sorted(after - before, key=sort),
                "removed": sorted(before - after, key=sort),
            }
    scalars = {
        key: {"old": ra.get(key), "new": rb.get(key)}
        for key in ("tier", "gpai", "derogation_applied", "conformity_route")
        if ra.get(key) != rb.get(key)
    }
    fired_before = {(r["rule"], r["citation"]) for r in ra.get("rationale", [])}
    why = [r for r in rb.get("rationale", []) if (r["rule"], r["citation"]) not in fired_before]
    no_longer = [
        r
        for r in ra.get("rationale", [])
        if (r["rule"], r["citation"])
        not in {(x["rule"], x["citation"]) for x in rb.get("rationale", [])}
    ]
    dates = {
        code: {"old": ra.get("applies_from", {}).get(code), "new": rb["applies_from"][code]}
        for code in rb.get("applies_from", {})
        if code in ra.get("applies_from", {})
        and ra["applies_from"][code] != rb["applies_from"][code]
    }
    return {
        "tier_changed": ra.get("tier") != rb.get("tier"),
        "answers": answers,
        "result": scalars,
        "lists": lists,
        "dates": dates,
        "why": why,
        "no_longer": no_longer,
    }
