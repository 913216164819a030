"""Who may do what with assessments, beyond the role table: reads of one's grants and items.

- Officers (roles that both edit and review assessments) run them: create, answer any item,
  plan actions, move the workflow.
- Contributors answer the items assigned to them (Response.owner) and update their actions.
- Auditors read approved assessments they were granted (guardian `view_assessment`).
- Board members see scores only.
"""

from governance.tenancy.roles import Action

VIEW_PERM = "assessments.view_assessment"


def runs_assessments(membership) -> bool:
    return membership.can(Action.EDIT_ASSESSMENTS) and membership.can(Action.REVIEW_ASSESSMENTS)


def reads_all_assessments(membership) -> bool:
    return membership.can(Action.VIEW_ASSESSMENTS)


def reads_granted_only(membership) -> bool:
    return not reads_all_assessments(membership) and membership.can(Action.VIEW_GRANTED_ASSESSMENTS)


def sees_scores_only(membership) -> bool:
    return not reads_all_assessments(membership) and not reads_granted_only(membership)


def can_see_scores(membership) -> bool:
    return reads_all_assessments(membership) or membership.can(Action.VIEW_DASHBOARDS)


def can_answer(membership, response) -> bool:
    """Officers answer any item; a contributor only the items assigned to them."""
    if response.organization_id != membership.organization_id:
        return False
    if runs_assessments(membership):
        return True
    return membership.can(Action.EDIT_ASSESSMENTS) and response.owner_id == membership.user_id


def can_update_action(membership, action) -> bool:
    if action.organization_id != membership.organization_id:
        return False
    if runs_assessments(membership):
        return True
    return membership.can(Action.EDIT_ASSESSMENTS) and action.owner_id == membership.user_id


def member_user_or_none(organization, user):
    """Return the user (given as a User or an id) if they belong to the organisation."""
    from governance.tenancy.models import Membership

    member = (
        Membership.objects.filter(organization=organization, user=user)
        .select_related("user")
        .first()
    )
    return member.user if member else None
