"""factory_boy factories for the platform's models."""

from datetime import timedelta

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.accounts.models import User
from governance.tenancy.models import Membership, Organization
from governance.tenancy.roles import Role

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.COMPLIANCE_OFFICER


def auditor_expiry():
    return timezone.now() + timedelta(days=30)


def make_system(world, name="CV screener", *, organization=None, acting=None, tags=(), **data):
    """Add an AI system through the register's service: Alice adds it to Acme unless told.

    `data` holds any further model fields; the intended purpose defaults to one naming the system.
    """
    from governance.register import services

    data.setdefault("intended_purpose", f"{name}: what it is for.")
    with scopes_disabled():
        return services.create_system(
            organization=organization or world.acme,
            acting=acting or world.alice_membership,
            data={"name": name, **data},
            tags=tags,
        )
