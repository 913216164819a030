"""Template context for the app shell: organisation, role, switcher and navigation."""

from django.urls import reverse

from governance.tenancy.roles import Action


def _nav(request, membership) -> list[dict]:
    slug = membership.organization.slug
    path = request.path
    items = []

    def add(section, label, url_name, action=None, exact=False):
        # `action` is one action or a tuple of actions, any of which opens the entry.
        actions = action if isinstance(action, tuple) else (action,)
        if action is not None and not any(membership.can(a) for a in actions):
            return
        url = reverse(url_name, kwargs={"org_slug": slug})
        active = path == url if exact else path.startswith(url)
        items.append({"section": section, "label": label, "url": url, "active": active})

    add("Overview", "Home", "org-home", Action.VIEW_ORGANIZATION, exact=True)
    for entry in NAV_EXTENSIONS:
        add(*entry)
    add("Organisation", "Members", "tenancy:member-list", Action.VIEW_MEMBERS)
    add("Organisation", "API tokens", "tenancy:token-list", Action.MANAGE_TOKENS)
    add("Organisation", "Audit trail", "audit:event-list", Action.VIEW_AUDIT)
    add("Organisation", "Settings", "tenancy:settings", Action.MANAGE_ORGANIZATION)
    return items


_ASSESSMENT_READERS = (Action.VIEW_ASSESSMENTS, Action.VIEW_GRANTED_ASSESSMENTS)

# Later capabilities add their sections here: (section, label, url name, action or actions).
NAV_EXTENSIONS: list[tuple] = []
NAV_EXTENSIONS += [
    ("Register", "AI systems", "register:system-list", Action.VIEW_REGISTER),
    ("Register", "Models", "register:model-list", Action.VIEW_REGISTER),
    ("Register", "Vendors", "register:vendor-list", Action.VIEW_REGISTER),
    ("Register", "Law changes", "law_changes:list", Action.VIEW_REGISTER),
]
NAV_EXTENSIONS += [
    # Board members see the dashboard and reports, nothing else (scores are on the dashboard).
    ("Compliance", "Assessments", "assessments:list", _ASSESSMENT_READERS),
    ("Compliance", "Catalogues", "catalogue:framework-list", _ASSESSMENT_READERS),
    ("Compliance", "Evidence", "evidence:list", Action.VIEW_ASSESSMENTS),
    ("Compliance", "My actions", "assessments:my-actions", _ASSESSMENT_READERS),
]

NAV_EXTENSIONS += [
    ("Compliance", "Documents", "documents:document-list", Action.DOWNLOAD_DOCUMENTS),
]

NAV_EXTENSIONS += [
    ("Risks", "Risk register", "risks:risk-list", Action.VIEW_RISKS),
    ("Risks", "Serious incidents", "risks:incident-list", Action.VIEW_RISKS),
]


def navigation(request):
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from governance.tenancy.selectors import memberships_for_user

    context = {
        "logout_url": reverse("accounts:logout"),
        "account_url": reverse("accounts:account"),
        "api_docs_url": reverse("api-docs"),
    }
    if membership is None:
        return context
    memberships = memberships_for_user(user)
    for m in memberships:
        m.switch_url = reverse("org-home", kwargs={"org_slug": m.organization.slug})
    context.update(
        {
            "current_org": membership.organization,
            "current_membership": membership,
            "user_memberships": memberships,
            "nav_items": _nav(request, membership),
        }
    )
    return context
