"""Emails about members' posts, hooked to Wagtail's workflow signals.

What Wagtail already sends (``wagtail.admin.signal_handlers``):

- on ``task_submitted``, every active member of the task's groups (our
  Moderators) and every superuser gets "submitted for moderation" with a link
  to the page in the admin; on ``workflow_submitted`` superusers get one more.
  That covers "moderators hear of new submissions", so we send them nothing.
- on ``workflow_approved`` and ``workflow_rejected``, the person who submitted
  gets an email whose links go to the admin. Members cannot use the admin, so
  for pages posted from the public site those two are replaced by ours, which
  link to the public site; pages submitted in the admin keep Wagtail's.

The replacements are connected under Wagtail's own ``dispatch_uid`` values
(see ``LearningConfig.ready``), so each event sends one email per person
whichever app is ready first.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.admin.mail import WorkflowStateApprovalEmailNotifier, WorkflowStateRejectionEmailNotifier
from wagtail.models import Page

from portal.core.links import page_url, public_url
from portal.mail.outbox import queue_email

from .models import Contribution


def contribution_for(workflow_state):
    """The public-site post a workflow is moderating, or None for any other page or object."""
    if workflow_state.base_content_type_id != ContentType.objects.get_for_model(Page).pk:
        return None
    return Contribution.objects.select_related("author").filter(page_id=workflow_state.object_id).first()


class AdminApprovalNotifier(WorkflowStateApprovalEmailNotifier):
    """Wagtail's approval email, except for posts from the public site (their authors get ours)."""

    def get_recipient_users(self, workflow_state, **kwargs):
        if contribution_for(workflow_state) is not None:
            return set()
        return super().get_recipient_users(workflow_state, **kwargs)


class AdminRejectionNotifier(WorkflowStateRejectionEmailNotifier):
    """Wagtail's changes-requested email, except for posts from the public site."""

    def get_recipient_users(self, workflow_state, **kwargs):
        if contribution_for(workflow_state) is not None:
            return set()
        return super().get_recipient_users(workflow_state, **kwargs)


admin_approval_notifier = AdminApprovalNotifier()
admin_rejection_notifier = AdminRejectionNotifier()


def email_author_on_approval(sender, instance, user=None, **kwargs):
    """Tell the member their post is live, once the approval is saved and only if the page really is live."""
    contribution = contribution_for(instance)
    if contribution is None:
        return
    revision_id = instance.current_task_state.revision_id
    transaction.on_commit(lambda: _email_published(contribution, revision_id))


def _email_published(contribution, revision_id):
    page = Page.objects.filter(pk=contribution.page_id, live=True).first()
    if page is None:
        return
    page = page.specific
    context = {"author": contribution.author, "page": page, "live_url": page_url(page)}
    key = f"post-approved:{page.pk}:{revision_id}:{contribution.author_id}"
    _queue(contribution.author, key, "learning/emails/approved", context)


def email_author_on_changes_requested(sender, instance, user=None, **kwargs):
    contribution = contribution_for(instance)
    if contribution is None:
        return
    page = Page.objects.get(pk=contribution.page_id).specific
    context = {
        "author": contribution.author,
        "page": page,
        "title": page.draft_title,
        "comment": instance.current_task_state.specific.get_comment(),
        "edit_url": public_url(reverse("share:edit", args=[contribution.pk])),
    }
    key = f"post-changes-requested:{page.pk}:{instance.current_task_state.pk}:{contribution.author_id}"
    _queue(contribution.author, key, "learning/emails/changes_requested", context)


def _queue(user, key, template, context):
    """Queue the email with the moderator's decision; it is sent once the decision is saved.

    A mail server that is down leaves the email waiting in the outbox
    (``portal.mail``), never an error in front of the moderator.
    """
    if not (user.is_active and user.email):
        return
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context).strip() + "\n"
    queue_email(key, [user.email], subject, body)
