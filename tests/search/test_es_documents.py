"""The Elasticsearch index definition and the documents built from pages.

No cluster is involved: the index body is what ``Index.to_dict()`` would send
to ``PUT /<index>``, and documents are built from real pages in the test
database. Whether Elasticsearch accepts and analyses them as intended is for
``test_es_live.py`` against a real cluster.
"""

import datetime

import pytest
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.core.factories import restrict_to_members
from portal.taxonomy.factories import OrganisationFactory
from portal.updates.factories import UpdatePageFactory
from search.elasticsearch.documents import (
    INDEX_ALIAS,
    KnowledgeDocument,
    content_type_key,
    index_alias,
    knowledge_models,
    page_to_document,
    synonym_rules,
)
from search.elasticsearch.indexing import bulk_operations, count_indexable_pages, indexable_pages, item_outcomes
from search.results import CONTENT_TYPES
from search.vocabulary import SYNONYMS

ENGLISH = {"analyzer": "portal_english", "search_analyzer": "portal_english_search", "type": "text"}


@pytest.fixture
def body():
    return KnowledgeDocument._index.to_dict()


def test_the_index_has_one_shard_and_a_replica_where_a_second_node_exists(body):
    assert body["settings"]["number_of_shards"] == 1
    assert body["settings"]["auto_expand_replicas"] == "0-1"


def test_pages_are_indexed_with_english_stemming_possessives_and_stop_words(body):
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["portal_english"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["portal_english_possessive", "lowercase", "portal_english_stop", "portal_english_stemmer"],
    }
    assert analysis["filter"]["portal_english_possessive"] == {"type": "stemmer", "language": "possessive_english"}
    assert analysis["filter"]["portal_english_stop"] == {"type": "stop", "stopwords": "_english_"}
    assert analysis["filter"]["portal_english_stemmer"] == {"type": "stemmer", "language": "english"}


def test_queries_are_analysed_the_same_way_plus_synonyms_before_stop_words_and_stemming(body):
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["portal_english_search"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": [
            "portal_english_possessive",
            "lowercase",
            "portal_synonyms",
            "portal_english_stop",
            "portal_english_stemmer",
        ],
    }
    synonyms = analysis["filter"]["portal_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert synonyms["expand"] is True
    assert synonyms["lenient"] is False
    assert synonyms["synonyms"] == synonym_rules(SYNONYMS)


def test_synonyms_are_applied_at_search_time_only(body):
    index_analyzers = {
        field.get("analyzer") for field in _text_fields(body["mappings"]["properties"]) if field.get("analyzer")
    }
    for name in index_analyzers:
        assert "portal_synonyms" not in body["settings"]["analysis"]["analyzer"][name]["filter"]


def test_every_synonym_group_becomes_one_rule_with_each_term_in_both_numbers():
    rules = synonym_rules(SYNONYMS)
    assert len(rules) == len(SYNONYMS)
    assert "pressure ulcer, pressure ulcers, pressure sore, pressure sores, bed sore, bed sores" in rules[3]
    assert rules[0] == "fall, falls, faller, fallers, fall with harm, fall with harms"
    assert synonym_rules([("GP", "general practice")]) == ["gp, general practice, general practices"]


@pytest.mark.parametrize("bad", [("a, b", "c"), ("a => b", "c"), ("", "c")])
def test_a_term_that_would_change_the_rule_syntax_is_refused(bad):
    with pytest.raises(ValueError, match="contains"):
        synonym_rules([bad])


def test_the_mapping_of_every_field(body):
    properties = body["mappings"]["properties"]
    assert properties["title"] == {
        **ENGLISH,
        "copy_to": ["all_text", "spelling"],
        "fields": {"suggest": {"type": "search_as_you_type", "analyzer": "portal_autocomplete"}},
    }
    assert properties["summary"] == {**ENGLISH, "copy_to": ["all_text", "spelling"]}
    assert properties["body"] == {**ENGLISH, "copy_to": ["all_text", "spelling"]}
    assert properties["all_text"] == ENGLISH
    assert properties["organisation"] == {**ENGLISH, "copy_to": "all_text"}
    assert properties["spelling"] == {"type": "text", "analyzer": "portal_spelling"}
    for name in ("settings", "domains", "tags"):
        assert properties[name] == {
            "type": "object",
            "properties": {"slug": {"type": "keyword"}, "name": {**ENGLISH, "copy_to": "all_text"}},
        }
    assert properties["content_type"] == {"type": "keyword"}
    assert properties["year"] == {"type": "keyword"}
    assert properties["date"] == {"type": "date"}
    assert properties["page_id"] == {"type": "integer"}
    assert properties["url"] == {"type": "keyword", "index": False, "doc_values": False}
    assert properties["members_only"] == {"type": "boolean"}


def test_suggestions_while_typing_and_spelling_use_unstemmed_words(body):
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["portal_autocomplete"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding"],
    }
    assert analysis["analyzer"]["portal_spelling"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "portal_shingles"],
    }
    assert analysis["filter"]["portal_shingles"] == {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3}


def test_the_alias_is_portal_knowledge_unless_settings_name_another(settings):
    assert index_alias() == INDEX_ALIAS == "portal-knowledge"
    settings.ELASTICSEARCH_INDEX = "test-portal-knowledge"
    assert index_alias() == "test-portal-knowledge"


def test_every_knowledge_page_type_has_the_content_type_key_the_service_knows():
    assert {content_type_key(model) for model in knowledge_models()} == set(CONTENT_TYPES)


# Documents from pages ------------------------------------------------------


@pytest.mark.django_db
def test_a_learning_note_document(learning_index):
    organisation = OrganisationFactory(name="Beech House Care Home")
    page = LearningNotePageFactory(
        parent=learning_index,
        title="Night-time hydration rounds",
        summary="A drinks round at 10pm.",
        date=datetime.date(2024, 3, 5),
        author_name="Priya Shah",
        organisation=organisation,
        what_we_tried="Offered drinks at night.",
        what_happened="Fewer falls.",
        what_we_learned="Residents drink more when asked.",
        what_we_would_advise="Start small.",
        settings=["care-homes", "whole-system"],
        safety_domains=["past-harm"],
        tags=["hydration", "falls"],
    )
    document = page_to_document(page).to_dict(include_meta=True)
    source = document["_source"]
    assert document["_id"] == page.pk
    assert source["page_id"] == page.pk
    assert source["title"] == "Night-time hydration rounds"
    assert source["summary"] == "A drinks round at 10pm."
    assert source["body"] == (
        "Offered drinks at night.\n\nFewer falls.\n\nResidents drink more when asked.\n\nStart small.\n\nPriya Shah"
    )
    assert source["content_type"] == "learning-note"
    assert source["url"] == "/learning/" + page.slug + "/"
    assert source["date"] == datetime.date(2024, 3, 5)
    assert source["year"] == "2024"
    assert source["settings"] == [
        {"slug": "care-homes", "name": "Care homes"},
        {"slug": "whole-system", "name": "Whole system"},
    ]
    assert source["domains"] == [{"slug": "past-harm", "name": "Past harm"}]
    assert sorted(tag["slug"] for tag in source["tags"]) == ["falls", "hydration"]
    assert source["organisation"] == ["Beech House Care Home"]
    assert source["members_only"] is False


@pytest.mark.django_db
def test_a_case_study_document_has_its_rich_text_without_tags(case_study_index):
    page = CaseStudyPageFactory(
        parent=case_study_index,
        problem="<p>Insulin doses were <b>missed</b>.</p>",
        what_was_done="<p>Insulin passports.</p>",
        results="<p>No missed doses in six months.</p>",
        what_others_can_copy="<p>The passport template.</p>",
        body=[("paragraph", RichText("<p>Thanks to the district nurses &amp; GPs.</p>"))],
    )
    body = page_to_document(page).body
    assert "Insulin doses were missed." in body
    assert "No missed doses in six months." in body
    assert "Thanks to the district nurses & GPs." in body
    assert "<" not in body
    assert page_to_document(page).content_type == "case-study"


@pytest.mark.django_db
def test_a_peer_visit_report_document_names_host_and_visiting_organisations(peer_visit_index):
    host = OrganisationFactory(name="Ordsall Health Surgery")
    visitor = OrganisationFactory(name="Walkden Medical Practice")
    page = PeerVisitReportPageFactory(
        parent=peer_visit_index,
        host_organisation=host,
        visiting_organisations=[visitor],
        focus="Repeat prescribing",
        agreed_actions="Share the checklist",
    )
    document = page_to_document(page)
    assert document.content_type == "peer-visit-report"
    assert list(document.organisation) == ["Ordsall Health Surgery", "Walkden Medical Practice"]
    assert document.body.startswith("Repeat prescribing")
    assert "Share the checklist" in document.body


@pytest.mark.django_db
def test_an_update_document_has_its_streamfield_text(update_index):
    page = UpdatePageFactory(parent=update_index, body=[("paragraph", RichText("<p>Wave two starts in May.</p>"))])
    document = page_to_document(page)
    assert document.content_type == "update"
    assert document.body == "Wave two starts in May."
    assert list(document.organisation) == []


# What may be indexed ---------------------------------------------------------


@pytest.mark.django_db
def test_only_live_public_knowledge_pages_are_indexable(learning_index, case_study_index, home):
    live = LearningNotePageFactory(parent=learning_index, title="Live")
    draft = LearningNotePageFactory(parent=learning_index, title="Unpublished")
    draft.unpublish()
    private = CaseStudyPageFactory(parent=case_study_index, title="Behind a password")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert [page.title for page in indexable_pages()] == ["Live"]
    assert count_indexable_pages() == 1
    assert [page.pk for page in indexable_pages([live.pk, draft.pk, private.pk, home.pk])] == [live.pk]


@pytest.mark.django_db
def test_member_only_pages_are_indexable_and_marked_so_other_private_pages_are_not(learning_index):
    open_note = LearningNotePageFactory(parent=learning_index, title="Open")
    for_members = LearningNotePageFactory(parent=learning_index, title="For members")
    restrict_to_members(for_members)
    signed_in = LearningNotePageFactory(parent=learning_index, title="Any signed-in reader")
    PageViewRestriction.objects.create(page=signed_in, restriction_type=PageViewRestriction.LOGIN)
    assert {page.title: page.members_only for page in indexable_pages()} == {"Open": False, "For members": True}
    assert count_indexable_pages() == 2
    sources = {operation.get("title"): operation for operation in bulk_operations([open_note.pk, for_members.pk])}
    assert sources["Open"]["members_only"] is False
    assert sources["For members"]["members_only"] is True
    assert bulk_operations([signed_in.pk], index="portal-knowledge") == [
        {"delete": {"_index": "portal-knowledge", "_id": str(signed_in.pk)}}
    ]


@pytest.mark.django_db
def test_a_whole_section_restricted_to_members_marks_every_page_below_it(learning_index):
    restrict_to_members(learning_index)
    note = LearningNotePageFactory(parent=learning_index, title="Below a member-only listing")
    (page,) = indexable_pages([note.pk])
    assert page_to_document(page).to_dict()["members_only"] is True


@pytest.mark.django_db
def test_bulk_operations_write_live_pages_and_delete_everything_else(learning_index):
    live = LearningNotePageFactory(parent=learning_index, title="Live")
    gone = LearningNotePageFactory(parent=learning_index, title="Gone")
    gone.unpublish()
    operations = bulk_operations([gone.pk, live.pk, 999_999], index="portal-knowledge")
    assert operations[0] == {"index": {"_index": "portal-knowledge", "_id": str(live.pk)}}
    assert operations[1]["title"] == "Live"
    assert operations[2:] == [
        {"delete": {"_index": "portal-knowledge", "_id": str(gone.pk)}},
        {"delete": {"_index": "portal-knowledge", "_id": "999999"}},
    ]


def test_bulk_outcomes_parser_on_a_recorded_shape_response():
    """A bulk response shaped as in the Elasticsearch 8 bulk API reference (written by hand)."""
    response = {
        "took": 30,
        "errors": True,
        "items": [
            {"index": {"_index": "portal-knowledge-1", "_id": "1", "_version": 1, "result": "created", "status": 201}},
            {"delete": {"_index": "portal-knowledge-1", "_id": "2", "result": "not_found", "status": 404}},
            {
                "index": {
                    "_index": "portal-knowledge-1",
                    "_id": "3",
                    "status": 400,
                    "error": {"type": "document_parsing_exception", "reason": "failed to parse field [date]"},
                }
            },
            {"delete": {"_index": "portal-knowledge-1", "_id": "4", "status": 503, "error": {"reason": "busy"}}},
        ],
    }
    assert item_outcomes(response) == {1: None, 2: None, 3: "failed to parse field [date]", 4: "busy"}


def _text_fields(properties):
    for field in properties.values():
        yield field
        yield from _text_fields(field.get("properties", {}))
