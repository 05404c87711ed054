"""Posting from the public site: ``Contribution`` records each learning note or
peer-visit report a member posted (see ``learning.views``); ``RefusedPhoto`` and
``HeldPhoto`` keep track of photos refused or held across a form's errors.
"""

import secrets

from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, WorkflowState


class ContributionQuerySet(models.QuerySet):
    def by(self, user):
        return self.filter(author=user)

    def started_since(self, moment):
        return self.filter(created_at__gte=moment)

    def with_status(self):
        """Each contribution's page and its newest moderation state, in one query.

        ``workflow_status`` is the newest workflow state's status (None if it was
        never submitted) and ``moderator_comment`` the comment on that state's
        current task, which is the moderator's when changes were requested.
        """
        newest_state = WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=Cast(OuterRef("page_id"), output_field=CharField()),
        ).order_by("-created_at", "-pk")
        return self.select_related("page").annotate(
            workflow_status=Subquery(newest_state.values("status")[:1]),
            moderator_comment=Subquery(newest_state.values("current_task_state__comment")[:1]),
        )


class Contribution(models.Model):
    """A page a member started from the public site.

    ``token`` comes from the form the member was shown; it is unique, so the
    same form sent twice (a double tap, a resent request) can create only one
    page. Counting a member's rows also gives the posting limit, exactly and
    across processes, without a cache.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PUBLISHED = "published", "Published"

    token = models.UUIDField(unique=True, editable=False)
    author = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributions", editable=False
    )
    page = models.OneToOneField(Page, null=True, on_delete=models.CASCADE, related_name="contribution", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.page.draft_title if self.page_id else str(self.token)

    @property
    def kind(self):
        """'Learning note' or 'Peer-visit report', from the content type cache (no query)."""
        return self.page.specific_class._meta.verbose_name.capitalize()

    @property
    def status(self):
        """Needs ``with_status()``: the page's state in the words a member sees."""
        if self.page.live:
            return self.Status.PUBLISHED
        if self.workflow_status == WorkflowState.STATUS_IN_PROGRESS:
            return self.Status.IN_REVIEW
        if self.workflow_status == WorkflowState.STATUS_NEEDS_CHANGES:
            return self.Status.CHANGES_REQUESTED
        return self.Status.DRAFT

    @property
    def is_editable(self):
        """Drafts and pages sent back for changes; Wagtail locks a page under review."""
        return self.status in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED)


class RefusedPhoto(models.Model):
    """A photo a member chose that was refused: not a photo, too big, too many pixels or damaged.

    Checking a photo costs the server work even when it is refused, so each one
    counts against the member's posting limit (``learning.moderation.posts_left_today``).
    """

    member = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    reason = models.CharField(max_length=20, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    def __str__(self):
        return f"{self.reason} at {self.created_at:%Y-%m-%d %H:%M}"


def new_held_photo_key():
    return secrets.token_urlsafe(32)


class HeldPhoto(models.Model):
    """A photo a member chose on a form that came back with a problem, kept until the post is saved.

    The image is stored privately (``learning.private_photos``) and served only
    to the member. It is bound to the member and to the form's one-time token,
    and found again by a random ``key`` the form carries, so nobody else can
    see it or attach it to their post. Saving the post uses it or deletes it;
    ``manage.py expire_held_photos`` deletes any left after ``learning.held_photos.HOLD_FOR``.
    """

    key = models.CharField(max_length=64, unique=True, default=new_held_photo_key, editable=False)
    member = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    form_token = models.UUIDField(db_index=True, editable=False)
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+", editable=False)
    original_name = models.CharField(max_length=255, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    def __str__(self):
        return self.original_name
