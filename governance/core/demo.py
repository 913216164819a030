"""Demo data: an organisation with one person per role, and a second organisation.

Later capabilities extend the demo by adding a dotted path to DEMO_STEPS: a function
`populate(organization, members)` that adds their own data, idempotently.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_scopes import scope, scopes_disabled

from governance.accounts.models import User
from governance.tenancy import services
from governance.tenancy.models import ApiToken, Membership, Organization
from governance.tenancy.roles import Role

DEMO_PASSWORD = "annex-demo"
DEMO_ORG = ("Northwind Health", "northwind")
SECOND_ORG = ("Contoso Labs", "contoso")
DEMO_PEOPLE = [
    ("owner@northwind.example", "Olivia Owner", Role.OWNER),
    ("admin@northwind.example", "Adam Admin", Role.ADMIN),
    ("officer@northwind.example", "Clara Compliance", Role.COMPLIANCE_OFFICER),
    ("contributor@northwind.example", "Conor Contributor", Role.CONTRIBUTOR),
    ("auditor@northwind.example", "Aisha Auditor", Role.AUDITOR),
    ("board@northwind.example", "Bernard Board", Role.BOARD),
]
SECOND_PEOPLE = [("owner@contoso.example", "Cora Contoso", Role.OWNER)]
# Clara works for both organisations, to show the switcher.
CROSS_MEMBERS = [("officer@northwind.example", Role.COMPLIANCE_OFFICER)]

# Later capabilities append "package.module.populate" here.
DEMO_STEPS: list[str] = []
DEMO_STEPS.append("governance.register.demo.populate")
DEMO_STEPS.append("governance.classification.demo.populate")  # screens the register's systems
DEMO_STEPS.append("compliance.catalogue.demo.populate")  # new catalogue versions, own policy
DEMO_STEPS.append("compliance.assessments.demo.populate")  # gap analyses, SoA, evidence
DEMO_STEPS.append("compliance.documents.demo.populate")  # legal details, auditor's grant
DEMO_STEPS.append("governance.risks.demo.populate")  # risks across the matrix, incidents
DEMO_STEPS.append("governance.dashboards.demo.populate")  # a year of daily snapshots


@dataclass
class DemoResult:
    organizations: list[Organization]
    logins: list[tuple[str, str, str]]  # (email, role label, organisation)
    created: bool


def _user(email, name):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
    return user


def _org(name, slug, people):
    org = Organization.objects.filter(slug=slug).first()
    created = org is None
    owner_email, owner_name, _role = people[0]
    owner = _user(owner_email, owner_name)
    if created:
        org = services.create_organization(name=name, owner=owner, slug=slug)
    with scopes_disabled():
        for email, full_name, role in people[1:]:
            user = _user(email, full_name)
            expires = timezone.now() + timezone.timedelta(days=90) if role == Role.AUDITOR else None
            Membership.objects.get_or_create(
                organization=org, user=user, defaults={"role": role, "access_expires_at": expires}
            )
    return org, created


@transaction.atomic
def build_demo() -> DemoResult:
    """Create (or complete) the demo organisations; safe to run again."""
    org, created = _org(*DEMO_ORG, DEMO_PEOPLE)
    second, _ = _org(*SECOND_ORG, SECOND_PEOPLE)
    with scopes_disabled():
        for email, role in CROSS_MEMBERS:
            Membership.objects.get_or_create(
                organization=second, user=User.objects.get(email=email), defaults={"role": role}
            )
        owner_membership = Membership.objects.get(
            organization=org, role=Role.OWNER, user__email=DEMO_PEOPLE[0][0]
        )
        if not ApiToken.objects.filter(organization=org).exists():
            services.issue_api_token(
                organization=org,
                name="MLflow model registry",
                scope=ApiToken.Scope.READ_WRITE,
                acting=owner_membership,
                service_account="MLflow sync",
            )
        members = {
            m.user.email: m
            for m in Membership.objects.filter(organization=org).select_related("user")
        }
    for dotted in DEMO_STEPS:
        with scope(organization=org):
            import_string(dotted)(org, members)
    both = {email for email, _role in CROSS_MEMBERS}
    logins = [
        (e, Role(r).label, f"{DEMO_ORG[0]} and {SECOND_ORG[0]}" if e in both else DEMO_ORG[0])
        for e, _n, r in DEMO_PEOPLE
    ]
    logins += [(e, Role(r).label, SECOND_ORG[0]) for e, _n, r in SECOND_PEOPLE]
    return DemoResult([org, second], logins, created)
