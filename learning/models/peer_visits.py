"""Peer-visit reports: one organisation's visit to another, what works and what could be better.

Plain-text fields, like learning notes (``learning.models.notes``), so members
can post them from the public site.
"""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from portal.core.models import KnowledgeIndexPage, KnowledgePage

from .page_photos import PagePhoto


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
    serve_select_related = ("host_organisation",)

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
