"""The workflow table, the scoring formula, and bringing an assessment up to date."""

import pytest
from django_scopes import scopes_disabled

from compliance.assessments import scoring, services, workflow
from compliance.assessments.models import AssessmentStatus as S
from compliance.assessments.models import Response
from governance.classification import services as classification_services
from governance.tenancy.roles import Action, Role, role_can

from .conftest import CV_DEPLOYER

EXPECTED = {
    (S.DRAFT, "start"): S.IN_PROGRESS,
    (S.DRAFT, "submit"): S.IN_REVIEW,
    (S.IN_PROGRESS, "submit"): S.IN_REVIEW,
    (S.IN_REVIEW, "return"): S.IN_PROGRESS,
    (S.IN_REVIEW, "approve"): S.APPROVED,
    (S.APPROVED, "reopen"): S.IN_PROGRESS,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", workflow.ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_every_move_of_the_table(status, action, role):
    target = EXPECTED.get((status, action))
    if target is None:
        with pytest.raises(workflow.TransitionInvalid):
            workflow.find_move(status, action, role)
        return
    officers = (Role.OWNER, Role.ADMIN, Role.COMPLIANCE_OFFICER)
    if action == "reopen":
        allowed = role in (Role.OWNER, Role.ADMIN)
    elif action in ("start", "submit"):
        # Integrations move work along; a person returns, approves and reopens it.
        allowed = role in (*officers, Role.SERVICE_ACCOUNT)
    else:
        allowed = role in officers
    if allowed:
        assert workflow.find_move(status, action, role).target == target
    else:
        with pytest.raises(workflow.TransitionForbidden):
            workflow.find_move(status, action, role)


def test_approvers_are_roles_that_may_review():
    for move in workflow.MOVES:
        assert all(role_can(r, Action.REVIEW_ASSESSMENTS) for r in move.roles)


def test_an_unknown_action_is_invalid():
    with pytest.raises(workflow.TransitionInvalid):
        workflow.find_move(S.DRAFT, "delete", Role.OWNER)


def _item(status="", answer_type="yes_no_partial", answered=True, **kw):
    return scoring.Item("g", answer_type, answered, status, **kw)


def test_scoring_formula():
    items = [
        _item("yes"),
        _item("partly"),
        _item("no"),
        _item("not_applicable"),
        _item(answered=False),
        _item(answer_type="maturity", maturity=3),
        _item(answer_type="text"),
        _item("yes", soa_applicable=False),
    ]
    score = scoring.score_items(items)
    assert score.counted == 6 and score.not_applicable == 2 and score.unanswered == 1
    assert score.points == pytest.approx(1 + 0.5 + 0 + 0 + 0.6 + 1)
    assert score.percent == round(100 * 3.1 / 6, 1)
    assert score.gaps == 3  # partly, no, maturity 3


def test_scores_per_group_and_combined():
    items = [
        scoring.Item("a", "yes_no_partial", True, "yes"),
        scoring.Item("b", "yes_no_partial", True, "no"),
    ]
    groups = scoring.score_by_group(items)
    assert groups["a"].percent == 100 and groups["b"].percent == 0
    assert scoring.combine(groups.values()).percent == 50
    assert scoring.score_items([]).percent is None


def test_a_changed_classification_shows_added_and_dropped_items_and_keeps_answers(
    world, classified
):
    system = classified(CV_DEPLOYER)
    with scopes_disabled():
        assessment = services.create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug="eu-ai-act",
            system=system,
        )
        kept = Response.objects.filter(
            assessment=assessment, requirement__obligation="art_4"
        ).first()
        services.answer_response(
            response=kept, acting=world.alice_membership, version=1, data={"status": "yes"}
        )
        dropped = Response.objects.filter(
            assessment=assessment, requirement__obligation="art_26"
        ).first()
        services.answer_response(
            response=dropped, acting=world.alice_membership, version=1, data={"status": "partly"}
        )
        assert services.pending_changes(assessment) is None
        # The officer finds the system is provided by the organisation itself.
        classification_services.classify_system(
            system=system,
            acting=world.alice_membership,
            screening={**CV_DEPLOYER, "role": "provider"},
        )
        pending = services.pending_changes(assessment)
        assert any(r.obligation == "art_9" for r in pending["added"])
        assert any(r.requirement.obligation == "art_26" for r in pending["dropped"])
        summary = services.bring_up_to_date(assessment=assessment, acting=world.alice_membership)
        assert summary["added"] and summary["dropped"]
        assert services.pending_changes(assessment) is None
        kept.refresh_from_db()
        dropped.refresh_from_db()
        assert kept.status == "yes" and kept.retired_at is None
        assert dropped.status == "partly" and dropped.retired_at is not None
        assert assessment.classification.version == 2
