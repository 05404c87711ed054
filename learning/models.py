"""Learning notes and peer-visit reports: short, structured, written by members.

Their text fields are plain text (shown with line breaks, always escaped) so
that members can later post them from the public site without a rich-text
editor, and nothing they type can inject markup.

Both may carry up to a few photos (``XPagePhoto``), and ``Contribution``
records each one a member posted from the public site (see ``learning.views``).
"""

import secrets

from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, WorkflowState
from wagtail.search import index

from portal.core.models import KnowledgeIndexPage, KnowledgePage


class PagePhoto(Orderable):
    """A photo on a learning note or peer-visit report, always with alt text."""

    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The photo. People in it must have agreed to it being shared.",
    )
    alt_text = models.CharField(
        max_length=200,
        help_text="What the photo shows, for people who cannot see it, such as 'Drinks trolley with coloured cups'.",
    )
    caption = models.CharField(max_length=255, blank=True, help_text="An optional line shown under the photo.")

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        abstract = True


class LearningNotePageTag(TaggedItemBase):
    content_object = ParentalKey("learning.LearningNotePage", related_name="tagged_items", on_delete=models.CASCADE)


class LearningNotePage(KnowledgePage):
    """What a team tried, what happened, what they learned and would advise."""

    author_name = models.CharField(max_length=120, help_text="Who wrote this note, as they want to be named.")
    organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_notes",
        help_text="The organisation the author works for.",
    )
    what_we_tried = models.TextField(help_text="The change you made or tested.")
    what_happened = models.TextField(help_text="What actually happened, including what did not go to plan.")
    what_we_learned = models.TextField(help_text="What you know now that you did not before.")
    what_we_would_advise = models.TextField(help_text="Your advice to another team trying the same thing.")
    tags = ClusterTaggableManager(
        through=LearningNotePageTag, blank=True, help_text="Topics such as falls, medicines or handover."
    )

    parent_page_types = ["learning.LearningIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.summary_panels(),
        MultiFieldPanel([FieldPanel("author_name"), FieldPanel("organisation")], heading="Author"),
        FieldPanel("what_we_tried"),
        FieldPanel("what_happened"),
        FieldPanel("what_we_learned"),
        FieldPanel("what_we_would_advise"),
        InlinePanel("photos", heading="Photos", label="Photo", max_num=3),
        *KnowledgePage.taxonomy_panels,
    ]

    search_fields = KnowledgePage.search_fields + [
        index.SearchField("what_we_tried"),
        index.SearchField("what_happened"),
        index.SearchField("what_we_learned"),
        index.SearchField("what_we_would_advise"),
        index.SearchField("author_name"),
        *KnowledgePage.tag_search_fields,
        index.RelatedFields("organisation", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "learning note"


class LearningNotePagePhoto(PagePhoto):
    page = ParentalKey(LearningNotePage, on_delete=models.CASCADE, related_name="photos")


class LearningIndexPage(KnowledgeIndexPage):
    child_model = LearningNotePage
    subpage_types = ["learning.LearningNotePage"]

    class Meta:
        verbose_name = "learning index page"


class PeerVisitReportPageTag(TaggedItemBase):
    content_object = ParentalKey("learning.PeerVisitReportPage", related_name="tagged_items", on_delete=models.CASCADE)


class PeerVisitReportPage(KnowledgePage):
    """A visit by one organisation to another: what works, what could be better."""

    host_organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        on_delete=models.SET_NULL,
        related_name="hosted_visits",
        help_text="The organisation that was visited.",
    )
    visiting_organisations = ParentalManyToManyField(
        "taxonomy.Organisation",
        related_name="visits_made",
        help_text="The organisations the visitors came from.",
    )
    visitors = models.CharField(
        max_length=255, blank=True, help_text="Names of the visitors, separated by commas, if they agree to be named."
    )
    focus = models.CharField(max_length=255, help_text="What the visit set out to look at, in one sentence.")
    what_works_well = models.TextField(help_text="What the visitors saw working well.")
    what_could_be_better = models.TextField(help_text="What could be better. Be specific and kind.")
    ideas_to_take_home = models.TextField(help_text="Ideas the visitors will try in their own organisation.")
    agreed_actions = models.TextField(blank=True, help_text="Actions agreed at the end of the visit, one on each line.")
    tags = ClusterTaggableManager(
        through=PeerVisitReportPageTag, blank=True, help_text="Topics such as falls, medicines or handover."
    )

    parent_page_types = ["learning.PeerVisitIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.summary_panels(date_heading="Visit date"),
        MultiFieldPanel(
            [FieldPanel("host_organisation"), FieldPanel("visiting_organisations"), FieldPanel("visitors")],
            heading="Who visited whom",
        ),
        FieldPanel("focus"),
        FieldPanel("what_works_well"),
        FieldPanel("what_could_be_better"),
        FieldPanel("ideas_to_take_home"),
        FieldPanel("agreed_actions"),
        InlinePanel("photos", heading="Photos", label="Photo", max_num=3),
        *KnowledgePage.taxonomy_panels,
    ]

    search_fields = KnowledgePage.search_fields + [
        index.SearchField("focus"),
        index.SearchField("what_works_well"),
        index.SearchField("what_could_be_better"),
        index.SearchField("ideas_to_take_home"),
        index.SearchField("agreed_actions"),
        *KnowledgePage.tag_search_fields,
        index.RelatedFields("host_organisation", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "peer-visit report"

    @property
    def agreed_action_list(self):
        return [line.strip() for line in self.agreed_actions.splitlines() if line.strip()]


class PeerVisitReportPagePhoto(PagePhoto):
    page = ParentalKey(PeerVisitReportPage, on_delete=models.CASCADE, related_name="photos")


class PeerVisitIndexPage(KnowledgeIndexPage):
    child_model = PeerVisitReportPage
    subpage_types = ["learning.PeerVisitReportPage"]

    class Meta:
        verbose_name = "peer-visit index page"


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
