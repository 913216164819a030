"""Art. 73 reporting clocks: plain data in, a due date out (R.5.1, R.5.2 of the catalogue).

Art. 73(2): at the latest 15 days after the provider (or deployer) became aware;
Art. 73(3): 2 days for a widespread infringement (Art. 3(61)) or a serious and irreversible
disruption of critical infrastructure (Art. 3(49)(b));
Art. 73(4): 10 days for the death of a person.
Where several apply, the earliest date is due (R.5.2 rule 1). Days are calendar days, counted
from the day of awareness, with no extension for weekends or holidays (R.5.2 rule 3). The day
count is a ceiling: the Act asks for a report "immediately" once the causal link is
established or, for a death, suspected.
"""

from collections.abc import Iterable
from datetime import date, timedelta

DEATH = "death"
WIDESPREAD_INFRINGEMENT = "widespread_infringement"
CRITICAL_INFRASTRUCTURE = "critical_infrastructure"
OTHER_SERIOUS = "other_serious"

# kind → (days, the rule that sets them)
CLOCKS: dict[str, tuple[int, str]] = {
    DEATH: (10, "Art. 73(4)"),
    WIDESPREAD_INFRINGEMENT: (2, "Art. 73(3)"),
    CRITICAL_INFRASTRUCTURE: (2, "Art. 73(3)"),
    OTHER_SERIOUS: (15, "Art. 73(2)"),
}
KINDS = tuple(CLOCKS)


class UnknownKind(ValueError):
    pass


def days_for(kinds: Iterable[str]) -> tuple[int, str]:
    """Return (days, rule) of the shortest clock among the kinds; 15 days when none is named.

    Art. 73(2) is the general rule: every serious incident is at least reportable within 15
    days, so an empty list falls back to it.
    """
    best = CLOCKS[OTHER_SERIOUS]
    for kind in kinds:
        if kind not in CLOCKS:
            raise UnknownKind(f"Unknown incident kind: {kind!r}.")
        if CLOCKS[kind][0] < best[0]:
            best = CLOCKS[kind]
    return best


def report_due(aware_at: date, kinds: Iterable[str]) -> date:
    """Return the latest day the report may be sent: awareness day + the shortest clock."""
    days, _rule = days_for(kinds)
    return aware_at + timedelta(days=days)


def days_left(due: date, today: date) -> int:
    """Return the days from today to the due date; negative once overdue."""
    return (due - today).days


def is_overdue(due: date, today: date, *, reported: bool) -> bool:
    """Overdue: the due day has passed and no report went out."""
    return not reported and today > due
