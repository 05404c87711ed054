from django.db import models
from django.db.models import Count
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.core.access import audience
from portal.core.blocks import BodyBlock
from portal.core.memo import remember
from portal.core.models import KnowledgePage
from portal.roadmap.models import RoadmapPage
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
        context["latest"] = KnowledgePage.objects.for_listing(request.user)[: self.latest_count]
        counts = pages_per_term(request.user)
        context["settings_with_counts"] = _with_counts(Setting.objects.all(), counts["settings"])
        context["domains_with_counts"] = _with_counts(SafetyDomain.objects.all(), counts["domains"])
        # The aim leads to the roadmap: a reader looking for the plan found it only in the header's "More" menu.
        context["roadmap"] = RoadmapPage.objects.live().public().only("url_path", "path").first()
        return context


def pages_per_term(user):
    """How many pages ``user`` may see in each care setting and safety domain.

    ``{"settings": {setting id: pages}, "domains": {domain id: pages}}``.
    Counting reads every page, so the answer is kept until content changes,
    once per audience (members see member-only pages too).
    """

    def count():
        visible = KnowledgePage.objects.visible_to(user).order_by()
        return {
            "settings": dict(visible.filter(settings__isnull=False).values_list("settings").annotate(n=Count("pk"))),
            "domains": dict(
                visible.filter(safety_domains__isnull=False).values_list("safety_domains").annotate(n=Count("pk"))
            ),
        }

    return remember(f"pages-per-term:{audience(user)}", count)


def _with_counts(terms, counts):
    terms = list(terms)
    for term in terms:
        term.page_count = counts.get(term.pk, 0)
    return terms


class StandardPage(Page):
    """About, help and other plain pages."""

    intro = models.TextField(blank=True, help_text="A sentence or two under the title.")
    body = StreamField(BodyBlock(), blank=True, help_text="The page's content.")

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
