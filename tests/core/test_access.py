import pickle

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from portal.core.access import (
    MEMBERS_GROUP,
    is_member,
    is_moderator,
    keeps_records,
    load_user,
    may_keep_records_for,
    may_use_admin,
    organisation_of,
)
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


def test_an_approved_member_whose_organisation_was_not_confirmed_keeps_no_records():
    unconfirmed = MemberFactory(confirmed=False)
    assert unconfirmed.member_profile.is_approved
    assert organisation_of(unconfirmed) is None
    assert not may_keep_records_for(unconfirmed, unconfirmed.member_profile.organisation)


def test_a_member_moved_to_another_organisation_speaks_for_neither_until_it_is_confirmed():
    member = MemberFactory()
    profile = member.member_profile
    first = profile.organisation
    profile.organisation = OrganisationFactory()
    profile.save()
    assert organisation_of(member) is None
    assert not may_keep_records_for(member, first)
    assert not may_keep_records_for(member, profile.organisation)


def test_the_programme_team_keeps_records_for_any_organisation():
    organisation = OrganisationFactory()
    assert may_keep_records_for(ModeratorFactory(), organisation)
    assert not may_keep_records_for(ModeratorFactory(), None)


def test_members_approved_before_confirmation_was_recorded_are_confirmed_by_their_approver():
    from importlib import import_module

    from django.apps import apps

    from portal.members.models import MemberProfile

    migration = import_module("portal.members.migrations.0006_confirm_organisations_approved_before")
    approver = ModeratorFactory()
    earlier = MemberFactory(confirmed=False, decided_by=approver).member_profile
    waiting = PendingMemberFactory().member_profile
    assert organisation_of(earlier.user) is None

    migration.confirm_earlier_approvals(apps, None)

    earlier.refresh_from_db()
    waiting.refresh_from_db()
    assert earlier.organisation_confirmed_by == approver
    assert earlier.organisation_confirmed_how == MemberProfile.ConfirmedHow.BEFORE_RECORDING
    assert organisation_of(earlier.user) == earlier.organisation
    assert not waiting.organisation_confirmed_at


def test_keeps_records_answers_as_organisation_of_does_without_loading_the_organisation(
    django_assert_max_num_queries,
):
    member, pending, gone = MemberFactory(), PendingMemberFactory(), MemberFactory()
    gone.is_active = False
    unconfirmed = MemberFactory(confirmed=False)
    for user in (member, pending, gone, unconfirmed, AnonymousUser(), UserFactory()):
        fresh = user if isinstance(user, AnonymousUser) else type(user).objects.get(pk=user.pk)
        if user is gone:
            fresh.is_active = False
        with django_assert_max_num_queries(1):
            answer = keeps_records(fresh)
        assert answer == (organisation_of(fresh) is not None)
    assert keeps_records(member) and not keeps_records(unconfirmed)


def test_a_signed_in_user_comes_with_everything_a_page_asks_about_them(django_assert_num_queries):
    member, moderator = MemberFactory(), ModeratorFactory()
    with django_assert_num_queries(1):
        loaded = load_user(str(member.pk))
    with django_assert_num_queries(0):
        assert is_member(loaded) and not is_moderator(loaded) and not may_use_admin(loaded)
        assert keeps_records(loaded)
        assert loaded.member_profile.role == member.member_profile.role
    with django_assert_num_queries(1):
        staff = load_user(moderator.pk)
    with django_assert_num_queries(0):
        assert is_member(staff) and may_use_admin(staff) and staff.get_username() == moderator.get_username()
        assert getattr(staff, "member_profile", None) is None
    assert load_user("999999") is None and load_user("not a number") is None


def test_a_user_loaded_any_other_way_costs_one_query_for_all_of_it(django_assert_num_queries):
    made = MemberFactory()
    member = type(made).objects.get(pk=made.pk)
    with django_assert_num_queries(1):
        assert is_member(member) and keeps_records(member) and not may_use_admin(member)


def test_a_pickled_user_leaves_their_standing_behind(django_assert_num_queries):
    """A photo's uploader goes into the cache with its renditions: read back, it must not carry old answers."""
    member = load_user(MemberFactory().pk)
    assert is_member(member)
    member.groups.remove(Group.objects.get(name=MEMBERS_GROUP))
    copy = pickle.loads(pickle.dumps(member))  # noqa: S301 - our own object
    assert not is_member(copy)
