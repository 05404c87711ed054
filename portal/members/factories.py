"""Users in each of the portal's roles, for tests, the demo and benchmarks.

``MemberFactory`` makes an approved community member with a verified email
address (so allauth lets them sign in); ``PendingMemberFactory`` one still
waiting for approval; ``ModeratorFactory`` a programme-team user.
"""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.core.access import MEMBERS_GROUP, MODERATORS_GROUP
from portal.taxonomy.factories import OrganisationFactory

from .models import MemberProfile

PASSWORD = "a-long-test-password"  # noqa: S105 - tests only


class UserFactory(DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if create:
            user.save()

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(*[Group.objects.get(name=name) for name in extracted])


class MemberProfileFactory(DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Registered manager"
    status = MemberProfile.Status.APPROVED

    class Meta:
        model = MemberProfile

    class Params:
        # An approved member's organisation was confirmed by the programme team; pass
        # confirmed=False for one approved before confirmation, or whose organisation changed since.
        confirmed = factory.LazyAttribute(lambda p: p.status == MemberProfile.Status.APPROVED)

    organisation_confirmed_for = factory.LazyAttribute(lambda p: p.organisation if p.confirmed else None)
    organisation_confirmed_at = factory.LazyAttribute(lambda p: timezone.now() if p.confirmed else None)
    organisation_confirmed_how = factory.LazyAttribute(
        lambda p: MemberProfile.ConfirmedHow.KNOWN if p.confirmed else ""
    )


def MemberFactory(**kwargs):  # noqa: N802 - reads like the other factories
    """An approved member: a profile, and the user in the members group."""
    profile = MemberProfileFactory(**kwargs)
    profile.user.groups.add(Group.objects.get(name=MEMBERS_GROUP))
    return profile.user


def PendingMemberFactory(**kwargs):  # noqa: N802
    profile = MemberProfileFactory(status=MemberProfile.Status.PENDING, **kwargs)
    return profile.user


def ModeratorFactory(**kwargs):  # noqa: N802
    return UserFactory(groups=[MODERATORS_GROUP], **kwargs)
