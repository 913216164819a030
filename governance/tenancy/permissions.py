"""Checks of what a member may do, for views and the API; the map itself is in roles.py."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework import permissions

from governance.tenancy.roles import READ_ACTIONS, Action


def require_action(action: str):
    """Decorate a view inside /o/<org_slug>/ so that only roles allowing `action` get in (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.membership is None or not request.membership.can(action):
                raise PermissionDenied("Your role does not allow this page.")
            return view(request, *args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator


def can_edit_object(membership, obj, *, any_action: str, own_action: str, perm: str) -> bool:
    """Return whether the member may edit `obj`: by role, or by a guardian grant on the object.

    `obj` must belong to the member's organisation; guardian is only asked inside one tenant.
    """
    if obj.organization_id != membership.organization_id:
        return False
    if membership.can(any_action):
        return True
    return membership.can(own_action) and membership.user.has_perm(perm, obj)


def grant_object_permission(membership, perm: str, obj) -> None:
    """Give one member an object permission, refusing across tenants."""
    if obj.organization_id != membership.organization_id:
        raise PermissionDenied("Grants never cross organisations.")
    assign_perm(perm, membership.user, obj)


def revoke_object_permission(membership, perm: str, obj) -> None:
    remove_perm(perm, membership.user, obj)


class HasOrganizationAction(permissions.BasePermission):
    """DRF permission: the view's `required_actions[method or action]` must be allowed.

    A read-only API token is limited to reading, whatever its service account may do.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        action = view.required_action_for(request)
        if action is None:
            return True
        token = getattr(request, "auth", None)
        if getattr(token, "scope", None) == "read" and action not in READ_ACTIONS:
            self.message = "This API token is read-only."
            return False
        if not membership.can(action):
            self.message = f"Your role ({membership.get_role_display()}) does not allow this."
            return False
        return True


__all__ = ["Action", "HasOrganizationAction", "can_edit_object", "require_action"]
