"""Fixtures for the whole suite.

The test database is built by running every migration, so it starts with what
a fresh install has: the eight care settings, the five safety domains, and a
HomePage as the default site's root.
"""

import factory.random
import pytest
from django.core.cache import caches
from wagtail.models import Site

from casestudies.factories import CaseStudyIndexPageFactory
from learning.factories import LearningIndexPageFactory, PeerVisitIndexPageFactory
from portal.home.models import HomePage
from portal.updates.factories import UpdateIndexPageFactory

END_TO_END_MARKERS = {"browser", "nginx", "servers", "elasticsearch"}


def pytest_collection_modifyitems(items):
    """Mark every test that drives a browser or starts real servers ``end_to_end``.

    CI's SQLite pass leaves them out (``-m "not end_to_end"``) and its
    PostgreSQL pass runs them; ``make test`` alone runs everything
    (docs/testing.md).
    """
    for item in items:
        if any(item.get_closest_marker(name) for name in END_TO_END_MARKERS):
            item.add_marker(pytest.mark.end_to_end)


@pytest.fixture(autouse=True)
def _repeatable_fake_data():
    factory.random.reseed_random("safety-learning-portal")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.getbasetemp() / "private-media"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts with empty caches.

    Row ids come round again after each test's rollback, so a rendition,
    page or rate-limit count cached by an earlier test would otherwise be
    taken for a different image, page or person in a later one (seen as
    renditions of the wrong width when tests ran in another order).
    """
    for cache in caches.all():
        cache.clear()


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


@pytest.fixture(autouse=True)
def _programme_team_has_two_factor(request):
    """The programme team in tests has set up two-factor already, and used it
    to sign in, as it must have to use its reach (portal.members.two_factor):
    whoever signs in with a role beyond a member's is given an authenticator
    app and the session records a code typed from it. Tests of two-factor
    itself, and of what happens without it, are marked ``without_two_factor``."""
    if request.node.get_closest_marker("without_two_factor"):
        yield
        return
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from django.contrib.auth.signals import user_logged_in

    from portal.core.access import is_programme_team

    def give_authenticator(sender, user, request=None, **kwargs):
        if is_programme_team(user):
            authenticator, _ = Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": generate_totp_secret()}}
            )
            if request is not None and hasattr(request, "session"):
                record_authentication(request, user, "mfa", id=authenticator.pk, type="totp")

    user_logged_in.connect(give_authenticator, weak=False, dispatch_uid="tests_programme_team_two_factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_programme_team_two_factor")
