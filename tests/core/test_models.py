"""Who may find which knowledge page: ``KnowledgePageQuerySet``'s visibility rules."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from learning.factories import LearningNotePageFactory
from portal.core.access import MEMBERS_GROUP, MODERATORS_GROUP, standing
from portal.core.factories import restrict_to_members
from portal.core.models import KnowledgePage, is_members_only_path, restricted_paths
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(learning_index):
    def note(title):
        return LearningNotePageFactory(parent=learning_index, title=title)

    made = {
        "open": note("Open"),
        "members": note("Members"),
        "login": note("Any signed-in reader"),
        "password": note("Shared password"),
        "moderators": note("Moderators only"),
        "members and login": note("Members, inside a signed-in section"),
        "draft": note("Draft"),
    }
    restrict_to_members(made["members"])
    PageViewRestriction.objects.create(page=made["login"], restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(
        page=made["password"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    moderators = PageViewRestriction.objects.create(
        page=made["moderators"], restriction_type=PageViewRestriction.GROUPS
    )
    moderators.groups.set([Group.objects.get(name=MODERATORS_GROUP)])
    restrict_to_members(made["members and login"])
    PageViewRestriction.objects.create(page=made["members and login"], restriction_type=PageViewRestriction.LOGIN)
    made["draft"].unpublish()
    return made


def titles(queryset):
    return sorted(queryset.values_list("title", flat=True))


@pytest.mark.parametrize("make_user", [lambda: None, PendingMemberFactory, UserFactory])
def test_readers_who_are_not_members_find_only_live_public_pages(pages, make_user):
    user = make_user()
    assert titles(KnowledgePage.objects.visible_to(user)) == ["Open"]
    assert titles(KnowledgePage.objects.searchable_by(user)) == ["Open"]
    assert titles(KnowledgePage.objects.visible_to(user)) == titles(KnowledgePage.objects.live().public())


@pytest.mark.parametrize("make_user", [MemberFactory, ModeratorFactory])
def test_members_also_find_member_only_pages_and_no_other_private_page(pages, make_user):
    user = make_user()
    visible = KnowledgePage.objects.visible_to(user)
    assert {page.title: page.members_only for page in visible} == {"Open": False, "Members": True}
    assert titles(KnowledgePage.objects.searchable_by(user)) == ["Members", "Open"]


def test_member_only_pages_are_those_restricted_to_the_members_group_and_nothing_else(pages):
    assert titles(KnowledgePage.objects.members_only()) == ["Members"]
    assert titles(KnowledgePage.objects.visible_to_members()) == ["Members", "Open"]


def test_a_restriction_naming_the_members_group_alone_is_member_only_too(learning_index):
    note = LearningNotePageFactory(parent=learning_index, title="Members group only")
    restriction = PageViewRestriction.objects.create(page=note, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name=MEMBERS_GROUP)])
    assert titles(KnowledgePage.objects.members_only()) == ["Members group only"]


def test_restricted_paths_are_read_in_one_query_and_say_which_are_for_members(pages, django_assert_num_queries):
    with django_assert_num_queries(1):
        restrictions = restricted_paths()
    assert sorted(for_members for _path, for_members in restrictions) == [False] * 4 + [True] * 2
    assert is_members_only_path(pages["members"].path, restrictions)
    assert not is_members_only_path(pages["open"].path, restrictions)


def test_the_restrictions_are_read_once_until_content_changes(pages, django_assert_num_queries):
    member = MemberFactory()
    standing(member)  # the reader's groups, read with them once per request
    with django_assert_num_queries(2):  # the restrictions, then the pages
        assert len(list(KnowledgePage.objects.visible_to(member))) == 2
    for reader, visible in ((member, 2), (None, 1)):
        with django_assert_num_queries(1):  # the pages alone
            assert len(list(KnowledgePage.objects.visible_to(reader))) == visible


@pytest.mark.parametrize("make_user", [lambda: None, MemberFactory])
def test_with_no_restrictions_a_listing_asks_nothing_about_them(learning_index, make_user):
    LearningNotePageFactory(parent=learning_index, title="Open")
    user = make_user()
    visible = KnowledgePage.objects.visible_to(user)
    assert "pageviewrestriction" not in str(visible.query)
    assert {page.title: page.members_only for page in visible} == {"Open": False}


@pytest.mark.parametrize(
    ("change", "seen_by_public", "seen_by_members"),
    [
        ("restrict the open page to members", [], {"Members": True, "Open": True}),
        ("lift the member-only restriction", ["Members", "Open"], {"Members": False, "Open": False}),
        ("let only moderators see the member-only page", ["Open"], {"Open": False}),
        ("move the open page under the member-only one", [], {"Members": True, "Open": True}),
    ],
)
def test_the_kept_restrictions_follow_every_change_at_once(learning_index, change, seen_by_public, seen_by_members):
    """Restrictions are kept until content changes: each change shows in the very next listing."""
    open_note = LearningNotePageFactory(parent=learning_index, title="Open")
    members_note = LearningNotePageFactory(parent=learning_index, title="Members")
    restriction = restrict_to_members(members_note)
    member = MemberFactory()
    assert titles(KnowledgePage.objects.visible_to(None)) == ["Open"]  # kept from here on
    assert titles(KnowledgePage.objects.visible_to(member)) == ["Members", "Open"]
    if change == "restrict the open page to members":
        restrict_to_members(open_note)
    elif change == "lift the member-only restriction":
        restriction.delete()
    elif change == "let only moderators see the member-only page":
        restriction.groups.set([Group.objects.get(name=MODERATORS_GROUP)])
    else:
        open_note.move(members_note, pos="last-child")
    assert titles(KnowledgePage.objects.visible_to(None)) == seen_by_public
    assert {page.title: page.members_only for page in KnowledgePage.objects.visible_to(member)} == seen_by_members
