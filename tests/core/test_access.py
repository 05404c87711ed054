import pytest
from django.contrib.auth.models import AnonymousUser

from portal.core.access import is_member, is_moderator, may_keep_records_for, organisation_of
from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory
from portal.taxonomy.factories import OrganisationFactory

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


def test_an_approved_member_keeps_records_for_their_own_organisation_only():
    member = MemberFactory()
    own = member.member_profile.organisation
    other = OrganisationFactory()
    assert organisation_of(member) == own
    assert may_keep_records_for(member, own)
    assert not may_keep_records_for(member, other)


def test_people_not_yet_trusted_keep_records_for_no_organisation():
    pending = PendingMemberFactory()
    organisation = pending.member_profile.organisation or OrganisationFactory()
    pending.member_profile.organisation = organisation
    pending.member_profile.save()
    gone = MemberFactory()
    gone.is_active = False
    for user in (pending, gone, AnonymousUser(), UserFactory()):
        assert organisation_of(user) is None
        assert not may_keep_records_for(user, organisation)


def test_the_programme_team_keeps_records_for_any_organisation():
    organisation = OrganisationFactory()
    assert may_keep_records_for(ModeratorFactory(), organisation)
    assert not may_keep_records_for(ModeratorFactory(), None)
