"""Moderation in the Wagtail admin: who is emailed, changes requested, resubmission, approval and the log."""

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry, Workflow, WorkflowState

from learning.factories import LearningNotePageFactory
from learning.models import Contribution, LearningNotePage
from portal.members.factories import MemberFactory, ModeratorFactory, UserFactory

from .conftest import learning_note_data

pytestmark = pytest.mark.django_db


def main(response):
    html = response.content.decode()
    return html[html.index('<main class="nhsuk-main-wrapper"') : html.index("</main>")]


def act_in_admin(client, moderator, page, action, comment=""):
    """Press Approve or Request changes in the admin, as a moderator would."""
    task_state = page.current_workflow_state.current_task_state
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    response = client.post(url, {"comment": comment})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def submitted(client, member, indexes, mailoutbox, django_capture_on_commit_callbacks):
    """A learning note the member has sent for review; the outbox is emptied afterwards."""
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/share/learning-note/", learning_note_data(title="Night drinks round"))
    page = LearningNotePage.objects.get()
    mailoutbox.clear()
    return page


def test_the_community_workflow_has_one_approval_step_for_moderators():
    workflow = Workflow.objects.get(name="Community submissions")
    [task] = [wt.task.specific for wt in workflow.workflow_tasks.all()]
    assert [group.name for group in task.groups.all()] == ["Moderators"]
    assert workflow.active and task.active
    assert not workflow.workflow_pages.exists()  # the admin's own pages keep Wagtail's moderation


def test_moderators_are_emailed_by_wagtail_with_a_link_to_the_page_in_the_admin(client, member, indexes, mailoutbox):
    moderators = [ModeratorFactory(), ModeratorFactory()]
    ModeratorFactory(is_active=False)
    MemberFactory()  # another member: not told
    client.force_login(member)
    client.post("/share/learning-note/", learning_note_data(title="Night drinks round"))
    page = LearningNotePage.objects.get()
    to_moderators = [mail for mail in mailoutbox if "submitted for approval" in mail.subject]
    assert sorted(mail.to[0] for mail in to_moderators) == sorted(m.email for m in moderators)
    assert all(f"/admin/pages/{page.pk}/edit/" in mail.body for mail in to_moderators)
    assert all("Night drinks round" in mail.subject for mail in to_moderators)
    assert len(mailoutbox) == 2  # nothing to the member, and one email per moderator
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_a_moderator_sees_the_submission_in_the_admin(client, submitted, moderator):
    client.force_login(moderator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Awaiting your review" in html and "Night drinks round" in html


def test_requesting_changes_emails_the_member_with_the_comment_and_a_public_edit_link(
    client, member, moderator, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act_in_admin(client, moderator, submitted, "reject", comment="Please say which corridor <b>first</b>.")
    assert submitted.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not LearningNotePage.objects.get().live
    [mail] = mailoutbox  # ours only: Wagtail's admin-linked email to the member is not sent
    contribution = Contribution.objects.get()
    assert mail.to == [member.email]
    assert mail.subject == "Please make a few changes: Night drinks round"
    assert "Please say which corridor <b>first</b>." in mail.body
    assert f"http://127.0.0.1:8000/share/mine/{contribution.pk}/edit/" in mail.body
    assert "/admin/" not in mail.body

    client.force_login(member)
    html = main(client.get("/share/mine/"))
    assert "Changes requested</strong>" in html
    assert "Please say which corridor &lt;b&gt;first&lt;/b&gt;." in html
    edit = main(client.get(f"/share/mine/{contribution.pk}/edit/"))
    assert "Changes the programme team asked for" in edit and "which corridor" in edit


def test_the_member_edits_and_resubmits_and_moderators_are_told_again(
    client, member, moderator, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act_in_admin(client, moderator, submitted, "reject", comment="Add the date you started.")
    mailoutbox.clear()
    first_state = submitted.current_workflow_state
    contribution = Contribution.objects.get()
    client.force_login(member)
    data = learning_note_data(title="Night drinks round (from March)")
    data["revision"] = LearningNotePage.objects.get().latest_revision_id  # as the edit form carries it
    response = client.post(f"/share/mine/{contribution.pk}/edit/", data)
    assert response["Location"] == "/share/mine/"
    page = LearningNotePage.objects.get()
    state = page.current_workflow_state
    assert state.pk == first_state.pk and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.revision == page.latest_revision
    assert state.current_task_state.revision.as_object().title == "Night drinks round (from March)"
    assert [mail.to for mail in mailoutbox] == [[moderator.email]]
    assert "In review</strong>" in main(client.get("/share/mine/"))


def test_approval_publishes_emails_the_member_a_live_link_and_is_logged(
    client, member, moderator, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act_in_admin(client, moderator, submitted, "approve")
    page = LearningNotePage.objects.get()
    assert page.live and page.owner == member
    assert page.current_workflow_state is None
    [mail] = mailoutbox
    assert mail.to == [member.email]
    assert mail.subject == "Published on the Safety Learning Portal: Night drinks round"
    assert f"http://127.0.0.1:8000{page.url}" in mail.body and "/admin/" not in mail.body
    approval = PageLogEntry.objects.get(page=page, action="wagtail.workflow.approve")
    assert approval.user == moderator
    assert PageLogEntry.objects.get(page=page, action="wagtail.publish").user == moderator
    assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.start", user=member).exists()

    client.logout()
    assert "Night drinks round" in client.get(page.url).content.decode()
    client.force_login(member)
    html = main(client.get("/share/mine/"))
    assert "Published</strong>" in html and f'href="{page.url}"' in html
    assert client.get(f"/share/mine/{Contribution.objects.get().pk}/edit/")["Location"] == "/share/mine/"


def test_pages_submitted_in_the_admin_keep_wagtails_own_emails(
    client, learning_index, mailoutbox, django_capture_on_commit_callbacks
):
    editor = ModeratorFactory()
    reviewer = ModeratorFactory()
    page = LearningNotePageFactory(parent=learning_index, title="Written by the team", live=False)
    page.save_revision(user=editor)
    Workflow.objects.get(name="Community submissions").start(page, editor)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act_in_admin(client, reviewer, page, "approve")
    [mail] = mailoutbox
    assert mail.to == [editor.email]
    assert mail.subject == 'The page "Written by the team" has been approved in "Community submissions".'


def test_an_inactive_member_or_one_without_email_is_not_emailed(
    client, member, moderator, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    type(member).objects.filter(pk=member.pk).update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        act_in_admin(client, moderator, submitted, "approve")
    assert mailoutbox == []
    assert LearningNotePage.objects.get().live


def test_a_superuser_without_moderator_group_can_also_moderate(client, submitted):
    act_in_admin(client, UserFactory(is_superuser=True), submitted, "approve")
    assert LearningNotePage.objects.get().live


def test_moderators_edit_a_submission_and_its_photos_in_the_admin(client, moderator, submitted):
    client.force_login(moderator)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[submitted.pk])).content.decode()
    assert "Night drinks round" in html
    assert 'id="id_photos-TOTAL_FORMS"' in html
