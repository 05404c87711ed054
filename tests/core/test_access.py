import pytest
from django.contrib.auth.models import AnonymousUser

from portal.core.access import is_member, is_moderator
from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_approved_member_is_a_member_but_not_a_moderator():
    member = MemberFactory()
    assert is_member(member)
    assert not is_moderator(member)
    assert member.check_password(PASSWORD)
    assert member.member_profile.organisation.name


def test_a_member_waiting_for_approval_is_not_yet_a_member():
    assert not is_member(PendingMemberFactory())


def test_moderators_and_admins_count_as_members():
    assert is_moderator(ModeratorFactory()) and is_member(ModeratorFactory())
    admin = UserFactory(is_superuser=True)
    assert is_moderator(admin) and is_member(admin)


def test_anonymous_and_deactivated_users_are_neither():
    assert not is_member(AnonymousUser())
    gone = MemberFactory()
    gone.is_active = False
    assert not is_member(gone)
