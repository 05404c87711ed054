"""Moderating comments in the Wagtail admin: who may, and what hiding and restoring do."""

import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.comments.factories import CommentFactory, CommentReportFactory
from portal.comments.models import Comment
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("member_comments:index")


def hide_url(comment):
    return reverse("member_comments:hide", args=[comment.pk])


def restore_url(comment):
    return reverse("member_comments:restore", args=[comment.pk])


def moderate_url(comment):
    return reverse("member_comments:edit", args=[comment.pk])


@pytest.fixture
def comment(note, member):
    return CommentFactory(page=note, author=member, body="Our night staff found this hard.")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(first_name="Ravi", last_name="Okonjo")


def test_moderators_see_a_comments_menu_and_listing_with_report_counts(client, comment, moderator, note):
    CommentReportFactory(comment=comment, reporter=MemberFactory())
    CommentReportFactory(comment=comment, reporter=MemberFactory())
    CommentFactory(page=note, author=comment.author, body="Nobody minded this one.")
    client.force_login(moderator)

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'"label": "Comments", "icon_name": "comment", "classname": "", "attrs": {{}}, "url": "{INDEX}"' in dashboard

    html = client.get(INDEX).content.decode()
    assert "Our night staff found this hard." in html
    assert "Nobody minded this one." in html
    assert "Hydration rounds at teatime" in html
    assert "Tomasz Nowak" in html
    rows = client.get(INDEX).context["object_list"]
    assert {row.body: row.report_count for row in rows} == {
        "Our night staff found this hard.": 2,
        "Nobody minded this one.": 0,
    }


def test_the_listing_filters_reported_and_hidden_comments(client, comment, moderator, note, member):
    CommentReportFactory(comment=comment, reporter=MemberFactory())
    CommentFactory(page=note, author=member, body="Already hidden.", is_hidden=True)
    CommentFactory(page=note, author=member, body="Quiet and fine.")
    client.force_login(moderator)

    def bodies(query):
        return sorted(row.body for row in client.get(INDEX + query).context["object_list"])

    assert bodies("?reported=true") == ["Our night staff found this hard."]
    assert bodies("?reported=false") == ["Already hidden.", "Quiet and fine."]
    assert bodies("?is_hidden=true") == ["Already hidden."]
    assert bodies("?is_hidden=false") == ["Our night staff found this hard.", "Quiet and fine."]


def test_the_moderation_page_shows_the_comment_and_its_reports(client, comment, moderator):
    CommentReportFactory(comment=comment, reporter=MemberFactory(user__first_name="Lena", user__last_name="Park"))
    client.force_login(moderator)
    html = client.get(moderate_url(comment)).content.decode()
    assert "Our night staff found this hard." in html
    assert "Lena Park" in html and "It names a resident." in html
    assert "Hide comment" in html
    assert hide_url(comment) in html


def test_hiding_removes_it_from_the_page_and_restoring_brings_it_back(client, comment, moderator, note):
    client.force_login(moderator)
    response = client.post(hide_url(comment), {"reason": "Names a resident"})
    assert response.status_code == 302

    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == moderator and comment.hide_reason == "Names a resident"
    assert "Our night staff found this hard." not in client.get(note.url).content.decode()
    assert "Restore comment" in client.get(moderate_url(comment)).content.decode()

    client.post(restore_url(comment))
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert "Our night staff found this hard." in client.get(note.url).content.decode()

    entries = ModelLogEntry.objects.for_instance(comment).order_by("timestamp", "pk")
    assert [(e.action, e.user_id) for e in entries] == [
        ("comments.hide", moderator.pk),
        ("comments.restore", moderator.pk),
    ]
    assert entries[0].data == {"reason": "Names a resident"}
    history = client.get(reverse("member_comments:history", args=[comment.pk])).content.decode()
    assert "Comment hidden from the page" in history
    assert "Comment restored to the page" in history


def test_a_get_to_hide_changes_nothing(client, comment, moderator):
    client.force_login(moderator)
    assert client.get(hide_url(comment)).status_code == 405
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModelLogEntry.objects.for_instance(comment).exists()


def test_an_admin_can_hide(client, comment):
    client.force_login(UserFactory(is_superuser=True))
    client.post(hide_url(comment))
    comment.refresh_from_db()
    assert comment.is_hidden


@pytest.mark.parametrize(
    "make_user",
    [MemberFactory, PendingMemberFactory, UserFactory, lambda: UserFactory(groups=["Editors"])],
    ids=["member", "pending member", "signed-in non-member", "editor without comment permissions"],
)
def test_members_and_others_cannot_hide_restore_or_list(client, comment, make_user):
    client.force_login(make_user())
    client.post(hide_url(comment))
    comment.refresh_from_db()
    assert not comment.is_hidden

    comment.hide(by=None)
    client.post(restore_url(comment))
    comment.refresh_from_db()
    assert comment.is_hidden

    response = client.get(INDEX)
    assert response.status_code in (302, 403)
    assert "Our night staff" not in response.content.decode()
    assert not ModelLogEntry.objects.for_instance(comment).exists()


def test_anonymous_visitors_are_sent_to_the_admin_login(client, comment):
    response = client.post(hide_url(comment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=/admin/")
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_there_is_no_way_to_add_or_delete_comments_in_the_admin(client, comment, moderator):
    client.force_login(moderator)
    html = client.get(INDEX).content.decode()
    assert "/admin/member_comments/new/" not in html
    assert client.get("/admin/member_comments/new/").status_code == 404
    assert client.post(f"/admin/member_comments/delete/{comment.pk}/").status_code == 404
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_listing_says_visible_or_hidden_in_words(client, comment, moderator, note):
    CommentFactory(page=note, author=comment.author, body="This one was hidden.").hide(by=moderator)
    client.force_login(moderator)
    html = client.get(INDEX).content.decode()
    assert "On the page" in html
    tags = re.findall(r'<span class="w-status[^"]*">\s*(\w+)\s*</span>', html)
    assert sorted(tags) == ["Hidden", "Visible"]


def test_keeping_a_reported_comment_leaves_it_on_the_page_and_stops_it_waiting(client, comment, moderator, note):
    CommentReportFactory(comment=comment, reporter=MemberFactory())
    client.force_login(moderator)
    page = client.get(moderate_url(comment)).content.decode()
    assert "Keep on the page" in page
    assert list(Comment.objects.waiting_for_decision()) == [comment]

    client.post(reverse("member_comments:keep", args=[comment.pk]))
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.reports_reviewed_at is not None
    assert not Comment.objects.waiting_for_decision().exists()
    assert "Keep on the page" not in client.get(moderate_url(comment)).content.decode()
    assert ModelLogEntry.objects.for_instance(comment).get().action == "comments.keep"

    # A new report after the decision makes it wait again.
    CommentReportFactory(comment=comment, reporter=MemberFactory())
    assert list(Comment.objects.waiting_for_decision()) == [comment]


def dashboard_panel(client, panel_id):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    start = html.find(f'id="{panel_id}')
    return None if start == -1 else html[start : html.find("</section>", start)]


def test_the_dashboard_counts_reported_comments_waiting_and_links_to_them(client, comment, moderator, note):
    CommentReportFactory(comment=comment, reporter=MemberFactory())
    CommentReportFactory(comment=comment, reporter=MemberFactory())
    decided = CommentFactory(page=note, author=comment.author, body="Already hidden.")
    CommentReportFactory(comment=decided, reporter=MemberFactory())
    decided.hide(by=moderator)
    client.force_login(moderator)

    panel = dashboard_panel(client, "reported-comments")
    assert "Reported comments" in panel
    assert "1 reported comment waiting for a decision" in panel
    assert f'href="{INDEX}?waiting=true"' in panel
    assert f'href="{moderate_url(comment)}"' in panel and "Already hidden" not in panel

    listing = client.get(INDEX, {"waiting": "true"}).context["object_list"]
    assert list(listing) == [comment]


def test_only_those_who_may_moderate_comments_see_the_panel(client, comment):
    from django.contrib.auth.models import Group

    CommentReportFactory(comment=comment, reporter=MemberFactory())
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert dashboard_panel(client, "reported-comments") is None
