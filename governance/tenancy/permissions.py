"""Checks of what a member may do, for views and the API; the map itself is in roles.py."""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q
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


# --- Grants that follow ownership -----------------------------------------------------------
#
# Some rows are edited by their owners (a contributor's own AI systems): the owner holds a
# django-guardian permission on the row. The grant belongs to whoever the row names as owner,
# so every service that sets or changes an owner calls `sync_owner_grants` in the same
# transaction: the old owner loses the grant as the new one gets it. Each such kind of row is
# registered here once, and a test checks that every model with a per-object permission is.


@dataclass(frozen=True)
class OwnedKind:
    """A model whose owners hold `perm` on their rows; `owner_fields` name the owner FKs."""

    model: type
    perm: str
    owner_fields: tuple[str, ...]

    def owner_ids(self, obj) -> set:
        return {getattr(obj, f"{f}_id") for f in self.owner_fields} - {None}


OWNED_KINDS: dict[str, OwnedKind] = {}


def register_owned_kind(model, *, perm: str, owner_fields: tuple[str, ...]) -> OwnedKind:
    """Declare that `perm` on a row of `model` follows the users in `owner_fields`."""
    kind = OwnedKind(model=model, perm=perm, owner_fields=tuple(owner_fields))
    OWNED_KINDS[model._meta.label_lower] = kind
    return kind


def _permission(perm: str):
    from django.contrib.auth.models import Permission

    app_label, codename = perm.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def sync_owner_grants(kind: OwnedKind, objects, *, previous: dict | None = None) -> None:
    """Make the grants on `objects` match their owners now, in a fixed number of queries.

    `previous` maps an object's pk to the owner ids it had before the change (leave it out
    for new rows). Owners no longer named lose the grant; owners named get it. Owners are
    members of the row's organisation (the services check that first).
    """
    from django.contrib.contenttypes.models import ContentType
    from guardian.utils import get_user_obj_perms_model

    objects = list(objects)
    if not objects:
        return
    grants = get_user_obj_perms_model()
    permission = _permission(kind.perm)
    content_type = ContentType.objects.get_for_model(kind.model)
    revoke, grant = [], []
    for obj in objects:
        now = kind.owner_ids(obj)
        before = (previous or {}).get(obj.pk, set())
        revoke += [(user_id, str(obj.pk)) for user_id in before - now]
        grant += [(user_id, str(obj.pk)) for user_id in now - before]
    if revoke:
        gone = Q()
        for user_id, object_pk in revoke:
            gone |= Q(user_id=user_id, object_pk=object_pk)
        grants.objects.filter(gone, permission=permission, content_type=content_type).delete()
    if grant:
        grants.objects.bulk_create(
            [
                grants(
                    user_id=user_id,
                    permission=permission,
                    content_type=content_type,
                    object_pk=object_pk,
                )
                for user_id, object_pk in grant
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )


class HasOrganizationAction(permissions.BasePermission):
    """DRF permission: the view's `required_actions[method or action]` must be allowed.

    A read-only API token is limited to reading, whatever its service account may do. Every
    request, by token or by browser session alike, needs a role that may use the API at all
    (Action.USE_API): a board member reads the web pages made for them, not the raw data.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        if not membership.can(Action.USE_API):
            self.message = (
                f"Your role ({membership.get_role_display()}) does not use the API; "
                "use the web pages instead."
            )
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
