from django.db import models
from django.db.models import Count, Q
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.core.blocks import BodyBlock
from portal.core.models import KnowledgePage
from portal.taxonomy.models import SafetyDomain, Setting


class HomePage(Page):
    """The front page: what the programme is, its aim, and ways in."""

    intro = models.TextField(help_text="What the programme is and who this portal is for. One or two short paragraphs.")
    aim = models.TextField(help_text="The programme's aim in one sentence, shown prominently.")
    latest_count = models.PositiveSmallIntegerField(
        default=6, help_text="How many of the newest pages to show under 'Latest learning'."
    )

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("aim"), FieldPanel("latest_count")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Counted with a subquery so the count honours privacy restrictions set
        # on any ancestor, exactly as the listings do (members also count member-only pages).
        live_public = Q(pages__in=KnowledgePage.objects.visible_to(request.user).values("pk"))
        context["latest"] = KnowledgePage.objects.for_listing(request.user)[: self.latest_count]
        context["settings_with_counts"] = Setting.objects.annotate(
            page_count=Count("pages", filter=live_public, distinct=True)
        )
        context["domains_with_counts"] = SafetyDomain.objects.annotate(
            page_count=Count("pages", filter=live_public, distinct=True)
        )
        return context


class StandardPage(Page):
    """About, help and other plain pages."""

    intro = models.TextField(blank=True, help_text="A sentence or two under the title.")
    body = StreamField(BodyBlock(), blank=True, help_text="The page's content.")

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
