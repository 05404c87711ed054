"""People and a round for the safety culture tests.

``round_`` is open today for a GP practice, with a facilitator; ``staff`` is an
approved member of that practice, ``outsider`` a member of another organisation.
"""

import datetime

import pytest
from django.utils import timezone

from portal.culture.factories import RoundFactory
from portal.members.factories import MemberFactory, ModeratorFactory, UserFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting


@pytest.fixture
def practice(db):
    return OrganisationFactory(name="Weaste Lane Surgery", setting=Setting.objects.get(slug="general-practice"))


@pytest.fixture
def facilitator(db):
    return UserFactory(username="facilitator", first_name="Nadia", last_name="Brennan")


@pytest.fixture
def round_(practice, facilitator):
    return RoundFactory(organisation=practice, title="Spring 2027", facilitator=facilitator)


@pytest.fixture
def dimensions(round_):
    return list(round_.framework.dimensions.all())


@pytest.fixture
def staff(practice):
    return MemberFactory(organisation=practice, user__username="staffmember")


@pytest.fixture
def outsider(db):
    return MemberFactory(user__username="outsider")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(username="moderator")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def closed_round(practice, facilitator):
    today = timezone.localdate()
    return RoundFactory(
        organisation=practice,
        title="Autumn 2026",
        facilitator=facilitator,
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=40),
    )


def level_data(dimensions, level=3, comment="", action="submit"):
    """A whole answer form: the same level for every dimension."""
    data = {"action": action}
    for d in dimensions:
        data[f"level_{d.pk}"] = str(level)
        data[f"comment_{d.pk}"] = comment
    return data
