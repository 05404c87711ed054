"""Fixtures for the whole suite.

The test database is built by running every migration, so it starts with what
a fresh install has: the eight care settings, the five safety domains, and a
HomePage as the default site's root.
"""

import factory.random
import pytest
from wagtail.models import Site

from casestudies.factories import CaseStudyIndexPageFactory
from learning.factories import LearningIndexPageFactory, PeerVisitIndexPageFactory
from portal.home.models import HomePage
from portal.updates.factories import UpdateIndexPageFactory


@pytest.fixture(autouse=True)
def _repeatable_fake_data():
    factory.random.reseed_random("safety-learning-portal")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def home(db):
    return HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)


@pytest.fixture
def case_study_index(home):
    return CaseStudyIndexPageFactory(parent=home)


@pytest.fixture
def learning_index(home):
    return LearningIndexPageFactory(parent=home)


@pytest.fixture
def peer_visit_index(home):
    return PeerVisitIndexPageFactory(parent=home)


@pytest.fixture
def update_index(home):
    return UpdateIndexPageFactory(parent=home)


@pytest.fixture
def navigation(home, case_study_index, learning_index, peer_visit_index, update_index):
    """The header's navigation links, as the demo site has them."""
    from wagtailnhsukfrontend.settings.models import HeaderSettings

    header = HeaderSettings.for_site(Site.objects.get(is_default_site=True))
    for index in (case_study_index, learning_index, peer_visit_index, update_index):
        header.navigation_links.create(label=index.title, page=index)
    return header
