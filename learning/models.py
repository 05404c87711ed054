"""Learning notes and peer-visit reports: short, structured, written by members.

Their text fields are plain text (shown with line breaks, always escaped) so
that members can later post them from the public site without a rich-text
editor, and nothing they type can inject markup.
"""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from portal.core.models import KnowledgeIndexPage, KnowledgePage


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
        FieldPanel("summary"),
        FieldPanel("date"),
        MultiFieldPanel([FieldPanel("author_name"), FieldPanel("organisation")], heading="Author"),
        FieldPanel("what_we_tried"),
        FieldPanel("what_happened"),
        FieldPanel("what_we_learned"),
        FieldPanel("what_we_would_advise"),
        *KnowledgePage.taxonomy_panels,
    ]

    search_fields = KnowledgePage.search_fields + [
        index.SearchField("what_we_tried"),
        index.SearchField("what_happened"),
        index.SearchField("what_we_learned"),
        index.SearchField("what_we_would_advise"),
        index.SearchField("author_name"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.RelatedFields("organisation", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "learning note"


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
        FieldPanel("summary"),
        FieldPanel("date", heading="Visit date"),
        MultiFieldPanel(
            [FieldPanel("host_organisation"), FieldPanel("visiting_organisations"), FieldPanel("visitors")],
            heading="Who visited whom",
        ),
        FieldPanel("focus"),
        FieldPanel("what_works_well"),
        FieldPanel("what_could_be_better"),
        FieldPanel("ideas_to_take_home"),
        FieldPanel("agreed_actions"),
        *KnowledgePage.taxonomy_panels,
    ]

    search_fields = KnowledgePage.search_fields + [
        index.SearchField("focus"),
        index.SearchField("what_works_well"),
        index.SearchField("what_could_be_better"),
        index.SearchField("ideas_to_take_home"),
        index.SearchField("agreed_actions"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.RelatedFields("host_organisation", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "peer-visit report"

    @property
    def agreed_action_list(self):
        return [line.strip() for line in self.agreed_actions.splitlines() if line.strip()]


class PeerVisitIndexPage(KnowledgeIndexPage):
    child_model = PeerVisitReportPage
    subpage_types = ["learning.PeerVisitReportPage"]

    class Meta:
        verbose_name = "peer-visit index page"
