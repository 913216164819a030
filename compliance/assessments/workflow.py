"""The review workflow of an assessment: one table of allowed moves and who may make them.

draft → in_progress → in_review → approved (locked) → reopened (back to in_progress, with a
reason, by an owner or admin). `services.transition_assessment` is the only reader.
"""

from dataclasses import dataclass

from governance.tenancy.roles import Role

from .models import AssessmentStatus as S

_OFFICERS = frozenset({Role.OWNER, Role.ADMIN, Role.COMPLIANCE_OFFICER})
_OWNERS = frozenset({Role.OWNER, Role.ADMIN})
# An integration (API token) may move work along, never approve or reopen it: a person does.
_WORKERS = _OFFICERS | {Role.SERVICE_ACCOUNT}


@dataclass(frozen=True)
class Move:
    action: str
    source: str
    target: str
    roles: frozenset
    label: str
    needs_reason: bool = False


MOVES: tuple[Move, ...] = (
    Move("start", S.DRAFT, S.IN_PROGRESS, _WORKERS, "Start"),
    Move("submit", S.DRAFT, S.IN_REVIEW, _WORKERS, "Submit for review"),
    Move("submit", S.IN_PROGRESS, S.IN_REVIEW, _WORKERS, "Submit for review"),
    Move("return", S.IN_REVIEW, S.IN_PROGRESS, _OFFICERS, "Return for changes"),
    # ISO/IEC 42001 9.3 and the AI Act's accountability: a reviewer approves and locks it.
    Move("approve", S.IN_REVIEW, S.APPROVED, _OFFICERS, "Approve and lock"),
    Move("reopen", S.APPROVED, S.IN_PROGRESS, _OWNERS, "Reopen", needs_reason=True),
)

ACTIONS = tuple(dict.fromkeys(m.action for m in MOVES))


class TransitionInvalid(Exception):
    """No such move from the current status (HTTP 400)."""


class TransitionForbidden(Exception):
    """The move exists, but not for this role (HTTP 403)."""


def find_move(status: str, action: str, role: str) -> Move:
    """Return the move `action` from `status` for `role`, or raise why it is not allowed."""
    if action not in ACTIONS:
        raise TransitionInvalid(
            f"Unknown action “{action}”. Expected one of: {', '.join(ACTIONS)}."
        )
    move = next((m for m in MOVES if m.source == status and m.action == action), None)
    if move is None:
        label = S(status).label.lower()
        raise TransitionInvalid(f"An assessment that is {label} cannot be sent to “{action}”.")
    if role not in move.roles:
        raise TransitionForbidden(f"Your role does not allow “{move.label}”.")
    return move


def available_moves(status: str, role: str) -> list[Move]:
    """Return the moves the role may make from the status (for buttons)."""
    return [m for m in MOVES if m.source == status and role in m.roles]
