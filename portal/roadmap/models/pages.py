from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.core.blocks import BodyBlock


class RoadmapPage(Page):
    """The programme's aim and how it gets there.

    A placeholder for now: the roadmap issue adds the driver diagram,
    milestones and measures.
    """

    aim = models.TextField(help_text="The programme's aim in one or two sentences.")
    target_date = models.DateField(help_text="When the programme means to have met its aim.")
    intro = models.TextField(blank=True, help_text="A short introduction under the aim.")
    body = StreamField(BodyBlock(), blank=True, help_text="How the programme is organised: its workstreams and plans.")

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    content_panels = Page.content_panels + [
        FieldPanel("aim"),
        FieldPanel("target_date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("aim"), index.SearchField("body")]
