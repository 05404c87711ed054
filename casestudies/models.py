from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from portal.core.blocks import BodyBlock, ResultFiguresBlock
from portal.core.models import KnowledgeIndexPage, KnowledgePage

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


class CaseStudyPageTag(TaggedItemBase):
    content_object = ParentalKey("casestudies.CaseStudyPage", related_name="tagged_items", on_delete=models.CASCADE)


class CaseStudyPage(KnowledgePage):
    """The story of one improvement, told so that others can copy it."""

    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A picture shown at the top of the page.",
    )
    hero_image_alt = models.CharField(
        "hero image alt text",
        max_length=255,
        blank=True,
        help_text="Describe what the picture shows for someone who cannot see it. Required with a picture.",
    )
    organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_studies",
        help_text="The organisation to contact about this work.",
    )
    contact_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="The person readers can ask about this work, if they are happy to be named.",
    )
    problem = RichTextField(features=RICH_TEXT_FEATURES, help_text="What was going wrong, and for whom.")
    what_was_done = RichTextField(
        features=RICH_TEXT_FEATURES, help_text="What the team changed, in the order they did it."
    )
    results = RichTextField(
        features=RICH_TEXT_FEATURES, help_text="What happened, good and bad. Give figures where you have them."
    )
    result_figures = StreamField(
        [("figures", ResultFiguresBlock())],
        blank=True,
        max_num=1,
        help_text="Optional before-and-after figures, shown as a table under Results.",
    )
    what_others_can_copy = RichTextField(
        features=RICH_TEXT_FEATURES, help_text="The parts another team could take and use, and what they would need."
    )
    body = StreamField(BodyBlock(), blank=True, help_text="Anything else: extra sections, images, links.")
    tags = ClusterTaggableManager(
        through=CaseStudyPageTag, blank=True, help_text="Topics such as falls, medicines or handover."
    )

    parent_page_types = ["casestudies.CaseStudyIndexPage"]
    subpage_types = []
    serve_select_related = ("hero_image", "organisation")

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.summary_panels(),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading="Picture"),
        MultiFieldPanel(
            [FieldPanel("organisation"), FieldPanel("contact_name")],
            heading="Contact",
        ),
        FieldPanel("problem"),
        FieldPanel("what_was_done"),
        FieldPanel("results"),
        FieldPanel("result_figures"),
        FieldPanel("what_others_can_copy"),
        FieldPanel("body"),
        *KnowledgePage.taxonomy_panels,
    ]

    search_fields = KnowledgePage.search_fields + [
        index.SearchField("problem"),
        index.SearchField("what_was_done"),
        index.SearchField("results"),
        index.SearchField("what_others_can_copy"),
        index.SearchField("body"),
        *KnowledgePage.tag_search_fields,
        index.RelatedFields("organisation", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "case study"
        verbose_name_plural = "case studies"

    def clean(self):
        super().clean()
        if self.hero_image_id and not self.hero_image_alt.strip():
            raise ValidationError(
                {"hero_image_alt": "Describe the picture, so that people who cannot see it know what it shows."}
            )


class CaseStudyIndexPage(KnowledgeIndexPage):
    child_model = CaseStudyPage
    subpage_types = ["casestudies.CaseStudyPage"]

    class Meta:
        verbose_name = "case study index page"
