"""The 5×5 risk matrix: likelihood × impact, each 1-5, scored 1-25 (ISO/IEC 42001 6.1.2).

Bands (the organisation-level risk criteria of 42001 6.1.1, fixed here until organisations
set their own): low 1-4, medium 5-9, high 10-16, critical 17-25. A residual risk in the high or
critical band may only be accepted by an approver other than the owner (Art. 9(5)).
"""

SCALE = range(1, 6)
BANDS = (("low", 1, 4), ("medium", 5, 9), ("high", 10, 16), ("critical", 17, 25))
LABELS = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
HIGH_FROM = 10


def score(likelihood: int | None, impact: int | None) -> int | None:
    if likelihood is None or impact is None:
        return None
    return int(likelihood) * int(impact)


def level(likelihood: int | None, impact: int | None) -> str:
    """Return the band of a likelihood × impact pair ("" when one is missing)."""
    value = score(likelihood, impact)
    if value is None:
        return ""
    for name, low, high in BANDS:
        if low <= value <= high:
            return name
    raise ValueError(f"Score {value} is outside 1-25.")


def is_high(likelihood: int | None, impact: int | None) -> bool:
    value = score(likelihood, impact)
    return value is not None and value >= HIGH_FROM
