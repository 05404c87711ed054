from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from portal.core.blocks import BodyBlock
from portal.core.models import KnowledgeIndexPage, KnowledgePage


class UpdatePageTag(TaggedItemBase):
    content_object = ParentalKey("updates.UpdatePage", related_name="tagged_items", on_delete=models.CASCADE)


class UpdatePage(KnowledgePage):
    """Programme news: what has happened, what is next."""

    body = StreamField(BodyBlock(), help_text="The update itself.")
    tags = ClusterTaggableManager(through=UpdatePageTag, blank=True, help_text="Topics such as falls or medicines.")

    parent_page_types = ["updates.UpdateIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.summary_panels(),
        FieldPanel("body"),
        *KnowledgePage.taxonomy_panels,
    ]
    search_fields = KnowledgePage.search_fields + [
        index.SearchField("body"),
        *KnowledgePage.tag_search_fields,
    ]

    class Meta:
        verbose_name = "update"


class UpdateIndexPage(KnowledgeIndexPage):
    child_model = UpdatePage
    subpage_types = ["updates.UpdatePage"]

    class Meta:
        verbose_name = "update index page"
