"""The questionnaire's steps: which apply, where the officer is, where each button leads.

One home for the step logic of the web questionnaire, so the stepper, the "Step n of m"
counter, the first open step and the Back/Continue targets cannot disagree. Pure functions over
`questions.STEPS` and flat answers; no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import questions

REVIEW = "review"
# Short names for the stepper; the page heading uses the step's full title.
SHORT_TITLES = {
    "organisation": "Role",
    "scope": "Scope",
    "prohibited": "Prohibited",
    "product_safety": "Annex I",
    "annex_iii": "Annex III",
    "derogation": "Art. 6(3)",
    "transparency": "Transparency",
    "gpai": "GPAI model",
}


@dataclass(frozen=True, slots=True)
class StepItem:
    """One entry of the step bar."""

    slug: str
    title: str
    state: str  # "current", "error", "done" or ""
    missing: int
    complete: bool


def visible_steps(answers: dict) -> list[questions.Step]:
    """Return the steps that apply given the answers, in order."""
    return [step for step in questions.STEPS if step.visible(answers)]


def step_missing(step: questions.Step, answers: dict, missing: set[str]) -> list[str]:
    """Return the keys of the step's visible questions that still need an answer."""
    return [q.key for q in step.questions if q.visible(answers) and q.key in missing]


def bar(answers: dict, current: str, *, tried: bool) -> list[StepItem]:
    """Return the step bar: every visible step, then the review, with each one's state.

    `tried` is True once the officer has reached the review: from then on a step with
    unanswered questions shows as an error.
    """
    missing = set(questions.missing_required(answers))
    items = []
    for step in visible_steps(answers):
        open_keys = step_missing(step, answers, missing)
        if step.slug == current:
            state = "current"
        elif tried and open_keys:
            state = "error"
        elif not open_keys:
            state = "done"
        else:
            state = ""
        items.append(
            StepItem(
                slug=step.slug,
                title=SHORT_TITLES.get(step.slug, step.title),
                state=state,
                missing=len(open_keys),
                complete=not open_keys,
            )
        )
    items.append(
        StepItem(
            slug=REVIEW,
            title="Review",
            state="current" if current == REVIEW else "",
            missing=0,
            complete=False,
        )
    )
    return items


def position(answers: dict, current: str) -> tuple[int, int]:
    """Return (n, m) for "Step n of m": the same count as the step bar, review included."""
    slugs = [s.slug for s in visible_steps(answers)] + [REVIEW]
    number = slugs.index(current) + 1 if current in slugs else 1
    return number, len(slugs)


def first_open_step(answers: dict) -> questions.Step:
    """Return the first step with a question still to answer (the first step when none is)."""
    steps = visible_steps(answers)
    missing = set(questions.missing_required(answers))
    for step in steps:
        if step_missing(step, answers, missing):
            return step
    return steps[0]


def target(answers: dict, current: str, nav: str, *, appeared: bool = False) -> str:
    """Return the slug a button leads to from the `current` step after its answers are saved.

    `nav` is "next", "back", "stay" or "review". `appeared` says that the answers just sent
    brought up new questions on the same step: Continue then stays so they can be answered.
    """
    slugs = [s.slug for s in visible_steps(answers)]
    index = slugs.index(current) if current in slugs else 0
    if nav == "back":
        return slugs[max(index - 1, 0)]
    if nav == "stay" or (nav == "next" and appeared):
        return current if current in slugs else slugs[index]
    if nav == REVIEW or index + 1 >= len(slugs):
        return REVIEW
    return slugs[index + 1]
