"""The gold set: what care home managers type, and the page they should find in the top three.

Runs the search service's configured engine (the database engine in tests:
SQLite FTS5 or PostgreSQL full text, whichever DATABASE_URL names) over the
real demo content. Each query is there for a reason: a typo, a plural, a
synonym from the care vocabulary, or several words at once.
"""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from portal.core.models import KnowledgePage
from search import service
from tests.helpers import card_titles

pytestmark = pytest.mark.django_db

# (what is typed, why it is hard, the start of the title expected in the top three)
GOLD_SET = [
    ("falls at night", "several words", "Fewer night-time falls at Kersal Brook"),
    ("fals at nigth", "typos", "Fewer night-time falls at Kersal Brook"),
    ("night falls", "words in another order", "Fewer night-time falls at Kersal Brook"),
    ("meds errors", "synonym and plural", "One medicines team, one review"),
    ("medication review", "synonym", "One medicines team, one review"),
    ("bed sores", "synonym phrase, plural", "Pressure ulcers in housebound patients"),
    ("pressure sore", "synonym phrase", "Skin checks and pressure care at Monton Mews"),
    ("UTI", "abbreviation", "Fewer night-time falls at Kersal Brook"),
    ("urinary tract infections", "synonym phrase, plural", "Fewer night-time falls at Kersal Brook"),
    ("primary care safety culture", "synonym for general practice", "Ten practices, one safety culture tool"),
    ("insuline pens", "typo", "Insulin pens and our practice recall list"),
    ("huddels", "typo", "Our first safety huddle lasted 25 minutes"),
    ("tea trolleys", "plural of a singular title", "Moving the tea trolley changed our afternoon falls"),
    ("hydration station", "singular of a plural title", "Hydration stations and marked cups at Cadishead Lodge"),
    ("fluid charts", "several words", "A hydration chart nobody filled in"),
    ("blister pack", "singular", "Blister packs are not a safety net"),
    ("dementia distress", "several words", "A calmer afternoon: Broughton Park View's approach to dementia"),
    ("palliative care", "synonym for end of life", "End of life care at Cadishead Lodge"),
    ("discharge summery", "typo", "Discharge summaries GPs can act on"),
    ("blood thinners pharmacy", "synonym for anticoagulants, plural", "Catching overdue kidney tests"),
    ("sepsis soft signs", "several words", "Home care workers spotting the early signs"),
    ("oral care", "synonym for mouth care", "Mouth care and chest infections"),
    ("personal protective equipment", "expansion of PPE", "Doing PPE training in the garden"),
    ("coronavirus home care", "synonym for COVID-19", "How the partnership is supporting care homes and home care"),
    ("video ward round", "singular", "Video ward rounds with care homes"),
    ("mortality reviews", "synonym for learning from deaths", "Reviewing deaths together"),
    ("significant event meeting", "several words", "Little Hulton at Ordsall Riverside"),
    ("near miss reporting", "several words", "Reporting near misses in home care"),
    ("malnutrition dementia", "synonym for weight loss", "Protected mealtimes and finger food"),
    ("acustic monitoring", "typo", "Acoustic monitoring at night"),
    ("agency staff", "several words", "Agency staff, night shifts and our falls"),
    ("induction new staff", "several words", "Induction that sticks"),
]


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content, loaded once for this module and rolled back after it.

    ``load_demo`` takes several seconds. It runs here inside a transaction
    that is rolled back when the module ends; each test's own transaction
    nests inside it (as with Django's ``TestCase.setUpTestData``), so the tests
    share the content but not each other's changes.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from the demo content


def top_three(text):
    return [hit.title for hit in service.query(text).hits[:3]]


def test_every_gold_query_finds_its_page_in_the_top_three(demo_site):
    misses = []
    for text, difficulty, expected in GOLD_SET:
        titles = top_three(text)
        if not any(title.startswith(expected) for title in titles):
            misses.append(f"{text!r} ({difficulty}): wanted {expected!r}, got {titles}")
    assert not misses, f"{len(misses)} of {len(GOLD_SET)} gold queries missed:\n" + "\n".join(misses)


def test_the_gold_set_is_big_enough_and_names_real_pages(demo_site):
    assert len(GOLD_SET) >= 25
    titles = list(KnowledgePage.objects.live().values_list("title", flat=True))
    for _text, _difficulty, expected in GOLD_SET:
        assert any(title.startswith(expected) for title in titles), expected


def test_a_reader_sees_the_corrected_search_and_can_search_for_what_they_typed(client, demo_site):
    html = client.get("/search/?q=fals+at+nigth").content.decode()
    assert "Showing results for <strong>falls at night</strong>" in html
    assert 'Search instead for <a href="?q=fals+at+nigth&amp;exact=1">fals at nigth</a>' in html
    top_three = card_titles(client.get("/search/?q=fals+at+nigth"))[:3]
    assert any(title.startswith("Fewer night-time falls") for title in top_three)

    exact = client.get("/search/?q=fals+at+nigth&exact=1").content.decode()
    assert "0 results for ‘fals at nigth’" in exact
    assert 'Did you mean <a href="?q=falls+at+night">falls at night</a>?' in exact


def test_facet_counts_on_the_demo_equal_database_counts(demo_site):
    results = service.query("falls", {"setting": ["care-homes"]})
    matching = (
        KnowledgePage.objects.live()
        .public()
        .filter(pk__in=[hit.page_id for hit in service.query("falls", per_page=100).hits])
    )
    for value in results.facets["domain"]:
        expected = matching.filter(settings__slug="care-homes", safety_domains__slug=value.key).distinct().count()
        assert value.count == expected, value
    for value in results.facets["setting"]:
        assert value.count == matching.filter(settings__slug=value.key).distinct().count(), value
    for value in results.facets["year"]:
        in_year = matching.filter(settings__slug="care-homes", date__year=int(value.key))
        assert value.count == in_year.distinct().count(), value
    assert results.total == matching.filter(settings__slug="care-homes").distinct().count()
