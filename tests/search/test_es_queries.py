"""Request bodies for Elasticsearch, and our parsing of its answers. No cluster involved.

The bodies are checked with ``Search.to_dict()``: the exact JSON the engine
would send. The answers are *recorded-shape* responses written by hand from
the Elasticsearch 8 search API reference; the tests named ``..._parser_...``
check our conversion code, not what a real cluster returns (that is
``test_es_live.py``'s job, and it needs ``ELASTICSEARCH_URL``).
"""

import datetime
import json

import pytest
from elastic_transport import ApiResponseMeta, ConnectionError, ConnectionTimeout, HttpHeaders, NodeConfig
from elasticsearch import ApiError, NotFoundError
from taggit.models import Tag

from portal.members.factories import MemberFactory, PendingMemberFactory
from search.elasticsearch import queries
from search.elasticsearch.client import is_outage, safe_url
from search.elasticsearch.engine import ElasticsearchEngine, results_from_response, snippet, trusted_fragment
from search.results import FacetValue, Query, Term

# Building a request reads the spelling dictionary (from the database) when a word may be a compound.
pytestmark = pytest.mark.django_db

TEXT_QUERY = {
    "bool": {
        "must": [
            {
                "match": {
                    "all_text": {
                        "query": "falls medcation",
                        "operator": "and",
                        "auto_generate_synonyms_phrase_query": False,
                    }
                }
            }
        ],
        "should": [
            {
                "multi_match": {
                    "query": "falls medcation",
                    "fields": ["title^3", "summary^2", "body"],
                    "type": "best_fields",
                    "tie_breaker": 0.3,
                    "auto_generate_synonyms_phrase_query": False,
                }
            }
        ],
    }
}


def body(members=True, **query):
    """A member's request (no audience filter), so that each test sees only what it is about."""
    return queries.search_request(Query(**query), index="portal-knowledge", members=members).to_dict()


def facet_agg(field, size, *filters, order=None):
    terms = {"field": field, "size": size}
    if order:
        terms["order"] = order
    return {
        "filter": {"bool": {"filter": list(filters)}} if filters else {"match_all": {}},
        "aggs": {"values": {"terms": terms}},
    }


# Search page request ----------------------------------------------------------


def test_words_must_all_match_somewhere_exactly_and_rank_by_title_summary_body():
    assert body(text="falls medcation")["query"] == TEXT_QUERY


def test_no_word_is_matched_fuzzily_so_care_never_finds_core_or_cure():
    """Spelling is corrected only when the exact search finds little (the suggester), as in the database engine."""
    for members in (True, False):
        assert "fuzziness" not in json.dumps(body(members=members, text="care patient", filters={"type": ["update"]}))
    assert "fuzziness" not in json.dumps(queries.autocomplete_request("car", 8).to_dict())


def test_the_whole_request_for_a_filtered_second_page_by_relevance():
    request = body(text="falls medcation", filters={"setting": ["care-homes"], "year": ["2024"]}, page=2, per_page=10)
    care_homes = {"terms": {"settings.slug": ["care-homes"]}}
    in_2024 = {"terms": {"year": ["2024"]}}
    assert request == {
        "query": TEXT_QUERY,
        "post_filter": {"bool": {"filter": [care_homes, in_2024]}},
        "aggs": {
            "setting": facet_agg("settings.slug", 20, in_2024),
            "domain": facet_agg("domains.slug", 20, care_homes, in_2024),
            "type": facet_agg("content_type", 10, care_homes, in_2024),
            "tag": facet_agg("tags.slug", 100, care_homes, in_2024),
            "year": facet_agg("year", 30, care_homes, order={"_key": "desc"}),
        },
        "sort": ["_score", {"date": {"order": "desc"}}],
        "track_total_hits": True,
        "from": 10,
        "size": 10,
        "_source": [
            "page_id",
            "title",
            "summary",
            "content_type",
            "url",
            "date",
            "settings",
            "domains",
            "members_only",
        ],
        "highlight": {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "max_analyzed_offset": 100_000,
            "fields": {
                "summary": {"number_of_fragments": 0},
                "body": {"fragment_size": 160, "number_of_fragments": 2},
            },
        },
        "suggest": {
            "did_you_mean": {
                "text": "falls medcation",
                "phrase": {
                    "field": "spelling",
                    "size": 1,
                    "gram_size": 3,
                    "max_errors": 2,
                    "direct_generator": [{"field": "spelling", "suggest_mode": "always", "min_word_length": 3}],
                    "collate": {
                        "query": {"source": {"match": {"all_text": {"query": "{{suggestion}}", "operator": "and"}}}},
                        "prune": False,
                    },
                },
            }
        },
    }


def test_chosen_filters_narrow_hits_through_post_filter_and_every_other_facets_counts():
    request = body(text="falls", filters={"setting": ["care-homes", "mental-health"], "domain": ["past-harm"]})
    settings = {"terms": {"settings.slug": ["care-homes", "mental-health"]}}
    domain = {"terms": {"domains.slug": ["past-harm"]}}
    assert request["post_filter"] == {"bool": {"filter": [settings, domain]}}
    # Each facet is counted under the other facets' filters, never its own...
    assert request["aggs"]["setting"]["filter"] == {"bool": {"filter": [domain]}}
    assert request["aggs"]["domain"]["filter"] == {"bool": {"filter": [settings]}}
    # ...and the unchosen facets under all of them.
    for key in ("type", "tag", "year"):
        assert request["aggs"][key]["filter"] == {"bool": {"filter": [settings, domain]}}
    # The filters are not in the query, so they do not change the facet counts' base.
    assert request["query"]["bool"].keys() == {"must", "should"}


def test_without_filters_there_is_no_post_filter_and_facets_count_everything_matched():
    request = body(text="falls")
    assert "post_filter" not in request
    assert request["aggs"]["type"] == facet_agg("content_type", 10)


def test_every_filter_key_filters_its_own_field_and_unknown_or_empty_ones_are_ignored():
    request = body(
        text="x",
        filters={
            "setting": ["a"],
            "domain": ["b"],
            "type": ["case-study"],
            "tag": ["falls"],
            "year": ["2023"],
            "colour": ["red"],
            "empty": [],
        },
    )
    assert request["post_filter"]["bool"]["filter"] == [
        {"terms": {"settings.slug": ["a"]}},
        {"terms": {"domains.slug": ["b"]}},
        {"terms": {"content_type": ["case-study"]}},
        {"terms": {"tags.slug": ["falls"]}},
        {"terms": {"year": ["2023"]}},
    ]


def test_newest_first_sorts_by_date_then_page_id():
    assert body(text="falls", sort="newest")["sort"] == [{"date": {"order": "desc"}}, {"page_id": {"order": "desc"}}]


def test_no_words_lists_everything_newest_first_without_highlights_or_suggestions():
    request = body(text="  ", filters={"type": ["update"]})
    assert request["query"] == {"match_all": {}}
    assert request["sort"] == [{"date": {"order": "desc"}}, {"page_id": {"order": "desc"}}]
    assert "highlight" not in request
    assert "suggest" not in request
    assert request["post_filter"] == {"bool": {"filter": [{"terms": {"content_type": ["update"]}}]}}


@pytest.mark.parametrize(
    ("page", "per_page", "window"),
    [
        (1, 10, (0, 10)),
        (3, 12, (24, 12)),
        (0, 10, (0, 10)),
        (-4, 10, (0, 10)),
        (5000, 10, (9990, 10)),
        # 833 whole pages of 12 fit in 10,000: page 834 would need hits to 10,008.
        (834, 12, (9984, 12)),
        (833, 12, (9984, 12)),
    ],
)
def test_pages_become_from_and_size_inside_the_result_window(page, per_page, window):
    request = body(text="falls", page=page, per_page=per_page)
    assert (request["from"], request["size"]) == window


def test_the_index_is_the_alias_unless_named(settings):
    assert queries.search_request(Query(text="x"))._index == ["portal-knowledge"]
    settings.ELASTICSEARCH_INDEX = "test-knowledge"
    assert queries.search_request(Query(text="x"))._index == ["test-knowledge"]


def test_autocomplete_matches_title_prefixes_with_bool_prefix_on_search_as_you_type_every_word_required():
    """bool_prefix ORs its words by default; the database engine's suggestions need every word (shared_results)."""
    assert queries.autocomplete_request("pressure ul", 5, index="portal-knowledge", members=True).to_dict() == {
        "query": {
            "multi_match": {
                "query": "pressure ul",
                "type": "bool_prefix",
                "operator": "and",
                "fields": ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"],
            }
        },
        "_source": ["title", "url", "content_type"],
        "size": 5,
    }


def test_related_pages_are_more_like_this_one_by_its_indexed_text():
    assert queries.related_request(42, 4, index="portal-knowledge", members=True).to_dict() == {
        "query": {
            "more_like_this": {
                "fields": ["title", "summary", "body"],
                "like": [{"_index": "portal-knowledge", "_id": "42"}],
                "min_term_freq": 1,
                "min_doc_freq": 2,
                "max_query_terms": 25,
            }
        },
        "_source": [
            "page_id",
            "title",
            "summary",
            "content_type",
            "url",
            "date",
            "settings",
            "domains",
            "members_only",
        ],
        "size": 4,
    }


# Member-only pages --------------------------------------------------------------


def collate_query(request):
    return request["suggest"]["did_you_mean"]["phrase"]["collate"]["query"]["source"]


def test_did_you_mean_offers_a_visitor_only_corrections_that_find_a_public_page():
    """The suggester's words come from every page; its collate query must leave member-only ones out."""
    finds = {"match": {"all_text": {"query": "{{suggestion}}", "operator": "and"}}}
    visitor = body(members=False, text="restrant review")
    assert collate_query(visitor) == {"bool": {"must": [finds], "must_not": [{"term": {"members_only": True}}]}}
    assert visitor["suggest"]["did_you_mean"]["phrase"]["collate"]["prune"] is False
    member = body(members=True, text="restrant review")
    assert collate_query(member) == finds


def test_highlighting_stops_at_a_bounded_offset_below_the_index_limit():
    """A body longer than index.highlight.max_analyzed_offset (1,000,000 by default) must not make a search a 400."""
    highlight = body(text="falls")["highlight"]
    assert 0 < highlight["max_analyzed_offset"] < 1_000_000


MEMBERS_ONLY = {"term": {"members_only": True}}


def test_a_reader_who_is_not_a_member_never_finds_member_only_pages_nor_counts_them():
    request = body(members=False, text="falls medcation", filters={"setting": ["care-homes"]})
    # In the query itself (not the post_filter), so that the facet counts leave them out too.
    assert request["query"] == {"bool": {"must": [TEXT_QUERY], "must_not": [MEMBERS_ONLY]}}
    assert request["post_filter"] == {"bool": {"filter": [{"terms": {"settings.slug": ["care-homes"]}}]}}


def test_a_search_without_words_for_a_reader_who_is_not_a_member_lists_only_open_pages():
    assert body(members=False, text="")["query"] == {"bool": {"must": [{"match_all": {}}], "must_not": [MEMBERS_ONLY]}}


def test_a_members_search_has_no_audience_filter():
    assert "must_not" not in body(members=True, text="falls medcation")["query"]["bool"]
    assert queries.search_request(Query(text="x"))._index == ["portal-knowledge"]  # default: not a member
    assert queries.search_request(Query(text="x")).to_dict()["query"]["bool"]["must_not"] == [MEMBERS_ONLY]


def test_suggestions_and_related_pages_leave_member_only_pages_out_for_readers_who_are_not_members():
    suggest = queries.autocomplete_request("pressure ul", 5, index="portal-knowledge").to_dict()
    assert suggest["query"]["bool"]["must_not"] == [MEMBERS_ONLY]
    assert suggest["query"]["bool"]["must"][0]["multi_match"]["query"] == "pressure ul"
    related = queries.related_request(42, 4, index="portal-knowledge").to_dict()
    assert related["query"]["bool"]["must_not"] == [MEMBERS_ONLY]
    assert related["query"]["bool"]["must"][0]["more_like_this"]["like"] == [
        {"_index": "portal-knowledge", "_id": "42"}
    ]


# Escaping ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fragment",
    [
        "Residents at risk of <mark>falls</mark>",
        'Tea &amp; <mark>toast</mark> &lt;b&gt; &#39;quoted&#39; &#x2F; it\'s "fine"',
        "no match at all",
    ],
)
def test_an_html_encoded_fragment_with_only_mark_tags_is_trusted(fragment):
    assert trusted_fragment(fragment) == fragment


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script> <mark>falls</mark>",
        "<mark>falls</mark> <img src=x onerror=alert(1)>",
        "<mark>falls",
        "falls</mark>",
        "<mark><mark>falls</mark></mark>",
        "Tea & toast",
        "a > b",
        '<mark class="x">falls</mark>',
    ],
)
def test_a_fragment_with_anything_else_is_refused(fragment):
    assert trusted_fragment(fragment) is None


def test_an_untrusted_highlight_falls_back_to_the_escaped_summary():
    source = {"summary": "Fish & <chips>"}
    assert snippet(source, {"summary": ["Fish & <mark>chips</mark>"]}) == "Fish &amp; &lt;chips&gt;"


def test_the_snippet_prefers_the_marked_summary_then_the_body_passages():
    source = {"summary": "About falls"}
    both = {"summary": ["About <mark>falls</mark>"], "body": ["one <mark>fall</mark>", "two"]}
    assert snippet(source, both) == "About <mark>falls</mark>"
    assert snippet(source, {"body": ["one <mark>fall</mark>", "two"]}) == "one <mark>fall</mark> … two"
    assert snippet(source, {}) == "About falls"


# Parsing recorded-shape responses ------------------------------------------------


def recorded_response(hits=None, total=2, suggestion=None):
    """A ``_search`` response body in the shape the Elasticsearch 8 reference documents."""
    return {
        "took": 5,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "max_score": 3.2,
            "hits": hits if hits is not None else [RECORDED_HIT],
        },
        "aggregations": {
            "setting": {
                "doc_count": 7,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": "mental-health", "doc_count": 2}, {"key": "care-homes", "doc_count": 5}],
                },
            },
            "domain": {"doc_count": 2, "values": {"buckets": [{"key": "past-harm", "doc_count": 2}]}},
            "type": {"doc_count": 2, "values": {"buckets": [{"key": "learning-note", "doc_count": 2}]}},
            "tag": {
                "doc_count": 2,
                "values": {"buckets": [{"key": "hydration", "doc_count": 2}, {"key": "falls", "doc_count": 2}]},
            },
            "year": {
                "doc_count": 2,
                "values": {"buckets": [{"key": "2023", "doc_count": 1}, {"key": "2024", "doc_count": 1}]},
            },
        },
        "suggest": {
            "did_you_mean": [
                {
                    "text": "falls medcation",
                    "offset": 0,
                    "length": 15,
                    "options": [{"text": suggestion, "score": 0.02, "collate_match": True}] if suggestion else [],
                }
            ]
        },
    }


RECORDED_HIT = {
    "_index": "portal-knowledge-20250101-000000-000000",
    "_id": "17",
    "_score": 3.2,
    "_source": {
        "page_id": 17,
        "title": "Night <drinks> & falls",
        "summary": "Fewer falls after a 10pm drinks round.",
        "content_type": "learning-note",
        "url": "/learning/night-drinks/",
        "date": "2024-03-05",
        "settings": [{"slug": "care-homes", "name": "Care homes"}],
        "domains": [{"slug": "past-harm", "name": "Past harm"}],
    },
    "highlight": {"summary": ["Fewer <mark>falls</mark> after a 10pm drinks round."]},
}


@pytest.fixture
def tags(db):
    return [Tag.objects.create(name="Falls", slug="falls"), Tag.objects.create(name="Hydration", slug="hydration")]


def test_parser_turns_a_recorded_shape_response_into_hits(tags):
    results = results_from_response(Query(text="falls"), recorded_response())
    (hit,) = results.hits
    assert hit.page_id == 17
    assert hit.title == "Night <drinks> & falls"  # plain text: the template escapes it
    assert hit.content_type == "learning-note"
    assert hit.url == "/learning/night-drinks/"
    assert hit.date == datetime.date(2024, 3, 5)
    assert hit.settings == (Term("care-homes", "Care homes"),)
    assert hit.domains == (Term("past-harm", "Past harm"),)
    assert hit.snippet == "Fewer <mark>falls</mark> after a 10pm drinks round."
    assert results.total == 2
    assert results.degraded is False
    assert results.corrected_from is None


def test_parser_lists_facets_as_the_database_engine_does(tags):
    results = results_from_response(
        Query(text="falls", filters={"setting": ["care-homes", "social-care"], "tag": ["falls"]}),
        recorded_response(),
    )
    facets = results.facets
    # Vocabulary order, chosen values kept even without results, so they can be removed.
    assert facets["setting"] == [
        FacetValue("care-homes", "Care homes", 5, True),
        FacetValue("mental-health", "Mental health", 2, False),
        FacetValue("social-care", "Social care", 0, True),
    ]
    assert facets["domain"] == [FacetValue("past-harm", "Past harm", 2, False)]
    assert facets["type"] == [FacetValue("learning-note", "Learning note", 2, False)]
    # Most used first, then by name.
    assert facets["tag"] == [FacetValue("falls", "Falls", 2, True), FacetValue("hydration", "Hydration", 2, False)]
    assert facets["year"] == [FacetValue("2024", "2024", 1, False), FacetValue("2023", "2023", 1, False)]
    assert [value.key for _facet, value in results.active_filters] == ["care-homes", "social-care", "falls"]


def test_parser_counts_pages_from_the_total_and_keeps_the_query(tags):
    results = results_from_response(Query(text="falls", per_page=10, page=3), recorded_response(total=25))
    assert results.num_pages == 3
    assert results.query.page == 3
    huge = results_from_response(Query(text="a", per_page=10), recorded_response(total=50_000))
    assert huge.num_pages == 1000  # no further than Elasticsearch's result window
    assert huge.reachable == 10_000
    by_twelve = results_from_response(Query(text="a", per_page=12, page=900), recorded_response(total=50_000))
    assert (by_twelve.num_pages, by_twelve.query.page, by_twelve.reachable) == (833, 833, 9996)


def test_engine_logic_a_page_past_the_result_window_shows_the_last_page_the_window_reaches(tags):
    engine = RecordedEngine(recorded_response(total=50_000))
    results = engine.search(Query(text="falls", page=1500, per_page=10))
    assert (engine.requests[0]["from"], engine.requests[0]["size"]) == (9990, 10)
    assert (results.query.page, results.num_pages) == (1000, 1000)


def test_parser_takes_the_suggesters_correction_only_when_it_differs(tags):
    same = results_from_response(Query(text="falls"), recorded_response(suggestion="falls"))
    assert same.suggestion is None
    other = results_from_response(Query(text="falls medcation"), recorded_response(suggestion="falls medication"))
    assert other.suggestion == "falls medication"


class RecordedEngine(ElasticsearchEngine):
    """Answers each request with the next recorded-shape response: exercises the engine's own logic only."""

    def __init__(self, *responses):
        super().__init__(index="portal-knowledge")
        self.responses = list(responses)
        self.requests = []

    def _search(self, request):
        self.requests.append(request.to_dict())
        return self.responses.pop(0)


def test_engine_logic_with_nothing_found_searches_the_correction_instead(tags):
    engine = RecordedEngine(recorded_response(hits=[], total=0, suggestion="medication"), recorded_response())
    results = engine.search(Query(text="medcation"))
    # An anonymous reader's request: the words inside the audience filter.
    text_query = engine.requests[1]["query"]["bool"]["must"][0]
    assert text_query["bool"]["must"][0]["match"]["all_text"]["query"] == "medication"
    assert results.corrected_from == "medcation"
    assert results.query.text == "medication"
    assert results.suggestion is None
    assert results.total == 2


def test_engine_logic_offers_the_correction_when_the_reader_wants_exactly_what_they_typed(tags):
    engine = RecordedEngine(recorded_response(hits=[], total=0, suggestion="medication"), recorded_response())
    results = engine.search(Query(text="medcation", autocorrect=False))
    assert (results.total, results.suggestion, results.corrected_from) == (0, "medication", None)


def test_engine_logic_offers_a_correction_only_with_few_results(tags):
    few = RecordedEngine(recorded_response(total=2, suggestion="falls medication"))
    assert few.search(Query(text="falls medcation")).suggestion == "falls medication"
    many = RecordedEngine(recorded_response(total=40, suggestion="falls medication"))
    assert many.search(Query(text="falls medcation")).suggestion is None


def test_engine_logic_shows_the_last_page_for_a_page_past_the_end(tags):
    engine = RecordedEngine(recorded_response(hits=[], total=12), recorded_response(total=12))
    results = engine.search(Query(text="falls", page=9, per_page=10))
    assert engine.requests[1]["from"] == 10
    assert results.query.page == 2
    assert len(results.hits) == 1


# Which errors mean "the cluster is unavailable" --------------------------------


def api_error(status):
    meta = ApiResponseMeta(status, "1.1", HttpHeaders(), 0.01, NodeConfig("http", "localhost", 9200))
    return (NotFoundError if status == 404 else ApiError)("error", meta, {"error": {"type": "x"}})


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (ConnectionError("refused"), True),
        (ConnectionTimeout("slow"), True),
        (api_error(503), True),
        (api_error(500), True),
        (api_error(404), True),  # no index yet: answer from the database until search_rebuild
        (api_error(429), True),  # a tripped circuit breaker or a full search queue: passes on its own
        (api_error(400), False),  # our request is wrong: a bug to see (logged as an error), not an outage
        (api_error(401), False),  # expired credentials: someone must act
        (api_error(403), False),
        (ValueError("x"), False),
    ],
)
def test_connection_failures_timeouts_5xx_429_and_a_missing_index_are_outages(error, outage):
    """Only how loudly the fallback is logged depends on this: readers get the database engine either way."""
    assert is_outage(error) is outage


def test_messages_never_show_the_clusters_password():
    assert safe_url("https://elastic:s3cret@search.example.org:9243/base") == "https://search.example.org:9243/base"


def test_parser_marks_member_only_hits_for_their_label(tags):
    member_only = {**RECORDED_HIT, "_source": {**RECORDED_HIT["_source"], "members_only": True}}
    results = results_from_response(Query(text="falls"), recorded_response(hits=[member_only, RECORDED_HIT]))
    assert [hit.members_only for hit in results.hits] == [True, False]


def test_engine_sends_a_members_requests_without_the_audience_filter_and_everyone_elses_with_it(tags):
    member = MemberFactory()
    engine = RecordedEngine(recorded_response(), recorded_response(), {"hits": {"hits": []}}, {"hits": {"hits": []}})
    engine.search(Query(text="falls medication", user=member))
    engine.search(Query(text="falls medication", user=PendingMemberFactory()))
    engine.autocomplete("fal", user=member)
    engine.autocomplete("fal", user=None)
    member_search, pending_search, member_suggest, anonymous_suggest = engine.requests
    assert "must_not" not in member_search["query"]["bool"]
    assert pending_search["query"]["bool"]["must_not"] == [MEMBERS_ONLY]
    assert "bool" not in member_suggest["query"]
    assert anonymous_suggest["query"]["bool"]["must_not"] == [MEMBERS_ONLY]
