"""Posting and reporting comments from the public site: who may, and what they see."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.comments.factories import CommentFactory
from portal.comments.models import MAX_COMMENT_LENGTH, Comment, CommentReport
from portal.core.access import MODERATORS_GROUP
from portal.core.typist import typed_by
from portal.mail.models import OutboxEmail
from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory
from portal.updates.factories import UpdatePageFactory

pytestmark = pytest.mark.django_db


def add_url(page):
    return reverse("comments:add", args=[page.pk])


def report_url(comment):
    return reverse("comments:report", args=[comment.pk])


# Posting -------------------------------------------------------------------


def test_a_member_posts_a_comment_and_lands_on_it(client, note, member):
    client.force_login(member)
    response = client.post(add_url(note), {"body": "  We tried this in our home too.\nIt helped at night.  "})

    comment = Comment.objects.get()
    assert (comment.page_id, comment.author, comment.body) == (
        note.pk,
        member,
        "We tried this in our home too.\nIt helped at night.",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{note.url}#comment-{comment.pk}"

    page = client.get(note.url).content.decode()
    assert "Your comment has been posted." in page
    assert "We tried this in our home too.<br>It helped at night." in page


@pytest.mark.parametrize(
    "make_page",
    [
        lambda index, cs, pv: CaseStudyPageFactory(parent=cs),
        lambda index, cs, pv: PeerVisitReportPageFactory(parent=pv),
    ],
    ids=["case study", "peer-visit report"],
)
def test_case_studies_and_peer_visit_reports_take_comments(
    client, member, make_page, learning_index, case_study_index, peer_visit_index
):
    page = make_page(learning_index, case_study_index, peer_visit_index)
    client.force_login(member)
    client.post(add_url(page), {"body": "Useful, thank you."})
    assert Comment.objects.get().page_id == page.pk
    assert "Useful, thank you." in client.get(page.url).content.decode()


def test_a_double_submit_posts_the_comment_once(client, note, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(add_url(note), {"body": "Same words twice."})
        second = client.post(add_url(note), {"body": "Same words twice."})
    comment = Comment.objects.get()
    assert first["Location"] == second["Location"] == f"{note.url}#comment-{comment.pk}"
    assert len(mail.outbox) == 1


def test_a_page_the_member_cannot_see_takes_no_comments_from_them(client, note, member):
    restriction = PageViewRestriction.objects.create(page=note, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name=MODERATORS_GROUP)])
    client.force_login(member)
    assert client.post(add_url(note), {"body": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_updates_take_no_comments(client, member, update_index):
    update = UpdatePageFactory(parent=update_index)
    client.force_login(member)
    assert client.post(add_url(update), {"body": "Hello"}).status_code == 404
    assert not Comment.objects.exists()
    assert 'id="comments"' not in client.get(update.url).content.decode()


def test_a_draft_page_takes_no_comments(client, member, learning_index):
    from learning.factories import LearningNotePageFactory

    draft = LearningNotePageFactory(parent=learning_index, live=False)
    client.force_login(member)
    assert client.post(add_url(draft), {"body": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_saved(client, note):
    response = client.post(add_url(note), {"body": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert not Comment.objects.exists()

    page = client.get(note.url).content.decode()
    assert "Sign in to comment" in page
    assert f'href="{reverse("account_login")}?next={note.url}%23comments"' in page
    assert "<textarea" not in page


def test_an_empty_comment_sent_signed_out_is_not_said_to_be_kept(client, note):
    response = client.post(add_url(note), {"body": "   "})
    assert response["Location"] == f"{reverse('account_login')}?next={note.url}%23comments"
    sign_in_page = client.get(response["Location"]).content.decode()
    assert "Your comment has been kept" not in sign_in_page
    assert "Sign in" in sign_in_page


DRAFT_MESSAGE = "Your comment has not been posted yet."


def sign_in(client, user, next_url):
    """Sign in through the sign-in form, as a person does, and follow where it sends them."""
    response = client.post(
        f"{reverse('account_login')}?next={next_url}", {"login": user.email, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_a_comment_posted_after_the_session_ended_waits_in_the_box_after_signing_in(client, note, member):
    """Signed out in another tab, then "Post comment": the text is there after signing in, not posted."""
    typed = "We moved the teatime round earlier & it <helped>."
    response = client.post(add_url(note), {"body": typed, "typed_by": typed_by(member)})
    # Back to the comment box itself, not the top of the comments above it.
    assert response["Location"] == f"{reverse('account_login')}?next={note.url}%23add-comment"
    sign_in_page = client.get(response["Location"]).content.decode()
    assert "Your comment has been kept, not posted. Sign in with the same account" in sign_in_page

    back_to = sign_in(client, member, f"{note.url}#add-comment")
    assert back_to == f"{note.url}#add-comment"
    page = client.get(note.url).content.decode()
    assert DRAFT_MESSAGE in page
    assert page.index('id="add-comment"') < page.index(DRAFT_MESSAGE) < page.index("<textarea")
    assert "We moved the teatime round earlier &amp; it &lt;helped&gt;.</textarea>" in page
    assert not Comment.objects.exists()  # never posted for them

    client.post(add_url(note), {"body": typed, "typed_by": typed_by(member)})
    assert Comment.objects.get().body == typed
    page = client.get(note.url).content.decode()
    assert DRAFT_MESSAGE not in page
    assert "&lt;helped&gt;.</textarea>" not in page  # the box is empty again


def test_a_kept_comment_shows_only_on_its_own_page(client, note, member, learning_index):
    other = LearningNotePageFactory(parent=learning_index, title="Night checks without waking residents")
    client.post(add_url(note), {"body": "Meant for the teatime note.", "typed_by": typed_by(member)})
    sign_in(client, member, note.url)

    page = client.get(other.url).content.decode()
    assert "<textarea" in page
    assert DRAFT_MESSAGE not in page
    assert "Meant for the teatime note." not in page
    assert "Meant for the teatime note." in client.get(note.url).content.decode()


def test_a_kept_comment_over_the_limit_comes_back_whole_and_is_refused_with_its_length(client, note, member):
    """A phone review: 7,800 pasted characters came back as exactly 2,000, the rest gone without a word."""
    typed = "x" * 7_800 + " END"
    client.post(add_url(note), {"body": typed, "typed_by": typed_by(member)})
    sign_in(client, member, note.url)
    assert typed + "</textarea>" in client.get(note.url).content.decode()
    response = client.post(add_url(note), {"body": typed})
    assert "Your comment must be 2,000 characters or fewer (it has 7,804)" in response.content.decode()
    assert not Comment.objects.exists()


def test_what_is_kept_of_a_comment_has_a_ceiling(client, note, member):
    client.post(add_url(note), {"body": "x" * 50_000, "typed_by": typed_by(member)})
    sign_in(client, member, note.url)
    page = client.get(note.url).content.decode()
    assert "x" * (5 * MAX_COMMENT_LENGTH) + "</textarea>" in page
    assert "x" * (5 * MAX_COMMENT_LENGTH + 1) not in page


def test_a_member_waiting_for_approval_is_told_so_and_cannot_post(client, note):
    client.force_login(PendingMemberFactory())
    response = client.post(add_url(note), {"body": "Hello"})
    assert response.status_code == 403
    assert "Your account is waiting for approval" in response.content.decode()
    assert not Comment.objects.exists()

    page = client.get(note.url).content.decode()
    assert "Your account is waiting for approval by the programme team" in page
    assert "<textarea" not in page


def test_a_signed_in_user_without_membership_cannot_post(client, note):
    client.force_login(UserFactory())
    response = client.post(add_url(note), {"body": "Hello"})
    assert response.status_code == 403
    assert "open to approved members" in response.content.decode()
    assert "Only approved community members can comment." in client.get(note.url).content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("make_user", [ModeratorFactory, lambda: UserFactory(is_superuser=True)], ids=["mod", "admin"])
def test_moderators_and_admins_may_comment(client, note, make_user):
    client.force_login(make_user())
    client.post(add_url(note), {"body": "From the programme team."})
    assert Comment.objects.get().body == "From the programme team."


# Bad input keeps what was typed ------------------------------------------------


def test_an_empty_comment_shows_the_message_next_to_the_box(client, note, member):
    client.force_login(member)
    response = client.post(add_url(note), {"body": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_body">Enter your comment</a>' in html
    assert '<span class="nhsuk-error-message" id="id_body_error">' in html
    assert not Comment.objects.exists()


def test_a_too_long_comment_keeps_every_word_typed(client, note, member):
    client.force_login(member)
    typed = "Our falls huddle <b>works</b>. " + "x" * 2000
    response = client.post(add_url(note), {"body": typed, "typed_by": typed_by(member)})
    html = response.content.decode()
    assert "Your comment must be 2,000 characters or fewer (it has 2,031)" in html
    assert "Our falls huddle &lt;b&gt;works&lt;/b&gt;. " + "x" * 2000 + "</textarea>" in html
    assert not Comment.objects.exists()


def test_the_hourly_limit_stops_the_next_comment_and_keeps_its_text(client, note, member, settings):
    settings.PORTAL_COMMENTS_PER_HOUR = 3
    CommentFactory.create_batch(3, page=note, author=member)
    client.force_login(member)
    response = client.post(add_url(note), {"body": "One more thought about teatime rounds."})
    html = response.content.decode()
    assert "You have posted 3 comments in the last hour" in html
    assert "One more thought about teatime rounds.</textarea>" in html
    assert Comment.objects.count() == 3


def test_comments_older_than_an_hour_do_not_count_towards_the_limit(client, note, member, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.PORTAL_COMMENTS_PER_HOUR = 3
    CommentFactory.create_batch(3, page=note, author=member, created_at=timezone.now() - timedelta(minutes=61))
    CommentFactory(page=note, author=MemberFactory())  # someone else's comments never count
    client.force_login(member)
    client.post(add_url(note), {"body": "Fresh."})
    assert Comment.objects.filter(author=member).count() == 4


# Notifying the page's author -------------------------------------------------


def test_the_pages_author_is_emailed_without_the_commenters_email(
    client, note, member, author, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add_url(note), {"body": "Did you try it with night staff?"})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    comment = Comment.objects.get()
    assert message.to == ["priya.marsh@example.org"]
    assert message.subject == "New comment on ‘Hydration rounds at teatime’"
    assert "Tomasz Nowak (Larchfield Care Home) has commented on ‘Hydration rounds at teatime’" in message.body
    assert "Did you try it with night staff?" in message.body
    assert f"http://127.0.0.1:8000{note.url}#comment-{comment.pk}" in message.body
    assert "tomasz.nowak@example.org" not in message.body + message.subject
    assert message.reply_to == []


def test_no_email_for_the_authors_own_comment(client, note, author):
    author.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    client.force_login(author)
    client.post(add_url(note), {"body": "Thanks all for the comments."})
    assert Comment.objects.count() == 1
    assert mail.outbox == [] and not OutboxEmail.objects.exists()


def test_no_email_when_the_page_has_no_owner_with_an_email(client, learning_index, member):
    from learning.factories import LearningNotePageFactory

    ownerless = LearningNotePageFactory(parent=learning_index, owner=UserFactory(email=""))
    client.force_login(member)
    client.post(add_url(ownerless), {"body": "Hello"})
    assert Comment.objects.count() == 1
    assert mail.outbox == [] and not OutboxEmail.objects.exists()


# Reporting -----------------------------------------------------------------


def test_a_member_reports_a_comment_once(client, note, member):
    comment = CommentFactory(page=note, author=MemberFactory())
    client.force_login(member)

    form = client.get(report_url(comment)).content.decode()
    assert "Report a comment" in form
    assert comment.body in form

    response = client.post(report_url(comment), {"reason": "It names a resident."})
    assert "Thank you, the programme team will look at this comment" in response.content.decode()
    client.post(report_url(comment), {"reason": "Second thoughts."})

    report = CommentReport.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, member, "It names a resident.")


def test_reporting_the_same_comment_again_says_it_is_already_reported(client, note, member):
    comment = CommentFactory(page=note, author=MemberFactory())
    client.force_login(member)
    client.post(report_url(comment), {"reason": "It names a resident."})

    again = client.post(report_url(comment), {"reason": "Second thoughts."}).content.decode()
    assert "You have already reported this comment" in again
    assert "Thank you, the programme team will look at this comment" not in again
    # Opening the report page again (the back button) says so before any form.
    page = client.get(report_url(comment)).content.decode()
    assert "You have already reported this comment" in page and "<textarea" not in page
    assert CommentReport.objects.get().reason == "It names a resident."


def test_moderators_are_emailed_once_per_comment_waiting_not_once_per_report(
    client, note, member, django_capture_on_commit_callbacks
):
    moderators = [ModeratorFactory(email="ravi@example.org"), ModeratorFactory(email="jo@example.org")]
    comment = CommentFactory(page=note, author=MemberFactory(), body="Ask Mrs <b>Jones</b> in room 4.")
    reporters = [member, MemberFactory(), MemberFactory()]
    for reporter in reporters:
        client.force_login(reporter)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(report_url(comment), {"reason": f"Names a resident ({reporter.pk})"})
    assert CommentReport.objects.count() == 3
    [email] = mail.outbox
    assert sorted(email.to) == sorted(moderator.email for moderator in moderators)
    assert email.subject == "A comment has been reported on ‘Hydration rounds at teatime’"
    assert "Ask Mrs <b>Jones</b> in room 4." in email.body
    assert f"Names a resident ({member.pk})" in email.body
    assert reverse("member_comments:edit", args=[comment.pk]) in email.body
    assert member.email not in email.body

    # Once a moderator has decided, a new report starts a new wait and a new email.
    client.force_login(moderators[0])
    client.post(reverse("member_comments:restore", args=[comment.pk]))
    CommentReport.objects.all().delete()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(comment), {"reason": "Still there"})
    assert len(mail.outbox) == 2 and "Still there" in mail.outbox[1].body


def test_the_report_link_shows_for_members_on_others_comments_only(client, note, member):
    theirs = CommentFactory(page=note, author=MemberFactory())
    mine = CommentFactory(page=note, author=member)
    client.force_login(member)
    html = client.get(note.url).content.decode()
    assert report_url(theirs) in html
    assert report_url(mine) not in html

    client.logout()
    assert report_url(theirs) not in client.get(note.url).content.decode()


def test_a_reason_is_optional(client, note, member):
    comment = CommentFactory(page=note, author=MemberFactory())
    client.force_login(member)
    client.post(report_url(comment), {"reason": ""})
    assert CommentReport.objects.get().reason == ""


def test_anonymous_and_pending_users_cannot_report(client, note):
    comment = CommentFactory(page=note, author=MemberFactory())
    response = client.post(report_url(comment), {"reason": "Rude"})
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(PendingMemberFactory())
    response = client.post(report_url(comment), {"reason": "Rude"})
    assert response.status_code == 403
    assert "waiting for approval" in response.content.decode()
    assert not CommentReport.objects.exists()


def test_a_hidden_comment_cannot_be_reported(client, note, member):
    comment = CommentFactory(page=note, author=MemberFactory(), is_hidden=True)
    client.force_login(member)
    assert client.post(report_url(comment), {"reason": "Rude"}).status_code == 404
    assert not CommentReport.objects.exists()


def test_a_too_long_reason_is_shown_with_the_text_kept(client, note, member):
    comment = CommentFactory(page=note, author=MemberFactory())
    client.force_login(member)
    html = client.post(report_url(comment), {"reason": "r" * 501}).content.decode()
    assert "Keep your reason to 500 characters or fewer (it has 501)" in html
    assert "r" * 501 + "</textarea>" in html
    assert not CommentReport.objects.exists()


def test_reporting_again_after_a_moderator_decided_says_it_was_reviewed_and_starts_a_new_wait(
    client, note, member, django_capture_on_commit_callbacks
):
    moderator = ModeratorFactory(email="ravi@example.org")
    comment = CommentFactory(page=note, author=MemberFactory())
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(comment), {"reason": "It names a resident."})
    client.force_login(moderator)
    client.post(reverse("member_comments:keep", args=[comment.pk]))
    assert len(mail.outbox) == 1 and not Comment.objects.waiting_for_decision().exists()

    client.force_login(member)
    page = client.get(report_url(comment)).content.decode()
    assert "The programme team have it and will look at it" not in page
    assert "The programme team reviewed this comment" in page and "<textarea" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(comment), {"reason": "It still names her."}).content.decode()
        client.post(report_url(comment), {"reason": "And again."})
    assert "Thank you, the programme team will look at this comment" in response
    report = CommentReport.objects.get()
    assert report.reason == "It still names her."
    assert list(Comment.objects.waiting_for_decision()) == [comment]
    assert len(mail.outbox) == 2 and "It still names her." in mail.outbox[1].body


def test_a_comment_sent_after_signing_out_and_in_elsewhere_is_kept_in_the_box(note, member):
    """A phone review: signed out and in again in another tab, "Post comment" gave "This form has
    expired", and the page it linked to had an empty box: the comment was gone."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    browser.force_login(member)
    typed = "Nights too: we added the checklist & it <helped>."
    response = browser.post(
        add_url(note), {"body": typed, "typed_by": typed_by(member), "csrfmiddlewaretoken": "a" * 64}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "What you typed has been kept" in html
    assert f'href="{note.url}#add-comment">the page you were on</a>' in html
    assert not Comment.objects.exists()
    page = browser.get(note.url).content.decode()
    assert DRAFT_MESSAGE in page
    assert "Nights too: we added the checklist &amp; it &lt;helped&gt;.</textarea>" in page


def test_a_kept_comment_is_never_offered_to_someone_else_signing_in_on_the_same_browser(client, note, member):
    """Two reviews: Grace's kept comment waited in Helen's box, and one tap posted it under Helen's name."""
    client.post(add_url(note), {"body": "Mrs J fell twice this week.", "typed_by": typed_by(member)})
    colleague = MemberFactory()
    sign_in(client, colleague, f"{note.url}#add-comment")
    page = client.get(note.url).content.decode()
    assert "Mrs J fell twice" not in page
    assert DRAFT_MESSAGE not in page
    assert not Comment.objects.exists()


def test_text_sent_without_a_members_signed_typed_by_is_not_kept(client, note, member):
    """Someone at the computer, signed out, cannot leave words in the next member's comment box."""
    for forged in ({}, {"typed_by": ""}, {"typed_by": f"{member.pk}:forged"}):
        response = client.post(add_url(note), {"body": "Planted words.", **forged})
        assert "Your comment has been kept" not in client.get(response["Location"]).content.decode()
    sign_in(client, member, note.url)
    assert "Planted words." not in client.get(note.url).content.decode()


def test_another_sites_form_keeps_nothing_and_starts_no_session(note, member):
    """The attacker's review: a cross-site POST got "This form has expired", a new session cookie over the
    member's own (signing them out), and its words waiting in their comment box."""
    from django.test import Client

    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {}):
        browser = Client(enforce_csrf_checks=True, headers=headers)
        response = browser.post(add_url(note), {"body": "Planted cross-site.", "typed_by": typed_by(member)})
        assert response.status_code == 403
        assert "What you typed has been kept" not in response.content.decode()
        assert "sessionid" not in response.cookies
