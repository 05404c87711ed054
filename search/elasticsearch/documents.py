"""The one Elasticsearch index that holds every live knowledge page that is public or member-only.

Case studies, learning notes, peer-visit reports and updates share one index so
that a single request searches, filters, counts facets and paginates them all,
just as ``KnowledgePage`` keeps them in one table. Readers and the indexer
address it through the alias ``portal-knowledge``; ``search_rebuild`` fills a
new ``portal-knowledge-<timestamp>`` index and swaps the alias to it, so that a
rebuild never leaves readers with an empty or half-built index.

Analysis, as in Elasticsearch's own ``english`` analyser but with synonyms:

* indexing: standard tokenizer, possessive ``'s`` removed, lowercase, English
  stop words removed, Porter ``english`` stemmer;
* searching: the same, with a ``synonym_graph`` filter from
  ``search.vocabulary.SYNONYMS`` after lowercasing and before stop words and
  stemming. Synonyms apply at search time only, as Elasticsearch recommends
  for ``synonym_graph``: editing the list needs a ``search_rebuild`` (the
  analyser lives in the index settings) but never re-analyses stored text.
  Elasticsearch parses each rule with the filters *before* the synonym filter,
  so nothing may drop words there: a stop filter would reject "end of life,
  palliative care". The filter therefore sees unstemmed words, and each term
  is listed in the singular and the plural.
  https://www.elastic.co/guide/en/elasticsearch/reference/8.19/analysis-synonym-graph-tokenfilter.html
"""

from django.conf import settings as django_settings
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Integer,
    Keyword,
    Object,
    SearchAsYouType,
    Text,
    analyzer,
    token_filter,
)
from wagtail.search import index as search_index

from portal.core.knowledge_types import KNOWLEDGE_PAGE_TYPES, knowledge_page_models
from portal.taxonomy.models import Organisation
from search.vocabulary import SYNONYMS, phrase_variants

INDEX_ALIAS = "portal-knowledge"

# Text that gets its own field (and boost) rather than going into ``body``.
OWN_FIELDS = {"title", "summary"}


def index_alias():
    """The alias readers and the indexer use: ``portal-knowledge`` unless ``ELASTICSEARCH_INDEX`` says otherwise.

    Read when used (not at import) so that the live tests can work on their own
    alias beside a real one on a shared cluster.
    """
    return getattr(django_settings, "ELASTICSEARCH_INDEX", "") or INDEX_ALIAS


def synonym_rules(groups):
    """Solr-format equivalence rules ("a, as, b, bs") from groups of interchangeable terms.

    The vocabulary writes terms in the singular and forgives plurals
    separately; the synonym filter sees words before stemming, so each term is
    listed in both numbers (``phrase_variants``, as the database engine does).
    A comma or "=>" inside a term would change a rule's meaning, so it is
    refused here rather than by Elasticsearch when the index is created.
    """
    rules = []
    for group in groups:
        terms = []
        for term in group:
            words = tuple(term.lower().split())
            if not words or any("," in word or "=>" in word for word in words):
                raise ValueError(f"Synonym term {term!r} in {group!r} is empty or contains ',' or '=>'.")
            terms += [" ".join(variant) for variant in phrase_variants(words)]
        terms = list(dict.fromkeys(terms))
        if len(terms) > 1:
            rules.append(", ".join(terms))
    return rules


english_possessive = token_filter("portal_english_possessive", "stemmer", language="possessive_english")
english_stop = token_filter("portal_english_stop", "stop", stopwords="_english_")
english_stemmer = token_filter("portal_english_stemmer", "stemmer", language="english")
portal_synonyms = token_filter(
    "portal_synonyms", "synonym_graph", synonyms=synonym_rules(SYNONYMS), expand=True, lenient=False
)

english = analyzer(
    "portal_english",
    tokenizer="standard",
    filter=[english_possessive, "lowercase", english_stop, english_stemmer],
)
english_search = analyzer(
    "portal_english_search",
    tokenizer="standard",
    filter=[english_possessive, "lowercase", portal_synonyms, english_stop, english_stemmer],
)
# Suggestions while typing match what was typed, so no stemming here.
autocomplete_analyzer = analyzer("portal_autocomplete", tokenizer="standard", filter=["lowercase", "asciifolding"])
# "Did you mean": unstemmed words and two- and three-word shingles for the phrase suggester.
# https://www.elastic.co/guide/en/elasticsearch/reference/8.19/search-suggesters.html#phrase-suggester
spelling_shingles = token_filter("portal_shingles", "shingle", min_shingle_size=2, max_shingle_size=3)
spelling_analyzer = analyzer("portal_spelling", tokenizer="standard", filter=["lowercase", spelling_shingles])


def english_text(**kwargs):
    return Text(analyzer=english, search_analyzer=english_search, **kwargs)


def term():
    """A vocabulary term: the slug filters and counts, the name is searched."""
    return Object(properties={"slug": Keyword(), "name": english_text(copy_to="all_text")})


class KnowledgeDocument(Document):
    """One knowledge page as the search index sees it."""

    page_id = Integer()
    title = english_text(
        copy_to=["all_text", "spelling"],
        fields={"suggest": SearchAsYouType(analyzer=autocomplete_analyzer)},
    )
    summary = english_text(copy_to=["all_text", "spelling"])
    body = english_text(copy_to=["all_text", "spelling"])
    # Every searchable word of the page, so that a query's words may come from different fields.
    all_text = english_text()
    spelling = Text(analyzer=spelling_analyzer)
    content_type = Keyword()
    url = Keyword(index=False, doc_values=False)
    date = Date()
    year = Keyword()
    settings = term()
    domains = term()
    tags = term()
    organisation = english_text(copy_to="all_text")
    # Member-only pages are found by members only; every query for anyone else filters them out.
    members_only = Boolean()

    class Index:
        name = INDEX_ALIAS
        # One shard suits thousands of pages; one replica wherever a second node exists.
        settings = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}


def content_type_key(page_or_model):
    """'case-study', 'learning-note', 'peer-visit-report' or 'update': the type's key in ``KNOWLEDGE_PAGE_TYPES``."""
    model = page_or_model if isinstance(page_or_model, type) else type(page_or_model)
    return next(page_type.key for page_type in KNOWLEDGE_PAGE_TYPES if page_type.model_label == model._meta.label)


def knowledge_models():
    """Every concrete knowledge page type (the subclasses of ``KnowledgePage``), from ``KNOWLEDGE_PAGE_TYPES``."""
    return knowledge_page_models()


def organisation_fields(model):
    """Names of the model's foreign keys and many-to-many fields to ``Organisation``."""
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and field.related_model is Organisation
        and (field.many_to_one or field.many_to_many)
    ]


def body_text(page):
    """The page type's own searchable text, as its ``search_fields`` declare it.

    Reading the declared ``SearchField``s (rather than listing fields here) keeps
    Elasticsearch and the database backend searching the same text when a page
    type gains a field. Rich text comes back with its tags stripped and
    StreamFields as their blocks' searchable text, as Wagtail indexes them.
    """
    parts = []
    for field in page.search_fields:
        if type(field) is not search_index.SearchField or field.field_name in OWN_FIELDS:
            continue
        value = field.get_value(page)
        values = value if isinstance(value, list | tuple) else [value]
        parts.extend(str(item).strip() for item in values if item and str(item).strip())
    return "\n\n".join(parts)


def organisation_names(page):
    names = []
    for name in organisation_fields(type(page)):
        value = getattr(page, name)
        if value is None:
            continue
        if hasattr(value, "all"):
            names.extend(organisation.name for organisation in value.all())
        else:
            names.append(value.name)
    return list(dict.fromkeys(names))


def page_to_document(page, members_only=None):
    """The index document for one knowledge page (pass the specific page).

    Callers index only live pages that are public or member-only; see
    ``indexing.indexable_pages``, whose pages carry ``members_only``.
    """
    if members_only is None:
        members_only = bool(getattr(page, "members_only", False))
    page = page.specific
    return KnowledgeDocument(
        meta={"id": page.pk},
        page_id=page.pk,
        title=page.title,
        summary=page.summary,
        body=body_text(page),
        content_type=content_type_key(page),
        url=page.get_url() or "",
        date=page.date,
        year=str(page.date.year),
        settings=[{"slug": term.slug, "name": term.name} for term in page.settings.all()],
        domains=[{"slug": term.slug, "name": term.name} for term in page.safety_domains.all()],
        tags=[{"slug": tag.slug, "name": tag.name} for tag in page.tags.all()],
        organisation=organisation_names(page),
        members_only=members_only,
    )
