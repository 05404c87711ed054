"""Every public page type says what it is in a meta description, as search engines show it.

Lighthouse's SEO audit asks for one on every page; the home page, the listings, search and the
roadmap had none. Each comes from what an editor already wrote: the page's search description
(Wagtail's "Promote" tab) first, then its summary or introduction, or the roadmap's aim.
"""

import pytest
from bs4 import BeautifulSoup

from casestudies.factories import CaseStudyPageFactory
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory

pytestmark = pytest.mark.django_db


def description(client, url):
    html = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    tags = html.find_all("meta", attrs={"name": "description"})
    assert len(tags) == 1, f"{len(tags)} meta descriptions on {url}"
    return tags[0]["content"]


def test_the_home_page_describes_itself_by_its_introduction(client, home):
    home.intro = "A city-wide programme to make care safer, and what its teams have learned."
    home.save_revision().publish()
    assert description(client, "/") == home.intro


def test_a_listing_describes_itself_by_its_introduction(client, learning_index):
    assert description(client, learning_index.url) == learning_index.intro


def test_a_search_description_an_editor_wrote_comes_first(client, learning_index):
    learning_index.search_description = "What teams tried, and what they learned."
    learning_index.save_revision().publish()
    assert description(client, learning_index.url) == "What teams tried, and what they learned."


def test_search_describes_itself(client, home):
    assert "Search the portal" in description(client, "/search/?q=falls")


def test_the_roadmap_describes_itself_by_its_aim(client, home):
    roadmap = RoadmapPageFactory(parent=home, aim="No avoidable harm in any care setting by 2030.")
    assert description(client, roadmap.url) == "No avoidable harm in any care setting by 2030."


def test_knowledge_pages_and_measures_keep_their_descriptions(client, home, case_study_index):
    case_study = CaseStudyPageFactory(parent=case_study_index)
    assert description(client, case_study.url)
    roadmap = RoadmapPageFactory(parent=home)
    measure = MeasureFactory()
    assert description(client, f"{roadmap.url}measures/{measure.slug}/")
