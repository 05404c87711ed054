"""Members' comments on knowledge pages, and members' reports of comments.

Comments are plain text so that nothing a member types can become markup; the
templates escape them and keep line breaks. The programme team moderates
after the fact: a hidden comment stays in the database (with who hid it and
why) so that it can be restored, and the audit trail lives in Wagtail's log.

Wagtail has its own, unrelated ``wagtail.models.Comment`` for editors'
comments inside the page editor; the related names here are chosen so the two
never clash.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from portal.core.access import MODERATORS_GROUP, is_moderator

# The page types members may comment on, as "app_label.modelname". Updates
# are the programme team's announcements and take no comments.
COMMENTABLE_PAGE_TYPES = (
    "casestudies.casestudypage",
    "learning.learningnotepage",
    "learning.peervisitreportpage",
)

MAX_COMMENT_LENGTH = 2000


def takes_comments(page):
    """Whether members may comment on this page (pass the specific page)."""
    return page is not None and page._meta.label_lower in COMMENTABLE_PAGE_TYPES


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def on_page(self, page):
        return self.filter(page_id=page.pk)

    def for_display(self):
        """Oldest first, with each author's name, organisation and whether they are the programme team, in one query."""
        in_team = get_user_model().groups.through.objects.filter(
            user_id=OuterRef("author_id"), group__name=MODERATORS_GROUP
        )
        return (
            self.select_related("author__member_profile__organisation")
            .annotate(author_in_team=Exists(in_team))
            .order_by("created_at", "pk")
        )

    def by_author_since(self, user, since):
        return self.filter(author=user, created_at__gte=since)

    def with_report_count(self):
        return self.annotate(report_count=Count("reports", distinct=True))

    def reported(self):
        return self.filter(Exists(CommentReport.objects.filter(comment=OuterRef("pk"))))

    def not_reported(self):
        return self.exclude(Exists(CommentReport.objects.filter(comment=OuterRef("pk"))))

    def waiting_for_decision(self):
        """Shown comments with a report that came in since a moderator last hid, restored or kept them."""
        newer_reports = CommentReport.objects.filter(comment=OuterRef("pk")).filter(
            Q(comment__reports_reviewed_at__isnull=True) | Q(created_at__gt=F("comment__reports_reviewed_at"))
        )
        return self.visible().filter(Exists(newer_reports))

    def for_moderation(self):
        """What the admin listing shows on each row, in one query."""
        return self.select_related("page", "author").with_report_count().order_by("-created_at", "-pk")


class Comment(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="member_comments",
        help_text="The page this comment is on.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_comments",
        help_text="The member who wrote the comment. Empty once they have deleted their account.",
    )
    author_organisation_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="The author's organisation when they posted, kept so the comment still says "
        "where it came from after the author deletes their account.",
    )
    body = models.TextField(
        max_length=MAX_COMMENT_LENGTH,
        help_text="What the member wrote, as plain text.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When it was posted.")
    is_hidden = models.BooleanField(
        default=False,
        help_text="Hidden comments are not shown on the page. Use Hide and Restore rather than changing this.",
    )
    hidden_at = models.DateTimeField(null=True, blank=True, help_text="When the comment was last hidden.")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who last hid the comment.",
    )
    reports_reviewed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a moderator last decided on this comment (hid, restored or kept it). "
        "Reports after this are waiting for a decision.",
    )
    hide_reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why the comment was hidden, for the programme team's records. Not shown publicly.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["page", "is_hidden", "created_at"])]

    def __str__(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 60 else f"{text[:59]}…"

    @property
    def author_name(self):
        """How the author is named in public: their full name, never their email address."""
        if self.author_id is None:
            return "A former member"
        return self.author.get_full_name() or "A community member"

    @property
    def author_organisation(self):
        """The organisation as it is now; the snapshot taken at posting once the author has gone."""
        if self.author_id is None:
            return self.author_organisation_name
        try:
            profile = self.author.member_profile
        except ObjectDoesNotExist:
            return self.author_organisation_name
        return profile.organisation_name or self.author_organisation_name

    @property
    def by_programme_team(self):
        """Whether the author is in the programme team now: shown as a tag that no name can imitate."""
        if self.author_id is None:
            return False
        in_team = getattr(self, "author_in_team", None)
        if in_team is None:
            return is_moderator(self.author)
        return in_team or self.author.is_superuser

    def hide(self, by, reason=""):
        self.is_hidden = True
        self.hidden_at = self.reports_reviewed_at = timezone.now()
        self.hidden_by = by
        self.hide_reason = reason
        self.save(update_fields=["is_hidden", "hidden_at", "hidden_by", "hide_reason", "reports_reviewed_at"])

    def restore(self):
        self.is_hidden = False
        self.reports_reviewed_at = timezone.now()
        self.save(update_fields=["is_hidden", "reports_reviewed_at"])

    def keep(self):
        """A moderator has read the reports and leaves the comment on the page."""
        self.reports_reviewed_at = timezone.now()
        self.save(update_fields=["reports_reviewed_at"])


class CommentReport(models.Model):
    """A member telling the programme team that a comment needs looking at."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", help_text="The comment reported."
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
        help_text="The member who reported it.",
    )
    reason = models.TextField(max_length=500, blank=True, help_text="What the member said is wrong, if anything.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When it was reported.")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_member_per_comment"),
        ]

    def __str__(self):
        return f"Report of comment {self.comment_id}"
