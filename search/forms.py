"""Reading a search from the query string, forgivingly.

``/search/?q=...&setting=...&domain=...&type=...&tag=...&year=...&sort=newest&page=N``.
Every facet may be given more than once. As on the listings
(``portal.core.listing``), a value that names nothing is reported next to its
filter and ignored, never a server error; so are a page number or a sort
order that make no sense.
"""

import unicodedata

from django import forms

from portal.core.knowledge_types import tag_through_models
from portal.core.models import KnowledgePage
from portal.taxonomy.models import SafetyDomain, Setting
from search.results import CONTENT_TYPES, FACETS, SORTS

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 10

FACET_NOUNS = {
    "setting": "care setting",
    "domain": "safety domain",
    "type": "type of content",
    "tag": "topic",
    "year": "year",
}


def clean_text(text):
    """Printable text only (no NUL or other control characters), spaces tidied, at most 200 characters."""
    printable = "".join(" " if unicodedata.category(char).startswith("C") else char for char in text or "")
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


class SearchForm(forms.Form):
    sort = forms.ChoiceField(required=False, choices=[(sort, sort) for sort in SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    exact = forms.BooleanField(required=False)

    def __init__(self, data, user=None):
        super().__init__(data)
        self.raw = data
        self.user = user
        self.filter_errors = {}
        self._filters = None

    @property
    def text(self):
        return clean_text(self.raw.get("q", ""))

    @property
    def sort_order(self):
        self.is_valid()
        return self.cleaned_data.get("sort") or "relevance"

    @property
    def page_number(self):
        self.is_valid()
        return self.cleaned_data.get("page") or 1

    @property
    def exact_words(self):
        self.is_valid()
        return bool(self.cleaned_data.get("exact"))

    @property
    def filters(self):
        """{facet: [valid values]}; an unknown value is left out and explained in ``filter_errors``."""
        if self._filters is None:
            self._filters = {}
            for facet in FACETS:
                values = list(dict.fromkeys(clean_text(value)[:100] for value in self.raw.getlist(facet)))
                values = [value for value in values if value]
                values = values[:MAX_VALUES_PER_FACET]
                valid = self._known(facet, values, self.user) if values else []
                if len(valid) < len(values):
                    noun = FACET_NOUNS[facet]
                    self.filter_errors[facet] = f"There is no {noun} with that name. Showing all {noun}s instead."
                if valid:
                    self._filters[facet] = valid
        return self._filters

    @staticmethod
    def _known(facet, values, user=None):
        if facet == "setting":
            known = set(Setting.objects.filter(slug__in=values).values_list("slug", flat=True))
        elif facet == "domain":
            known = set(SafetyDomain.objects.filter(slug__in=values).values_list("slug", flat=True))
        elif facet == "tag":
            known = _topics_reader_may_see(values, user)
        elif facet == "type":
            known = set(CONTENT_TYPES)
        else:
            known = {value for value in values if value.isdigit() and len(value) == 4}
        return [value for value in values if value in known]


def _topics_reader_may_see(slugs, user):
    """Those of ``slugs`` that name a topic on a page ``user`` may find.

    A topic only an unpublished draft or a member-only page has is unknown to
    everyone else, the same as one that does not exist: naming it ("0 results
    (its name)") told any visitor that a draft or a member-only page used that
    word.
    """
    visible = KnowledgePage.objects.visible_to(user).values("pk")
    known = set()
    for through in tag_through_models():
        rows = through.objects.filter(tag__slug__in=slugs, content_object_id__in=visible)
        known.update(rows.values_list("tag__slug", flat=True))
    return known
