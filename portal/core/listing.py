"""Filtering and paginating lists of knowledge pages from query parameters.

Listing pages, the browse-by-setting and browse-by-domain pages and search all
take ``?setting=<slug>&domain=<slug>&tag=<slug>&page=N``. A value that names
nothing is reported next to its filter and ignored, never a server error.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.conf import settings as django_settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils.functional import cached_property
from taggit.models import Tag

from portal.core.memo import remember
from portal.taxonomy.models import SafetyDomain, Setting


class SlugChoiceField(forms.ModelChoiceField):
    """Chooses a vocabulary term by its slug, with a message people understand."""

    def __init__(self, queryset, noun, **kwargs):
        self.noun = noun
        super().__init__(
            queryset,
            to_field_name="slug",
            required=False,
            empty_label=f"All {noun}s",
            error_messages={"invalid_choice": f"There is no {noun} with that name. Showing all {noun}s instead."},
            **kwargs,
        )


class ListingFilterForm(forms.Form):
    setting = SlugChoiceField(Setting.objects.all(), "care setting", label="Care setting")
    domain = SlugChoiceField(SafetyDomain.objects.all(), "safety domain", label="Safety domain")
    tag = SlugChoiceField(Tag.objects.none(), "topic", label="Topic")

    def __init__(self, data, *, tags=None, fields=("setting", "domain", "tag")):
        super().__init__(data)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "tag" in self.fields:
            self.fields["tag"].queryset = tags if tags is not None else Tag.objects.none()

    def cleaned_filters(self):
        """The valid filters chosen, ignoring any that named nothing."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields if self.cleaned_data.get(name)}


@dataclass
class ActiveFilter:
    label: str
    name: str
    remove_url: str


@dataclass
class Listing:
    form: ListingFilterForm
    page_obj: object
    active_filters: list = field(default_factory=list)
    # Names what the filter form's choices depend on (the listing, and the audience when it offers
    # topics), so its HTML can be kept until content changes; None draws it afresh every time.
    form_key: str | None = None

    @property
    def items(self):
        return self.page_obj.object_list


# A listing with at most this many matching pages keeps their ids, in order, until
# content changes; each of its pages is then read by primary key.
KEEP_IDS_UP_TO = 500


class KeptItems(Sequence):
    """A page of a listing whose ids are kept: the pages are read only when something asks for them.

    ``kept_keys`` are ``(pk, members_only)`` for each page shown, in order, as the
    listing's queryset found them in this content generation; they say how
    many pages there are and which cards to show, so a listing whose cards are
    kept (``{% kept_cards %}``) reads no page at all. Reading one reads them
    all, with what the queryset prefetches.
    """

    def __init__(self, queryset, keys):
        self.queryset = queryset
        self.kept_keys = keys

    @cached_property
    def _pages(self):
        return list(self.queryset)

    def __len__(self):
        return len(self.kept_keys)

    def __getitem__(self, index):
        return self._pages[index]

    def __iter__(self):
        return iter(self._pages)


class ListingPaginator(Paginator):
    """Django's paginator, with what each page needs kept until content changes or read from the newest down.

    Both of its statements otherwise read every matching page, so they grew
    with the site (docs/performance.md, "Listings as content grows"). With
    ``remember_as`` (naming the listing, its filters and its audience) it
    keeps, under the content generation (``portal.core.memo.remember``, so
    any publish, unpublish, move, privacy or taxonomy change makes the next
    view look afresh):

    * for a listing of up to ``KEEP_IDS_UP_TO`` pages, the ids of all its
      pages in order: the count is how many there are, and a page is those
      twelve ids read by primary key;
    * for a longer one, its count (``COUNT(*)``), and the ids of each page
      of it once that page has been asked for; a page not yet asked for is
      found, on SQLite, by walking the knowledge pages' date index from the
      newest down (``KnowledgePageQuerySet.newest_slice``) when that walk is
      short (the page's last item expected within as many index entries as
      there are matches), as PostgreSQL's planner already does by itself.

    So a second view of any page of a listing, short or long, reads no page
    when its cards are kept too (``{% kept_cards %}``).

    Either way the pages shown, their order and the count are those of the
    plain queryset. Without ``remember_as`` it is Django's paginator.
    """

    def __init__(self, object_list, per_page, *, remember_as=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.remember_as = remember_as

    @cached_property
    def _kept(self):
        """``(count, keys)``: each matching page's ``(pk, members_only)`` in order, or None for a long listing."""
        queryset = self.object_list

        def find():
            count = queryset.count()
            if count > KEEP_IDS_UP_TO:
                return count, None
            if "members_only" in queryset.query.annotations:
                keys = list(queryset.values_list("pk", "members_only"))
            else:
                keys = [(pk, False) for pk in queryset.values_list("pk", flat=True)]
            return len(keys), keys

        if self.remember_as is None:
            return Paginator.count.func(self), None
        return remember(f"listing:{self.remember_as}", find)

    @cached_property
    def count(self):
        return self._kept[0]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._slice(bottom, top), number, self)

    def _slice(self, bottom, top):
        queryset = self.object_list
        count, keys = self._kept
        if keys is not None:
            shown = keys[bottom:top]
            return KeptItems(queryset.filter(pk__in=[pk for pk, _ in shown]), shown)
        if self.remember_as is None:
            return queryset[bottom:top]
        # A long listing: the ids of the pages asked for are kept, page by page, as a short
        # listing's are all at once, so a second view of the same page reads none of them.
        read = []

        def find():
            read.extend(self._read(bottom, top, count))
            return [(page.pk, bool(getattr(page, "members_only", False))) for page in read]

        shown = remember(f"listing-page:{self.remember_as}:{bottom}:{top}", find)
        if read:  # found just now: the pages are at hand
            return read
        return KeptItems(queryset.filter(pk__in=[pk for pk, _ in shown]), shown)

    def _read(self, bottom, top, count):
        """Pages ``bottom`` to ``top`` of a long listing, read from the database."""
        queryset = self.object_list
        walkable = hasattr(queryset, "newest_slice") and queryset.is_newest_first()
        if not walkable or connections[queryset.db].vendor != "sqlite":
            return queryset[bottom:top]
        # The walk reads about top * indexed / count index entries to fill the page;
        # the plain query reads every match (or every page) and sorts them.
        indexed = remember("knowledge-pages-indexed", queryset.newest_index_size)
        if top * indexed <= count * count:
            return queryset.newest_slice(bottom, top)
        return queryset[bottom:top]


def tags_in_use(tag_through_model, pages, remember_as=None):
    """Topic tags used by at least one of ``pages`` (those the reader may see), by name.

    A topic used only on member-only pages is not offered to the public.
    Each tag in use anywhere is asked whether one of its pages is among
    ``pages`` (an ``EXISTS`` over its own rows, through the tag's index, that
    stops at the first such page), so the cost follows the number of topics,
    not of pages: reading every page's tags took 4 ms of the first view of
    the learning listing after a publish at 10,000 pages. With ``remember_as``
    (a name saying which listing and audience) the answer is kept until
    content changes (``portal.core.memo.remember``).
    """

    def in_use():  # built only when asked: a view that finds the answer kept builds no query for it
        shown = pages.order_by().filter(pk=OuterRef("content_object_id"))
        return Tag.objects.filter(Exists(tag_through_model.objects.filter(tag_id=OuterRef("pk")).filter(Exists(shown))))

    if remember_as is None:
        return in_use().order_by("name")
    used = remember(f"tags-in-use:{remember_as}", lambda: list(in_use().values_list("pk", flat=True)))
    return Tag.objects.filter(pk__in=used).order_by("name")


def url_without(params: QueryDict, *names):
    """The query string ``params`` without ``names``: the link that removes a filter."""
    remaining = params.copy()
    for name in names:
        remaining.pop(name, None)
    return f"?{remaining.urlencode()}" if remaining else "?"


def build_listing(
    request,
    queryset,
    *,
    tags=None,
    fields=("setting", "domain", "tag"),
    per_page=None,
    remember_as=None,
    form_key=None,
):
    """Filter ``queryset`` (a ``KnowledgePageQuerySet``) by the request and paginate it.

    ``remember_as`` names the listing and its audience (``portal.core.access.audience``):
    with it the count is kept until content changes (``ListingPaginator``).
    ``form_key`` names everything the filter form's choices depend on besides
    the terms themselves (see ``Listing.form_key``).
    """
    form = ListingFilterForm(request.GET, tags=tags, fields=fields)
    filters = form.cleaned_filters()
    if "setting" in filters:
        queryset = queryset.in_setting(filters["setting"])
    if "domain" in filters:
        queryset = queryset.in_domain(filters["domain"])
    if "tag" in filters:
        queryset = queryset.tagged(filters["tag"])

    if remember_as is not None:
        chosen = ",".join(f"{name}={value.pk}" for name, value in sorted(filters.items()))
        remember_as = f"{remember_as}:{chosen}"
    paginator = ListingPaginator(queryset, per_page or django_settings.PORTAL_PAGE_SIZE, remember_as=remember_as)
    page_obj = paginator.get_page(request.GET.get("page"))
    active = [
        ActiveFilter(label=str(value), name=name, remove_url=url_without(request.GET, name, "page"))
        for name, value in filters.items()
    ]
    return Listing(form=form, page_obj=page_obj, active_filters=active, form_key=form_key)
