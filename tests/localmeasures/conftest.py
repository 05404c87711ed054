"""A care home with a falls rate, a GP practice with a count, and people in every role."""

import pytest
from django.utils import timezone

from portal.localmeasures.factories import LocalMeasureFactory
from portal.localmeasures.models import months_back
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting


@pytest.fixture
def care_home(db):
    return OrganisationFactory(name="Hollins Green Care Home", setting=Setting.objects.get(slug="care-homes"))


@pytest.fixture
def other_home(db):
    return OrganisationFactory(name="Monton Lodge", setting=Setting.objects.get(slug="care-homes"))


@pytest.fixture
def falls(db):
    return LocalMeasureFactory(name="Falls", slug="falls", rate=True, settings=["care-homes"])


@pytest.fixture
def events(db):
    return LocalMeasureFactory(
        name="Significant events",
        slug="significant-events",
        numerator_name="Significant events reported",
        settings=["care-homes", "general-practice"],
    )


@pytest.fixture
def manager(care_home):
    return MemberFactory(
        organisation=care_home, user__username="manager", user__first_name="Amira", user__last_name="Shah"
    )


@pytest.fixture
def outsider(other_home):
    return MemberFactory(organisation=other_home, user__username="outsider")


@pytest.fixture
def pending(care_home):
    return PendingMemberFactory(organisation=care_home, user__username="pending")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(username="moderator", first_name="Priya", last_name="Nair")


@pytest.fixture
def last_month():
    return months_back(timezone.localdate().replace(day=1), 1)
