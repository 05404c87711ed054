"""Filtering and paginating lists of knowledge pages from query parameters.

Listing pages, the browse-by-setting and browse-by-domain pages and search all
take ``?setting=<slug>&domain=<slug>&tag=<slug>&page=N``. A value that names
nothing is reported next to its filter and ignored, never a server error.
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings as django_settings
from django.core.paginator import Paginator
from django.http import QueryDict
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


def tags_in_use(tag_through_model, pages, remember_as=None):
    """Topic tags used by at least one of ``pages`` (those the reader may see), by name.

    A topic used only on member-only pages is not offered to the public.
    Finding them reads every page's tags, so with ``remember_as`` (a name
    saying which listing and audience) the answer is kept until content
    changes (``portal.core.memo.remember``).
    """
    used = tag_through_model.objects.filter(content_object__in=pages.values("pk")).values_list("tag_id", flat=True)
    if remember_as is not None:
        used = remember(f"tags-in-use:{remember_as}", lambda: list(used.order_by().distinct()))
    return Tag.objects.filter(pk__in=used).order_by("name")


def url_without(params: QueryDict, *names):
    """The query string ``params`` without ``names``: the link that removes a filter."""
    remaining = params.copy()
    for name in names:
        remaining.pop(name, None)
    return f"?{remaining.urlencode()}" if remaining else "?"


def build_listing(request, queryset, *, tags=None, fields=("setting", "domain", "tag"), per_page=None, form_key=None):
    """Filter ``queryset`` (a ``KnowledgePageQuerySet``) by the request and paginate it.

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

    paginator = Paginator(queryset, per_page or django_settings.PORTAL_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    active = [
        ActiveFilter(label=str(value), name=name, remove_url=url_without(request.GET, name, "page"))
        for name, value in filters.items()
    ]
    return Listing(form=form, page_obj=page_obj, active_filters=active, form_key=form_key)
