"""Template context for the app shell: organisation, role, switcher and navigation."""

from django.urls import reverse

from governance.tenancy.roles import Action


def _nav(request, membership) -> list[dict]:
    slug = membership.organization.slug
    path = request.path
    items = []

    def add(section, label, url_name, action=None, exact=False):
        if action is not None and not membership.can(action):
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


# Later capabilities add their sections here: (section, label, url name, action).
NAV_EXTENSIONS: list[tuple] = []
NAV_EXTENSIONS += [
    ("Register", "AI systems", "register:system-list", Action.VIEW_REGISTER),
    ("Register", "Models", "register:model-list", Action.VIEW_REGISTER),
    ("Register", "Vendors", "register:vendor-list", Action.VIEW_REGISTER),
    ("Register", "Law changes", "law_changes:list", Action.VIEW_REGISTER),
]
NAV_EXTENSIONS += [
    ("Compliance", "Assessments", "assessments:list", Action.VIEW_ORGANIZATION),
    ("Compliance", "Catalogues", "catalogue:framework-list", Action.VIEW_ORGANIZATION),
    ("Compliance", "Evidence", "evidence:list", Action.VIEW_ASSESSMENTS),
    ("Compliance", "My actions", "assessments:my-actions", Action.VIEW_ORGANIZATION),
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
