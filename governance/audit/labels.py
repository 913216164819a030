"""Plain-language names of the audit trail's actions."""

ACTION_LABELS = {
    "organization.created": "Created the organisation",
    "organization.renamed": "Renamed the organisation",
    "organization.two_factor_required": "Required two-factor sign-in for every member",
    "organization.two_factor_optional": "Made two-factor sign-in optional",
    "invitation.created": "Invited a member",
    "invitation.revoked": "Withdrew an invitation",
    "invitation.accepted": "Accepted an invitation",
    "member.added": "Joined as member",
    "member.role_changed": "Changed a member's role",
    "member.removed": "Removed a member",
    "token.issued": "Issued an API token",
    "token.revoked": "Revoked an API token",
    "system.created": "Added to the register",
    "system.updated": "Edited",
    "system.archived": "Archived",
    "system.restored": "Restored",
    "system.classified": "Screened and classified (EU AI Act)",
    "system.law_change_flagged": "Flagged for review: a new version of the law changes its result",
    "system.reclassified_for_law_change": "Classified again under a new version of the law",
    "model.created": "Added a model",
    "model.updated": "Edited a model",
    "model.archived": "Archived a model",
    "vendor.created": "Added a vendor",
    "vendor.updated": "Edited a vendor",
    "vendor.archived": "Archived a vendor",
    "register.imported": "Imported systems from a spreadsheet",
}


def action_label(action: str) -> str:
    """Return the action's plain-language name (the code itself when it has none yet)."""
    return ACTION_LABELS.get(action, action)
