"""A moderator's decision in the page editor, sent twice: by a double click or by the editor's autosave.

Wagtail's editor adds the hidden ``action-workflow-action`` and
``workflow-action-name`` fields to the edit form when "Approve and publish" is
pressed, so anything else that sends the form afterwards (a second click, the
autosave) asks for the same decision again, after it has been made.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from learning.models import LearningNotePage

from .conftest import learning_note_data

pytestmark = pytest.mark.django_db


class EditForm(HTMLParser):
    """What a browser would send from the page editor's form (buttons left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self.in_form, self.textarea, self.select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-edit-form" in attrs:
            self.in_form = True
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.data.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


def edit_form(client, page):
    parser = EditForm()
    parser.feed(client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def approve_and_publish(form):
    return {**form, "action-workflow-action": "true", "workflow-action-name": "approve"}


@pytest.fixture
def submitted(client, member, indexes, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/share/learning-note/", learning_note_data(title="Night drinks round"))
    mailoutbox.clear()
    return LearningNotePage.objects.get()


def test_a_second_approve_and_publish_changes_nothing_and_says_it_was_already_decided(
    client, moderator, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:edit", args=[submitted.pk])
    form = approve_and_publish(edit_form(client, submitted))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
    page = LearningNotePage.objects.get()
    assert page.live and not page.has_unpublished_changes
    published = page.live_revision_id
    revisions = page.revisions.count()

    client.raise_request_exception = False
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, form, follow=True)
    assert second.status_code == 200
    assert "already" in second.content.decode()
    page = LearningNotePage.objects.get()
    assert page.live and not page.has_unpublished_changes
    assert page.live_revision_id == published == page.latest_revision_id
    assert page.revisions.count() == revisions
    assert [mail.subject for mail in mailoutbox] == ["Published on the Safety Learning Portal: Night drinks round"]


def test_an_autosave_carrying_the_decision_after_it_was_made_saves_nothing(
    client, moderator, submitted, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:edit", args=[submitted.pk])
    form = approve_and_publish(edit_form(client, submitted))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form)
    revisions = submitted.revisions.count()

    client.raise_request_exception = False
    autosave = client.post(url, form, headers={"Accept": "application/json"})
    assert autosave.status_code in (400, 409)
    assert autosave.json()["success"] is False
    page = LearningNotePage.objects.get()
    assert page.live and not page.has_unpublished_changes
    assert page.revisions.count() == revisions


def test_an_autosave_never_makes_the_decision_itself(client, moderator, submitted):
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:edit", args=[submitted.pk])
    form = approve_and_publish(edit_form(client, submitted))
    client.post(url, form, headers={"Accept": "application/json"})
    page = LearningNotePage.objects.get()
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
