"""Roles and what each may do: the one place that maps roles to permissions.

Views, API permissions, templates and tests all ask `role_can(role, action)`; nothing else
decides by role name. Object-level grants (a contributor's own systems) go through
django-guardian inside one organisation, see `governance.tenancy.permissions`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    COMPLIANCE_OFFICER = "compliance_officer", _("Compliance officer")
    CONTRIBUTOR = "contributor", _("Contributor")
    AUDITOR = "auditor", _("Auditor")
    BOARD = "board", _("Board member")
    SERVICE_ACCOUNT = "service_account", _("Service account")


class Action(models.TextChoices):
    """Everything a member may be allowed to do inside an organisation."""

    VIEW_ORGANIZATION = "organization.view", _("See the organisation's home page")
    MANAGE_ORGANIZATION = "organization.manage", _("Rename the organisation")
    REQUIRE_TWO_FACTOR = (
        "organization.require_two_factor",
        _("Require two-factor sign-in for every member"),
    )
    VIEW_MEMBERS = "members.view", _("See the members")
    MANAGE_MEMBERS = "members.manage", _("Invite members, change roles, remove members")
    MANAGE_OWNERS = "members.manage_owners", _("Make or remove owners")
    MANAGE_TOKENS = "tokens.manage", _("Issue and revoke API tokens")
    VIEW_AUDIT = "audit.view", _("Read the audit trail")
    VIEW_REGISTER = "register.view", _("See the AI system register")
    EDIT_REGISTER = "register.edit", _("Add and edit any AI system, model or vendor")
    EDIT_OWN_SYSTEMS = "register.edit_own", _("Edit the AI systems one owns")
    SCREEN_SYSTEMS = "classification.screen", _("Answer and save EU AI Act screenings")
    VIEW_ASSESSMENTS = "assessments.view", _("See gap analyses")
    EDIT_ASSESSMENTS = "assessments.edit", _("Answer gap analyses and plan actions")
    REVIEW_ASSESSMENTS = "assessments.review", _("Approve and lock gap analyses")
    VIEW_GRANTED_ASSESSMENTS = "assessments.view_granted", _("Read assessments one was granted")
    VIEW_DASHBOARDS = "dashboards.view", _("See the board dashboard")
    VIEW_RISKS = "risks.view", _("See the AI risk register and serious incidents")
    EDIT_RISKS = "risks.edit", _("Record risks and serious incidents")
    REQUEST_BOARD_REPORT = "documents.board_report", _("Request the board report")
    GENERATE_DOCUMENTS = "documents.generate", _("Generate documents and evidence packs")
    DOWNLOAD_DOCUMENTS = "documents.download", _("Download documents and evidence packs")
    USE_API = "api.use", _("Use the REST API")


A = Action
_READ_ALL = {
    A.VIEW_ORGANIZATION,
    A.VIEW_MEMBERS,
    A.VIEW_REGISTER,
    A.VIEW_ASSESSMENTS,
    A.VIEW_DASHBOARDS,
    A.VIEW_RISKS,
    A.DOWNLOAD_DOCUMENTS,
    A.USE_API,
}
_COMPLIANCE = _READ_ALL | {
    A.EDIT_RISKS,
    A.REQUEST_BOARD_REPORT,
    A.EDIT_REGISTER,
    A.SCREEN_SYSTEMS,
    A.EDIT_ASSESSMENTS,
    A.REVIEW_ASSESSMENTS,
    A.GENERATE_DOCUMENTS,
}
_ADMIN = _COMPLIANCE | {A.MANAGE_ORGANIZATION, A.MANAGE_MEMBERS, A.MANAGE_TOKENS, A.VIEW_AUDIT}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(_ADMIN | {A.MANAGE_OWNERS, A.REQUIRE_TWO_FACTOR}),
    Role.ADMIN: frozenset(_ADMIN),
    Role.COMPLIANCE_OFFICER: frozenset(_COMPLIANCE),
    Role.CONTRIBUTOR: frozenset(
        {
            A.VIEW_ORGANIZATION,
            A.VIEW_MEMBERS,
            A.VIEW_REGISTER,
            A.EDIT_OWN_SYSTEMS,
            A.SCREEN_SYSTEMS,
            A.VIEW_ASSESSMENTS,
            A.EDIT_ASSESSMENTS,
            A.DOWNLOAD_DOCUMENTS,
            A.USE_API,
        }
    ),
    # Auditors read only what they were granted, for a limited time (Art. 74 access, ISO 9.2).
    Role.AUDITOR: frozenset(
        {A.VIEW_ORGANIZATION, A.VIEW_GRANTED_ASSESSMENTS, A.DOWNLOAD_DOCUMENTS, A.USE_API}
    ),
    # The board sees the dashboard and its reports, nothing else (issue 10).
    Role.BOARD: frozenset(
        {A.VIEW_ORGANIZATION, A.VIEW_DASHBOARDS, A.REQUEST_BOARD_REPORT, A.DOWNLOAD_DOCUMENTS}
    ),
    # A service account's token scope narrows this further to reads for read-only tokens.
    Role.SERVICE_ACCOUNT: frozenset(
        {
            A.VIEW_ORGANIZATION,
            A.VIEW_MEMBERS,
            A.VIEW_REGISTER,
            A.EDIT_REGISTER,
            A.SCREEN_SYSTEMS,
            A.VIEW_ASSESSMENTS,
            # Integrations build and answer assessments; people submit, approve and reopen
            # them (the workflow table in compliance/assessments/workflow.py).
            A.EDIT_ASSESSMENTS,
            A.REVIEW_ASSESSMENTS,
            A.VIEW_RISKS,
            A.EDIT_RISKS,
            A.GENERATE_DOCUMENTS,
            A.DOWNLOAD_DOCUMENTS,
            A.USE_API,
        }
    ),
}

# Actions that only read: what a read-only API token is limited to.
READ_ACTIONS = frozenset(
    {
        A.VIEW_ORGANIZATION,
        A.VIEW_MEMBERS,
        A.VIEW_AUDIT,
        A.VIEW_REGISTER,
        A.VIEW_ASSESSMENTS,
        A.VIEW_GRANTED_ASSESSMENTS,
        A.VIEW_DASHBOARDS,
        A.VIEW_RISKS,
        A.DOWNLOAD_DOCUMENTS,
        A.USE_API,
    }
)

# Roles a person can be given by invitation; service accounts are made with their tokens.
INVITABLE_ROLES = [r for r in Role if r != Role.SERVICE_ACCOUNT]


def role_can(role: str, action: str) -> bool:
    """Return whether the role allows the action."""
    return action in ROLE_ACTIONS.get(role, frozenset())
