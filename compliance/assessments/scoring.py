"""Scores of an assessment: plain data in, plain data out (see SCORING.md for the formula).

Each applicable item earns points between 0 and 1:
- yes 1, partly 0.5, no 0; not applicable is left out of the score;
- maturity 0-5 earns maturity / 5;
- a choice, text, date or number item earns 1 once answered;
- an Annex A control the Statement of Applicability excludes is left out;
- an unanswered item earns 0 and is counted as unanswered.
Score = 100 × points / items counted, per group, per framework and overall.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

PARTLY = 0.5
MAX_MATURITY = 5
# Below this an answer is a gap that calls for an action.
GAP_BELOW = 1.0


@dataclass(frozen=True)
class Item:
    """What scoring needs of one response."""

    group: str
    answer_type: str
    answered: bool
    status: str = ""
    maturity: int | None = None
    soa_applicable: bool | None = None


@dataclass
class Score:
    counted: int = 0
    points: float = 0.0
    answered: int = 0
    unanswered: int = 0
    not_applicable: int = 0
    gaps: int = 0

    @property
    def total(self) -> int:
        return self.counted + self.not_applicable

    @property
    def percent(self) -> float | None:
        return round(100 * self.points / self.counted, 1) if self.counted else None

    @property
    def progress(self) -> int:
        """Share of items answered (not applicable counts as answered), in percent."""
        done = self.answered + self.not_applicable
        return round(100 * done / self.total) if self.total else 100

    def add(self, other: "Score") -> None:
        self.counted += other.counted
        self.points += other.points
        self.answered += other.answered
        self.unanswered += other.unanswered
        self.not_applicable += other.not_applicable
        self.gaps += other.gaps

    def as_dict(self) -> dict:
        out = asdict(self)
        out["points"] = round(self.points, 3)
        out.update(total=self.total, percent=self.percent, progress=self.progress)
        return out


def item_points(item: Item) -> float | None:
    """Return the item's points, or None when it is left out of the score."""
    if item.soa_applicable is False or item.status == "not_applicable":
        return None
    if not item.answered:
        return 0.0
    if item.answer_type == "yes_no_partial":
        return {"yes": 1.0, "partly": PARTLY}.get(item.status, 0.0)
    if item.answer_type == "maturity":
        return min(max(item.maturity or 0, 0), MAX_MATURITY) / MAX_MATURITY
    return 1.0


def score_item(item: Item) -> Score:
    points = item_points(item)
    if points is None:
        return Score(not_applicable=1)
    return Score(
        counted=1,
        points=points,
        answered=int(item.answered),
        unanswered=int(not item.answered),
        gaps=int(item.answered and points < GAP_BELOW),
    )


def score_items(items: Iterable[Item]) -> Score:
    total = Score()
    for item in items:
        total.add(score_item(item))
    return total


def score_by_group(items: Iterable[Item]) -> dict[str, Score]:
    """Return each group's score, in the order the groups first appear."""
    groups: dict[str, Score] = {}
    for item in items:
        groups.setdefault(item.group, Score()).add(score_item(item))
    return groups


def combine(scores: Iterable[Score]) -> Score:
    """Return the score of several assessments or frameworks together (items weigh equally)."""
    total = Score()
    for score in scores:
        total.add(score)
    return total


def by_framework(scored: Iterable[tuple[str, Score]]) -> Mapping[str, Score]:
    """Return one combined score per framework from (framework name, score) pairs."""
    out: dict[str, Score] = {}
    for name, score in scored:
        out.setdefault(name, Score()).add(score)
    return out
