"""The shared base of every knowledge page, and the portal's site settings.

Case studies, learning notes, peer-visit reports and updates all inherit from
``KnowledgePage``, a concrete (multi-table) page model. Keeping summary, date,
settings and safety domains in one table lets the browse pages, the home page
and search list every kind of knowledge in one query, newest first, without a
union per page type. Topic tags stay per page type (``XPageTag``) as
django-taggit's ``ClusterTaggableManager`` expects.
"""

from django import forms
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.taxonomy.models import SafetyDomain, Setting


class KnowledgePageQuerySet(PageQuerySet):
    def in_setting(self, setting):
        return self.filter(settings=setting)

    def in_domain(self, domain):
        return self.filter(safety_domains=domain)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def newest_first(self):
        return self.order_by("-date", "-pk")

    def for_listing(self):
        """Everything a card shows, fetched in a constant number of queries."""
        return self.live().public().prefetch_related("settings", "safety_domains").newest_first()


KnowledgePageManager = PageManager.from_queryset(KnowledgePageQuerySet)


class KnowledgePage(Page):
    """Base of all knowledge content; never created on its own."""

    summary = models.TextField(
        max_length=300,
        help_text="One or two sentences that say what this is about. Shown on cards and in search results.",
    )
    date = models.DateField(
        default=timezone.localdate,
        help_text="When this happened or was written up. Listings put the newest first.",
    )
    settings = ParentalManyToManyField(
        Setting,
        related_name="pages",
        help_text="Every care setting this applies to. Choose 'Whole system' for work that spans settings.",
    )
    safety_domains = ParentalManyToManyField(
        SafetyDomain,
        related_name="pages",
        verbose_name="safety domains",
        help_text="The safety domains this speaks to, from the Measuring and Monitoring of Safety framework.",
    )

    objects = KnowledgePageManager()

    is_creatable = False

    # Subclasses add these to their content panels; each subclass has ``tags``.
    taxonomy_panels = [
        MultiFieldPanel(
            [
                FieldPanel("settings", widget=forms.CheckboxSelectMultiple),
                FieldPanel("safety_domains", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading="Tagging",
        )
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.FilterField("date"),
        index.RelatedFields("settings", [index.SearchField("name")]),
        index.RelatedFields("safety_domains", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "knowledge page"

    @property
    def content_type_label(self):
        """'Case study', 'Learning note', ...: the specific page type's name."""
        return self.specific_class._meta.verbose_name.capitalize()


@register_setting(icon="cog")
class PortalSettings(BaseSiteSetting):
    programme_name = models.CharField(
        max_length=120,
        default="Salford Safer Care Partnership",
        help_text="The programme's name, shown in the footer.",
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where people can write to the programme team. Shown in the footer."
    )
    footer_note = models.CharField(
        max_length=255,
        blank=True,
        help_text="A short line in the footer, for example who runs the portal.",
    )

    panels = [FieldPanel("programme_name"), FieldPanel("contact_email"), FieldPanel("footer_note")]

    class Meta:
        verbose_name = "portal settings"


class KnowledgeIndexPage(Page):
    """A listing of one kind of knowledge page, filterable by setting, domain and topic.

    Subclasses name the ``child_model`` they list; its ``tag_through`` model
    supplies the topics offered in the filter.
    """

    intro = models.TextField(blank=True, help_text="A sentence or two under the title saying what is listed here.")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    child_model = None
    max_count = 1
    parent_page_types = ["home.HomePage"]

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        # Wagtail sets a per-class default template; every listing looks alike.
        return "core/knowledge_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from portal.core.listing import build_listing, tags_in_use

        context = super().get_context(request, *args, **kwargs)
        model = self.child_model
        context["listing"] = build_listing(
            request,
            model.objects.child_of(self).for_listing(),
            tags=tags_in_use(model.tags.through),
        )
        context["item_noun_plural"] = model._meta.verbose_name_plural
        return context
