"""The app's page cache: anonymous visitors get a stored copy, and no one gets a stale or private one."""

import pytest
from django.core.cache import cache
from wagtail.models import Site

from learning.factories import LearningNotePageFactory
from portal.core import purge
from portal.core.factories import restrict_to_members
from portal.members.factories import MemberFactory
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def note(parent, title, **fields):
    fields = {"settings": ["care-homes"], "safety_domains": ["past-harm"], **fields}
    return LearningNotePageFactory(parent=parent, title=title, summary=f"{title}: what the ward tried.", **fields)


@pytest.fixture
def falls_note(learning_index):
    return note(learning_index, "Night checks cut falls")


def test_a_second_anonymous_view_is_served_from_the_cache_without_a_query(client, navigation, falls_note):
    first = client.get(falls_note.url)
    assert first["X-Page-Cache"] == "miss"
    assert count_queries(client, falls_note.url) == 0
    second = client.get(falls_note.url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Night checks cut falls" in second.content.decode()
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=600"
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"


def test_each_query_string_is_cached_apart_and_kept_for_less_time(client, learning_index):
    note(learning_index, "Night checks cut falls", settings=["care-homes"])
    note(learning_index, "Practice falls clinic", settings=["general-practice"])
    client.get(learning_index.url)
    filtered = client.get(learning_index.url + "?setting=general-practice")
    assert filtered["X-Page-Cache"] == "miss"
    assert card_titles(filtered) == ["Practice falls clinic"]
    assert filtered["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert card_titles(client.get(learning_index.url)) == ["Practice falls clinic", "Night checks cut falls"]


def test_publishing_a_page_shows_it_on_the_listing_home_and_taxonomy_pages_at_once(
    client, home, learning_index, falls_note
):
    setting_url = "/settings/care-homes/"
    for url in (home.url, learning_index.url, setting_url):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"

    fresh = note(learning_index, "Medicines round moved to nine")

    for url in (home.url, learning_index.url, setting_url):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Medicines round moved to nine" in response.content.decode(), url
    assert client.get(fresh.url).status_code == 200


def test_unpublishing_a_page_removes_it_from_every_cached_page_that_showed_it(client, home, learning_index, falls_note):
    urls = [falls_note.url, home.url, learning_index.url, "/settings/care-homes/", "/domains/past-harm/"]
    for url in urls:
        assert "Night checks cut falls" in client.get(url).content.decode(), url

    falls_note.unpublish()

    assert client.get(urls[0]).status_code == 404
    for url in urls[1:]:
        assert "Night checks cut falls" not in client.get(url).content.decode(), url


def test_editing_and_republishing_shows_the_new_title(client, falls_note):
    client.get(falls_note.url)
    falls_note.title = "Hourly night checks cut falls by a third"
    falls_note.save_revision().publish()
    assert "Hourly night checks cut falls by a third" in client.get(falls_note.url).content.decode()


def test_moving_a_page_purges_its_old_address(client, home, learning_index, peer_visit_index, falls_note):
    old_url = falls_note.url
    assert client.get(old_url).status_code == 200
    falls_note.move(home, pos="last-child")
    falls_note.refresh_from_db()
    moved = client.get(old_url)
    assert moved.status_code == 301
    assert moved["Location"] == falls_note.url
    assert "Night checks cut falls" not in client.get(learning_index.url).content.decode()


def test_renaming_a_care_setting_shows_the_new_name(client, home, falls_note):
    from portal.taxonomy.models import Setting

    client.get(home.url)
    setting = Setting.objects.get(slug="care-homes")
    setting.name = "Care and nursing homes"
    setting.save()
    assert "Care and nursing homes" in client.get(home.url).content.decode()


def test_a_member_only_page_is_never_stored_nor_shown_to_an_anonymous_visitor(client, learning_index, falls_note):
    secret = note(learning_index, "Note for members on bed rails")
    restrict_to_members(secret)
    member = MemberFactory()

    client.force_login(member)
    seen = client.get(secret.url)
    assert "Note for members on bed rails" in seen.content.decode()
    assert "private" in seen["Cache-Control"] and "no-cache" in seen["Cache-Control"]
    assert "X-Page-Cache" not in seen
    listing = client.get(learning_index.url)
    assert "Note for members on bed rails" in listing.content.decode()
    client.logout()

    anonymous = client.get(secret.url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert "Note for members on bed rails" not in client.get(learning_index.url).content.decode()
    assert "Note for members on bed rails" not in client.get(learning_index.url).content.decode()


def test_restricting_a_cached_page_to_members_purges_it(client, learning_index, falls_note):
    assert client.get(falls_note.url).status_code == 200
    client.get(learning_index.url)
    restrict_to_members(falls_note)
    assert client.get(falls_note.url).status_code == 302
    assert "Night checks cut falls" not in client.get(learning_index.url).content.decode()


def test_a_signed_in_member_gets_a_fresh_page_with_their_own_header(client, navigation, falls_note):
    anonymous = client.get(falls_note.url).content.decode()
    assert "Sign in" in anonymous and "Your profile" not in anonymous

    client.force_login(MemberFactory())
    response = client.get(falls_note.url)
    html = response.content.decode()
    assert "Your profile" in html and "Sign out" in html
    assert response["Cache-Control"] == "private, no-cache"
    assert "X-Page-Cache" not in response
    assert count_queries(client, falls_note.url) > 0


def test_each_stored_page_s_sign_in_link_returns_to_that_page(client, navigation, learning_index, falls_note):
    def sign_in_href(path):
        response = client.get(path)
        header = response.content.decode().split("</header>")[0]
        return response.get("X-Page-Cache"), header.split('">Sign in</a>')[0].rsplit('href="', 1)[1]

    for _ in range(2):  # drawn, then served from the cache
        _, note_link = sign_in_href(falls_note.url)
        cached, index_link = sign_in_href(learning_index.url)
        assert note_link == f"/accounts/login/?next={falls_note.url}"
        assert index_link == f"/accounts/login/?next={learning_index.url}"
    assert cached == "hit"


def test_a_waiting_message_is_shown_not_a_cached_page_without_it(client, home):
    client.get(home.url)
    member = MemberFactory()
    client.force_login(member)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain
    html = response.content.decode()
    assert "You have signed out." in html
    assert "X-Page-Cache" not in response


def test_pages_with_forms_and_private_paths_are_not_stored(client, home):
    login = client.get("/accounts/login/")
    assert login.status_code == 200
    assert "X-Page-Cache" not in login
    assert "csrfmiddlewaretoken" in login.content.decode()
    assert "private" in client.get("/accounts/login/")["Cache-Control"]
    search = client.get("/search/?q=falls")
    assert "X-Page-Cache" not in search


def test_with_the_page_cache_off_every_view_renders(client, settings, falls_note):
    settings.PORTAL_PAGE_CACHE = False
    client.get(falls_note.url)
    response = client.get(falls_note.url)
    assert "X-Page-Cache" not in response
    assert count_queries(client, falls_note.url) > 0


def test_related_paths_name_the_pages_that_list_content(home, learning_index, falls_note):
    paths = purge.related_paths()
    assert "/" in paths
    assert learning_index.url in paths
    assert "/settings/care-homes/" in paths
    assert "/domains/past-harm/" in paths
    assert "/feeds/knowledge/rss/" in paths
    assert "/sitemap.xml" in paths
    assert falls_note.url not in paths
    assert Site.objects.count() == 1


def test_a_change_made_through_another_worker_makes_this_workers_kept_answers_stale(settings, tmp_path):
    """Two file caches on one folder are two workers' views of it: neither holds anything in memory."""
    from django.core.cache.backends.filebased import FileBasedCache

    from portal.core import memo, pagecache

    settings.CACHES = {
        **settings.CACHES,
        "generation": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    settings.PORTAL_GENERATION_CACHE_ALIAS = "generation"
    assert memo.remember("notes-in-care-homes", lambda: 3) == 3
    assert memo.remember("notes-in-care-homes", lambda: 4) == 3  # kept

    other_worker = FileBasedCache(str(tmp_path), {})
    other_worker.set(pagecache.GENERATION_KEY, "a-publish-in-the-other-worker", timeout=None)
    assert memo.remember("notes-in-care-homes", lambda: 4) == 4
