"""The search's copy of each page's care settings, safety domains and topic tags (``search_pagefacet``).

The database engine counts facets from this copy, which triggers keep in
step with the tables it copies (migration ``search.0007``). These tests change
a page as an editor does (publish a new revision, unpublish, move, delete) or
as the benchmark's loader does (``bulk_create``), and assert the facet counts a
reader sees on the search page, and that the copy holds exactly the rows of
the tables it copies.
"""

import pytest
from django.core.cache import cache

from learning.factories import LearningNotePageFactory
from portal.core.models import KnowledgePage
from portal.taxonomy.models import SafetyDomain, Setting
from search.engines.database import _term_sources
from search.models import PageFacet
from tests.helpers import facets_seen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_caches():
    cache.clear()  # the spelling dictionary and the vocabularies are cached; build them from each test's pages


def copied_rows():
    """(page id, kind, term id) of every row of the six tables the copy is made from, as the copy should hold them."""
    kinds = {"setting": PageFacet.SETTING, "domain": PageFacet.DOMAIN, "tag": PageFacet.TAG}
    rows = []
    for model, page_column, term_column, kind in _term_sources():
        rows += [(page, kinds[kind], term) for page, term in model.objects.values_list(page_column, term_column)]
    return sorted(rows)


def the_copy():
    return sorted(PageFacet.objects.values_list("page_id", "kind", "term_id"))


def test_the_copy_holds_every_page_types_settings_domains_and_tags(one_page_of_each_type):
    made = one_page_of_each_type

    # Every page type's tag table has its triggers: a new type needs them in a migration.
    assert {page_id for page_id, kind, _term in the_copy() if kind == PageFacet.TAG} == {page.pk for page in made}
    assert the_copy() == copied_rows()
    assert {kind for _page, kind, _term in the_copy()} == {PageFacet.SETTING, PageFacet.DOMAIN, PageFacet.TAG}


def test_facet_counts_follow_a_published_edit_of_settings_domains_and_tags(client, learning_index):
    page = LearningNotePageFactory(
        parent=learning_index, title="Falls at night", settings=["care-homes"], safety_domains=["past-harm"]
    )
    page.tags.set(["sepsis"])
    page.save()
    LearningNotePageFactory(
        parent=learning_index,
        title="Falls on a ward",
        settings=["care-homes"],
        safety_domains=["anticipation-and-preparedness"],
    )

    before = facets_seen(client, "/search/?q=falls")
    assert before["Care homes"] == 2 and before["Past harm"] == 1
    assert before["sepsis"] == 1 and "Acute hospital" not in before

    page.settings.set([Setting.objects.get(slug="acute-hospital")])
    page.safety_domains.set([SafetyDomain.objects.get(slug="reliability")])
    page.tags.set(["handover"])
    page.save_revision().publish()

    after = facets_seen(client, "/search/?q=falls")
    assert after["Care homes"] == 1 and after["Acute hospital"] == 1
    assert "Past harm" not in after and "sepsis" not in after
    assert after["handover"] == 1
    assert the_copy() == copied_rows()


def test_facet_counts_follow_unpublish_move_and_delete(client, learning_index, case_study_index):
    kept = LearningNotePageFactory(parent=learning_index, title="Falls at night", settings=["care-homes"])
    gone = LearningNotePageFactory(parent=learning_index, title="Falls on a ward", settings=["care-homes"])
    assert facets_seen(client, "/search/?q=falls")["Care homes"] == 2

    gone.unpublish()
    assert facets_seen(client, "/search/?q=falls")["Care homes"] == 1

    kept.move(case_study_index, pos="last-child")
    assert facets_seen(client, "/search/?q=falls")["Care homes"] == 1

    gone_id = gone.pk
    KnowledgePage.objects.get(pk=gone_id).delete()
    assert not PageFacet.objects.filter(page_id=gone_id).exists()
    kept.delete()
    assert facets_seen(client, "/search/?q=falls") == {}
    assert the_copy() == copied_rows() == []


def test_rows_written_in_bulk_are_copied_too(client, learning_index):
    """The benchmark's loader writes the tables with ``bulk_create``, which sends no signals."""
    page = LearningNotePageFactory(parent=learning_index, title="Falls at night", settings=["general-practice"])
    through = KnowledgePage.settings.through
    through.objects.bulk_create(
        [
            through(knowledgepage_id=page.pk, setting=Setting.objects.get(slug=slug))
            for slug in ("care-homes", "social-care")
        ]
    )

    seen = facets_seen(client, "/search/?q=falls")
    assert seen["Care homes"] == seen["Social care"] == seen["General practice"] == 1
    through.objects.filter(setting__slug="care-homes").update(setting=Setting.objects.get(slug="mental-health"))
    seen = facets_seen(client, "/search/?q=falls")
    assert seen["Mental health"] == 1 and "Care homes" not in seen
    assert the_copy() == copied_rows()
