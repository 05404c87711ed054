"""Who may do what: every role against every action of the community portal.

One table says what each person may do; each cell is then tried for real
(through the public site, the comment views and the Wagtail admin) and the
test checks both what the person got and what was stored. Roles: an
anonymous visitor, a member still waiting for approval, an approved member
(the author of the draft and comment under test), a member of another
organisation, a moderator (the programme team) and an administrator.
"""

import html

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from learning.factories import ContributionFactory, LearningNotePageFactory
from learning.models import Contribution
from portal.comments.models import Comment
from portal.core.access import MEMBERS_GROUP, MODERATORS_GROUP
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory
from tests.learning.conftest import learning_note_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "pending member", "member", "member of another organisation", "moderator", "admin"]
ACTIONS = [
    "view",
    "post",
    "edit own",
    "edit other's",
    "publish",
    "comment",
    "hide comment",
    "see member-only",
]
Y, N = True, False
ALLOWED = {
    #                                 view post own other publish comment hide member-only
    "anonymous": dict(zip(ACTIONS, [Y, N, N, N, N, N, N, N], strict=True)),
    "pending member": dict(zip(ACTIONS, [Y, N, N, N, N, N, N, N], strict=True)),
    "member": dict(zip(ACTIONS, [Y, Y, Y, N, N, Y, N, Y], strict=True)),
    "member of another organisation": dict(zip(ACTIONS, [Y, Y, Y, N, N, Y, N, Y], strict=True)),
    "moderator": dict(zip(ACTIONS, [Y, Y, Y, Y, Y, Y, Y, Y], strict=True)),
    "admin": dict(zip(ACTIONS, [Y, Y, Y, Y, Y, Y, Y, Y], strict=True)),
}


@pytest.fixture
def world(learning_index):
    """The people and the content they act on."""
    people = {
        "anonymous": None,
        "pending member": PendingMemberFactory(),
        "member": MemberFactory(user__first_name="Grace", user__last_name="Okafor"),
        "member of another organisation": MemberFactory(),
        "moderator": ModeratorFactory(),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    author = people["member"]
    note = LearningNotePageFactory(parent=learning_index, title="Night drinks round")
    members_only = LearningNotePageFactory(parent=learning_index, title="Staffing figures for members")
    restriction = PageViewRestriction.objects.create(page=members_only, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set(Group.objects.filter(name__in=[MEMBERS_GROUP, MODERATORS_GROUP]))
    return {
        "people": people,
        "note": note,
        "members_only": members_only,
        "authors_draft": ContributionFactory(author=author, page__title="Grace's draft"),
        "authors_comment": Comment.objects.create(page=note, author=author, body="We tried this too."),
    }


def sign_in(client, user):
    if user is not None:
        client.force_login(user)


def body(response):
    return html.unescape(response.content.decode())


def try_view(client, world, user):
    response = client.get(world["note"].url)
    return response.status_code == 200 and "<h1>Night drinks round</h1>" in body(response)


def try_post(client, world, user):
    client.post("/share/learning-note/", learning_note_data(title="Posted by the matrix"))
    return Contribution.objects.filter(author=user, page__title="Posted by the matrix").exists() if user else False


def _edit_draft(client, contribution, title):
    # With the revision the edit form carries: one without it is refused as out of date.
    revision = Page.objects.get(pk=contribution.page_id).latest_revision_id
    data = learning_note_data(title=title, action="draft", revision=revision)
    client.post(reverse("share:edit", args=[contribution.pk]), data)
    return Page.objects.get(pk=contribution.page_id).get_latest_revision_as_object().title == title


def try_edit_own(client, world, user):
    if user is None:
        # Nothing of their own: the edit address of any post sends them to sign in.
        response = client.get(reverse("share:edit", args=[world["authors_draft"].pk]))
        return response.status_code != 302 or "/accounts/login/" not in response["Location"]
    own = ContributionFactory(author=user, page__title="My own draft")
    return _edit_draft(client, own, "My own draft, edited")


def try_edit_others(client, world, user):
    """Members use the public site, where another person's post does not exist for them; the
    programme team edit anyone's page in the Wagtail admin."""
    draft = world["authors_draft"]
    if user is world["people"]["member"]:
        draft = ContributionFactory(author=world["people"]["member of another organisation"], page__title="Theirs")
    changed_publicly = _edit_draft(client, draft, "Changed by someone else")
    admin_edit = client.get(reverse("wagtailadmin_pages:edit", args=[draft.page_id]))
    can_use_admin = admin_edit.status_code == 200 and "Grace&#x27;s draft" in admin_edit.content.decode()
    return changed_publicly or can_use_admin


def try_publish(client, world, user):
    page = world["authors_draft"].page
    admin_home = client.get("/admin/")
    if user is None:
        return admin_home.status_code == 200
    return page.permissions_for_user(user).can_publish() and admin_home.status_code == 200


def try_comment(client, world, user):
    client.post(reverse("comments:add", args=[world["note"].pk]), {"body": "Posted by the matrix"})
    return Comment.objects.filter(body="Posted by the matrix", author=user).exists() if user else False


def try_hide_comment(client, world, user):
    comment = world["authors_comment"]
    client.post(reverse("member_comments:hide", args=[comment.pk]), {"reason": "Matrix"})
    comment.refresh_from_db()
    hidden = comment.is_hidden
    shown_on_page = "We tried this too." in body(client.get(world["note"].url))
    assert shown_on_page is not hidden
    return hidden


def try_see_member_only(client, world, user):
    response = client.get(world["members_only"].url)
    return response.status_code == 200 and "Staffing figures for members" in body(response)


ATTEMPTS = {
    "view": try_view,
    "post": try_post,
    "edit own": try_edit_own,
    "edit other's": try_edit_others,
    "publish": try_publish,
    "comment": try_comment,
    "hide comment": try_hide_comment,
    "see member-only": try_see_member_only,
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_do_exactly_what_the_table_says(client, world, role, action):
    user = world["people"][role]
    sign_in(client, user)
    assert ATTEMPTS[action](client, world, user) is ALLOWED[role][action]


def test_the_table_covers_every_role_and_action():
    assert set(ALLOWED) == set(ROLES)
    assert all(set(row) == set(ACTIONS) for row in ALLOWED.values())
