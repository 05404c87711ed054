"""Learning notes: what a team tried, what happened, what they learned and would advise.

Their text fields are plain text (shown with line breaks, always escaped) so
that members can post them from the public site without a rich-text editor,
and nothing they type can inject markup.
"""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from portal.core.models import KnowledgeIndexPage, KnowledgePage

from .page_photos import PagePhoto


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
    serve_select_related = ("organisation",)

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
