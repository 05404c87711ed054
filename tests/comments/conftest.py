import pytest

from learning.factories import LearningNotePageFactory
from portal.members.factories import MemberFactory, UserFactory


@pytest.fixture
def author(db):
    """The programme-team editor who owns the page being commented on."""
    return UserFactory(first_name="Priya", last_name="Marsh", email="priya.marsh@example.org")


@pytest.fixture
def note(learning_index, author):
    return LearningNotePageFactory(parent=learning_index, title="Hydration rounds at teatime", owner=author)


@pytest.fixture
def member(db):
    return MemberFactory(
        user__first_name="Tomasz",
        user__last_name="Nowak",
        user__email="tomasz.nowak@example.org",
        organisation__name="Larchfield Care Home",
    )
