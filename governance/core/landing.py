"""Where a signed-in person lands: the organisation they used last, else the one with data."""

from django.db.models import Count
from django_scopes import scopes_disabled

from governance.register.models import AISystem


def landing_slug(user, memberships) -> str:
    """Pick the organisation `/` sends `user` to, from their live memberships.

    The one they opened last; on a first sign-in (or if that one is gone), the organisation
    with the most AI systems in its register, ties and empty registers by name. A person who
    belongs to a busy organisation and an empty one lands where there is something to see.
    """
    slugs = [m.organization.slug for m in memberships]
    if user.last_organization_slug in slugs:
        return user.last_organization_slug
    org_ids = [m.organization_id for m in memberships]
    # One read across the person's own organisations only, counting live systems.
    with scopes_disabled():
        counts = dict(
            AISystem.objects.filter(organization_id__in=org_ids, archived_at__isnull=True)
            .order_by()
            .values("organization_id")
            .annotate(n=Count("pk"))
            .values_list("organization_id", "n")
        )
    best = min(memberships, key=lambda m: (-counts.get(m.organization_id, 0), m.organization.name))
    return best.organization.slug
