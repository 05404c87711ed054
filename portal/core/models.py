"""The shared base of every knowledge page, and the portal's site settings.

Case studies, learning notes, peer-visit reports and updates all inherit from
``KnowledgePage``, a concrete (multi-table) page model. Keeping summary, date,
settings and safety domains in one table lets the browse pages, the home page
and search list every kind of knowledge in one query, newest first, without a
union per page type. Topic tags stay per page type (``XPageTag``) as
django-taggit's ``ClusterTaggableManager`` expects.
"""

from urllib.parse import urlsplit

from django import forms
from django.apps import apps
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, Value
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page, PageManager, PageViewRestriction, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.core.access import MEMBERS_GROUP, audience, is_member
from portal.taxonomy.models import SafetyDomain, Setting

from .listing import build_listing, tags_in_use
from .memo import remember
from .page_forms import PortalPageForm


def member_restrictions():
    """View restrictions that make a page member-only: "specific groups", naming the Community members group.

    Editors set one with Wagtail's own privacy dialog (docs/content-model.md).
    Any other restriction (a shared password, "any logged-in user", groups
    without the members group) keeps a page out of every listing, feed and
    search for everyone; Wagtail alone decides who may open such a page.
    """
    naming_members = PageViewRestriction.groups.through.objects.filter(
        pageviewrestriction_id=OuterRef("pk"), group__name=MEMBERS_GROUP
    )
    return PageViewRestriction.objects.filter(restriction_type=PageViewRestriction.GROUPS).filter(
        Exists(naming_members)
    )


def topic_tag_tables():
    """The topic tag table (``XPageTag``) of every knowledge page type, found from the models themselves."""
    return [
        model.tags.through
        for model in apps.get_models()
        if issubclass(model, KnowledgePage) and model is not KnowledgePage and hasattr(model, "tags")
    ]


def restricted_paths():
    """``[(path, for_members)]``: every view restriction's page path, and whether it makes pages member-only.

    One query. Wagtail's search backends filter only on indexed fields, so
    ``searchable_by`` turns these into conditions on ``path``, as Wagtail's
    own ``public()`` does.
    """
    for_members = Exists(member_restrictions().filter(pk=OuterRef("pk")))
    return list(PageViewRestriction.objects.annotate(for_members=for_members).values_list("page__path", "for_members"))


def is_members_only_path(path, restrictions):
    """Whether a page at ``path`` that the reader may see is member-only (``restrictions``: ``restricted_paths()``)."""
    return any(path.startswith(restricted) for restricted, for_members in restrictions if for_members)


def leads_to_member_only_page(request, url):
    """Whether ``url`` (a sign-in page's ``next``) is on this site and at or below a member-only page.

    The sign-in page uses it to say that the page asked for is for members,
    rather than that nobody needs an account to read. It costs no query when
    no page is member-only, and one otherwise (the member-only pages' web
    addresses), so it holds for a page a ``RoutablePageMixin`` serves below them too.
    """
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return False
    member_paths = [path for path, for_members in kept_restricted_paths() if for_members]
    site = Site.find_for_request(request) if member_paths else None
    if site is None:
        return False
    path = urlsplit(url).path.lstrip("/")
    wanted = site.root_page.url_path + path + ("" if path.endswith("/") or not path else "/")
    url_paths = Page.objects.filter(path__in=member_paths).values_list("url_path", flat=True)
    return any(wanted.startswith(url_path) for url_path in url_paths)


def hidden_from(user, restrictions=None):
    """A ``Q`` on ``path`` for the pages ``user`` may not find: under any restriction, bar member-only ones for members.

    Empty when nothing is hidden. Any model with a tree ``path`` can be
    filtered with it (``searchable_by``, and the search's own copy of each
    page, ``search.models.PageDocument``).
    """
    if restrictions is None:
        restrictions = restricted_paths()
    member = user is not None and is_member(user)
    hidden = Q()
    for path, for_members in restrictions:
        if not (member and for_members):
            hidden |= Q(path__startswith=path)
    return hidden


def kept_restricted_paths():
    """``restricted_paths()``, kept until content changes (``portal.core.memo.remember``).

    View restrictions are content: adding, changing or removing one (or the
    groups it names), and moving or deleting a page, replace the content
    generation (``portal.core.purge``), so the next request reads them afresh.
    """
    return remember("restricted-paths", restricted_paths)


class KnowledgePageQuerySet(PageQuerySet):
    def visible_to(self, user):
        """Live pages ``user`` may find: public ones, and member-only ones too for members.

        Each page carries ``members_only`` for its card's label. Pending
        members are not members (``portal.core.access.is_member``).
        """
        if user is not None and is_member(user):
            return self.visible_to_members()
        return self._visible(members=False)

    def visible_to_members(self):
        """Live pages that are public or member-only, with ``members_only`` saying which."""
        return self._visible(members=True)

    def _visible(self, members):
        """The pages under no view restriction, and for ``members`` those under member-only ones too.

        Conditions on ``path`` (a page is under a restriction set on it or on
        an ancestor), from the restrictions kept until content changes, as
        Wagtail's own ``public()`` does: a handful of restrictions cost a
        handful of conditions, where asking the restrictions table inside the
        query cost a signed-in member about 1.5 ms more per listing to build
        and compile than a visitor's (three nested subqueries against one).
        A site with no restrictions adds no condition at all.
        """
        hidden, for_members = Q(), Q()
        for path, members_may_see in kept_restricted_paths():
            if members and members_may_see:
                for_members |= Q(path__startswith=path)
            else:
                hidden |= Q(path__startswith=path)
        pages = self.live().exclude(hidden) if hidden else self.live()
        if not for_members:
            return pages.annotate(members_only=Value(False))
        return pages.annotate(members_only=ExpressionWrapper(for_members, output_field=models.BooleanField()))

    def members_only(self):
        """Live member-only pages: restricted, and only ever to members."""
        return self.visible_to_members().filter(members_only=True)

    def searchable_by(self, user, restrictions=None):
        """The pages ``visible_to(user)`` keeps, filtered on ``path`` so that Wagtail's search backends accept it.

        ``restrictions`` (from ``restricted_paths``) may be passed in when the
        caller needs them too, so that they are read once.
        """
        hidden = hidden_from(user, restrictions)
        return self.live().exclude(hidden) if hidden else self.live()

    def in_setting(self, setting):
        return self.filter(settings=setting)

    def in_domain(self, domain):
        return self.filter(safety_domains=domain)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def about_topic(self, tag):
        """Pages of every knowledge type tagged with the topic ``tag``.

        Each page type keeps its tags in its own table, so ``tagged`` works only
        on one type; this reads each type's table from the tag's side (a small
        subquery each) so that a topic page lists case studies, learning notes,
        peer-visit reports and updates together.
        """
        tagged_anywhere = Q()
        for through in topic_tag_tables():
            tagged_anywhere |= Q(pk__in=through.objects.filter(tag=tag).values("content_object_id"))
        return self.filter(tagged_anywhere)

    def newest_first(self):
        return self.order_by("-date", "-pk")

    def is_newest_first(self):
        return tuple(self.query.order_by) == ("-date", "-pk")

    def newest_slice(self, start, stop):
        """``self.newest_first()[start:stop]``, found by walking the date index from the newest page down.

        Asked for a page of twelve, SQLite reads every page under the listing
        and sorts them all, even ordered by the date index's own columns (its
        planner, without statistics, starts from ``wagtailcore_page``). Here
        the twelve ids are chosen in a subquery over ``core_knowledgepage``
        alone, ordered by ``core_knowledgepage_newest``, each entry kept if
        this queryset (every filter, visibility included) has that page; the
        walk stops at ``stop``. The outer query then reads those pages by
        primary key, so it returns exactly what slicing would. Quick when
        matches are common; a narrow filter is better served by slicing
        (``portal.core.listing.ListingPaginator`` chooses).
        """
        matching = self.order_by().filter(pk=OuterRef("page_ptr_id"))
        ids = (
            KnowledgePage.objects.order_by("-date", "-page_ptr_id")
            .filter(Exists(matching))
            .values("page_ptr_id")[start:stop]
        )
        return self.filter(pk__in=ids).newest_first()

    def newest_index_size(self):
        """About how many entries the date index holds (every knowledge page, live or not): at most this many.

        The largest knowledge page id, read from the primary key's end in one
        step: the listing only weighs walking that index against sorting, and
        counting every page cost more than the rest of the first view of a
        listing after a publish as the site grew. Ids are shared with other
        pages and deleted ones leave gaps, so this is an upper bound, which
        leans towards sorting when in doubt.
        """
        return KnowledgePage.objects.aggregate(largest=models.Max("page_ptr_id"))["largest"] or 0

    def for_listing(self, user=None):
        """What ``user`` may see, with everything a card shows, in a constant number of queries.

        Without a user (feeds, and anything else public by nature) only public pages.
        """
        return self.visible_to(user).prefetch_related("settings", "safety_domains").newest_first()


KnowledgePageManager = PageManager.from_queryset(KnowledgePageQuerySet)


class KnowledgePage(Page):
    """Base of all knowledge content; never created on its own."""

    base_form_class = PortalPageForm

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

    # What a page's template shows from other tables, read with the page when it is
    # served (portal.core.routing) rather than with a query each.
    serve_select_related = ()

    @staticmethod
    def summary_panels(date_heading=""):
        """The summary and date panels every knowledge page's content panels open with.

        ``date_heading`` names the date for one kind of page ("Visit date").
        """
        return [FieldPanel("summary"), FieldPanel("date", heading=date_heading) if date_heading else FieldPanel("date")]

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

    # Each subclass has its own ``tags`` (its own through model), so adds these to its search fields.
    tag_search_fields = [index.RelatedFields("tags", [index.SearchField("name")])]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.FilterField("date"),
        index.RelatedFields("settings", [index.SearchField("name")]),
        index.RelatedFields("safety_domains", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "knowledge page"
        indexes = [
            # Newest first is how every listing, feed and "related learning" reads
            # pages: with this index they read the first few instead of sorting all.
            models.Index(fields=["date", "page_ptr"], name="core_knowledgepage_newest"),
        ]

    @classmethod
    def get_indexed_objects(cls):
        """Pages to index, with every many-to-many value the index reads fetched up front.

        modelsearch prefetches ordinary many-to-many relations but not
        ``ParentalManyToManyField`` (settings, safety domains), and the database
        backend reads each related field three times per page (title, body,
        autocomplete), so indexing cost about ten queries a page. One query per
        relation for the whole batch keeps ``update_index`` and the bulk rebuilds
        linear in pages, not in queries.
        """
        queryset = super().get_indexed_objects()
        seen = set(queryset._prefetch_related_lookups)
        lookups = []
        for field in cls.get_search_fields():
            if not isinstance(field, index.RelatedFields) or field.field_name in seen:
                continue
            model_field = cls._meta.get_field(field.field_name)
            if model_field.many_to_many or model_field.one_to_many:
                lookups.append(field.field_name)
        return queryset.prefetch_related(*lookups)

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
        context = super().get_context(request, *args, **kwargs)
        model = self.child_model
        context["listing"] = build_listing(
            request,
            model.objects.child_of(self).for_listing(request.user),
            tags=tags_in_use(
                model.tags.through,
                model.objects.child_of(self).visible_to(request.user),
                remember_as=f"{self.pk}:{audience(request.user)}",
            ),
            remember_as=f"index:{self.pk}:{audience(request.user)}",
            form_key=f"index:{self.pk}:{audience(request.user)}",
        )
        context["item_noun_plural"] = model._meta.verbose_name_plural
        return context
