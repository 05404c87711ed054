"""The RSS and Atom feeds as a feed reader sees them, parsed with feedparser."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import feedparser
import pytest
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.updates.factories import UpdatePageFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

FORMATS = ["rss", "atom"]
VERSIONS = {"rss": "rss20", "atom": "atom10"}
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
LABELS = {"rss": "RSS", "atom": "Atom"}
HEAD_FEED_LINK = re.compile(r'<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">')
LONDON = ZoneInfo("Europe/London")
SITE_WIDE_FEEDS = [
    ("application/rss+xml", "Safety Learning Portal: new learning (RSS)", "/feeds/knowledge/rss/"),
    ("application/atom+xml", "Safety Learning Portal: new learning (Atom)", "/feeds/knowledge/atom/"),
    ("application/rss+xml", "Safety Learning Portal: programme updates (RSS)", "/feeds/updates/rss/"),
    ("application/atom+xml", "Safety Learning Portal: programme updates (Atom)", "/feeds/updates/atom/"),
]


def read_feed(client, url):
    """The feed at url as a reader parses it; it must be well-formed."""
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def titles(feed):
    return [entry.title for entry in feed.entries]


def head_feed_links(client, url):
    """(media type, title, address) of each feed a page advertises in its head."""
    head = client.get(url).content.decode().split("</head>")[0]
    return HEAD_FEED_LINK.findall(head)


@pytest.fixture
def mixed(case_study_index, learning_index, peer_visit_index, update_index):
    CaseStudyPageFactory(
        parent=case_study_index,
        title="Case study in care homes",
        date="2020-01-01",
        settings=["care-homes"],
        safety_domains=["past-harm"],
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Note in care homes",
        date="2022-01-01",
        settings=["care-homes"],
        safety_domains=["reliability"],
    )
    PeerVisitReportPageFactory(
        parent=peer_visit_index,
        title="Visit in care homes",
        date="2021-01-01",
        settings=["care-homes"],
        safety_domains=["past-harm"],
    )
    UpdatePageFactory(
        parent=update_index,
        title="Update for GPs",
        date="2023-01-01",
        settings=["general-practice"],
        safety_domains=["reliability"],
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_knowledge_feed_lists_every_kind_of_page_newest_first(client, mixed, fmt):
    response = client.get(f"/feeds/knowledge/{fmt}/")
    assert response["Content-Type"] == f"{MEDIA_TYPES[fmt]}; charset=utf-8"
    feed = read_feed(client, f"/feeds/knowledge/{fmt}/")
    assert feed.version == VERSIONS[fmt]
    assert feed.feed.title == "Safety Learning Portal: new learning"
    assert feed.feed.subtitle.startswith("New case studies, learning notes, peer-visit reports and programme updates")
    assert feed.feed.link == "http://testserver/"
    assert titles(feed) == ["Update for GPs", "Note in care homes", "Visit in care homes", "Case study in care homes"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_apostrophe_in_a_summary_is_escaped_once(client, learning_index, fmt):
    LearningNotePageFactory(
        parent=learning_index,
        title="Kersal's night checks",
        summary="Night staff's checks & a huddle.",
        date="2024-07-01",
    )
    xml = client.get(f"/feeds/knowledge/{fmt}/").content.decode()
    assert "&amp;#x27;" not in xml and "&#x27;" not in xml
    assert "Night staff's checks &amp;amp; a huddle." in xml  # "&amp;" as HTML, escaped for XML
    (entry,) = feedparser.parse(xml).entries
    assert entry.title == "Kersal's night checks"
    assert html.unescape(entry.summary) == "Night staff's checks & a huddle."


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_entry_reads_as_written_links_to_its_page_and_is_tagged(client, learning_index, fmt):
    LearningNotePageFactory(
        parent=learning_index,
        title="Falls & fractures at night",
        slug="falls-at-night",
        summary="Night checks every <2 hours & a falls huddle halved falls.",
        date="2024-07-01",
        settings=["care-homes", "community-health"],
        safety_domains=["past-harm", "reliability"],
    )
    (entry,) = read_feed(client, f"/feeds/knowledge/{fmt}/").entries

    assert entry.title == "Falls & fractures at night"
    assert html.unescape(entry.summary) == "Night checks every <2 hours & a falls huddle halved falls."
    assert entry.link == "http://testserver/learning/falls-at-night/"
    assert entry.id == "http://testserver/learning/falls-at-night/"
    assert [tag.term for tag in entry.tags] == ["Care homes", "Community health services", "Past harm", "Reliability"]
    published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
    assert published == datetime.datetime(2024, 7, 1, 9, 0, tzinfo=LONDON)


def test_winter_dates_are_nine_in_the_morning_greenwich_mean_time(client, learning_index):
    LearningNotePageFactory(parent=learning_index, date="2024-01-15")
    (entry,) = read_feed(client, "/feeds/knowledge/rss/").entries
    assert entry.published.endswith("15 Jan 2024 09:00:00 +0000")


@pytest.mark.parametrize(
    "url", ["/feeds/knowledge/", "/feeds/settings/care-homes/", "/feeds/domains/past-harm/", "/feeds/updates/"]
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_drafts_and_private_pages_are_left_out(client, learning_index, update_index, url, fmt):
    tagged = {"settings": ["care-homes"], "safety_domains": ["past-harm"]}
    UpdatePageFactory(parent=update_index, title="Public update", **tagged)
    LearningNotePageFactory(parent=learning_index, title="Public note", **tagged)
    for factory, parent in ((UpdatePageFactory, update_index), (LearningNotePageFactory, learning_index)):
        private = factory(parent=parent, title="Private page", **tagged)
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="secret")
        draft = factory(parent=parent, title="Draft page", **tagged)
        draft.unpublish()

    shown = titles(read_feed(client, f"{url}{fmt}/"))
    assert "Public update" in shown
    assert "Private page" not in shown
    assert "Draft page" not in shown


@pytest.mark.parametrize("fmt", FORMATS)
def test_setting_feed_lists_only_pages_tagged_with_that_setting(client, mixed, fmt):
    feed = read_feed(client, f"/feeds/settings/care-homes/{fmt}/")
    assert feed.feed.title == "Safety Learning Portal: care homes"
    assert feed.feed.link == "http://testserver/settings/care-homes/"
    assert titles(feed) == ["Note in care homes", "Visit in care homes", "Case study in care homes"]
    assert all("Care homes" in [tag.term for tag in entry.tags] for entry in feed.entries)

    assert titles(read_feed(client, f"/feeds/settings/general-practice/{fmt}/")) == ["Update for GPs"]
    assert titles(read_feed(client, f"/feeds/settings/mental-health/{fmt}/")) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_domain_feed_lists_only_pages_in_that_domain_and_asks_its_question(client, mixed, fmt):
    feed = read_feed(client, f"/feeds/domains/reliability/{fmt}/")
    assert feed.feed.title == "Safety Learning Portal: reliability"
    assert feed.feed.subtitle.endswith("Are our clinical systems and processes reliable?")
    assert feed.feed.link == "http://testserver/domains/reliability/"
    assert titles(feed) == ["Update for GPs", "Note in care homes"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_feed_lists_only_programme_updates(client, mixed, update_index, fmt):
    UpdatePageFactory(parent=update_index, title="Older update", date="2019-06-01")
    feed = read_feed(client, f"/feeds/updates/{fmt}/")
    assert feed.feed.title == "Safety Learning Portal: programme updates"
    assert feed.feed.link == "http://testserver/updates/"
    assert titles(feed) == ["Update for GPs", "Older update"]


def test_unknown_setting_or_domain_feed_is_not_found(client, db):
    for url in (
        "/feeds/settings/nowhere/rss/",
        "/feeds/settings/nowhere/atom/",
        "/feeds/domains/nothing/rss/",
        "/feeds/domains/nothing/atom/",
    ):
        assert client.get(url).status_code == 404, url


def test_feeds_hold_the_30_newest_pages_in_constant_queries(
    client, case_study_index, learning_index, peer_visit_index, update_index
):
    urls = [
        f"/feeds/{scope}/{fmt}/"
        for scope in ("knowledge", "settings/care-homes", "domains/past-harm", "updates")
        for fmt in FORMATS
    ]
    tagged = {"settings": ["care-homes", "whole-system"], "safety_domains": ["past-harm", "reliability"]}
    factories = [
        (CaseStudyPageFactory, case_study_index),
        (LearningNotePageFactory, learning_index),
        (PeerVisitReportPageFactory, peer_visit_index),
    ]
    day = iter(datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(100))

    def add(count):
        for n in range(count):
            factory, parent = factories[n % 3]
            factory(parent=parent, date=next(day), **tagged)
            UpdatePageFactory(parent=update_index, date=next(day), **tagged)

    add(3)
    client.get(urls[0])  # warm Wagtail's cache of site root paths, and the view restrictions kept until content changes
    at_3 = [count_queries(client, url) for url in urls]
    add(27)
    client.get(urls[0])  # the first view after a change reads the restrictions afresh
    at_30 = [count_queries(client, url) for url in urls]
    assert at_3 == at_30
    assert max(at_30) <= 10

    oldest_update = UpdatePageFactory(parent=update_index, title="Oldest update", date="2000-01-01", **tagged)
    for url in urls:
        feed = read_feed(client, url)
        assert len(feed.entries) == 30, url
        assert oldest_update.title not in titles(feed)


def test_every_page_advertises_the_knowledge_and_updates_feeds(client, home):
    assert head_feed_links(client, "/") == SITE_WIDE_FEEDS
    assert head_feed_links(client, "/settings/") == SITE_WIDE_FEEDS


def test_setting_and_domain_pages_advertise_and_link_to_their_own_feeds(client, db):
    assert head_feed_links(client, "/settings/care-homes/") == [
        *SITE_WIDE_FEEDS,
        ("application/rss+xml", "Safety Learning Portal: care homes (RSS)", "/feeds/settings/care-homes/rss/"),
        ("application/atom+xml", "Safety Learning Portal: care homes (Atom)", "/feeds/settings/care-homes/atom/"),
    ]
    assert head_feed_links(client, "/domains/past-harm/") == [
        *SITE_WIDE_FEEDS,
        ("application/rss+xml", "Safety Learning Portal: past harm (RSS)", "/feeds/domains/past-harm/rss/"),
        ("application/atom+xml", "Safety Learning Portal: past harm (Atom)", "/feeds/domains/past-harm/atom/"),
    ]
    for kind, slug in (("settings", "care-homes"), ("domains", "past-harm")):
        page = client.get(f"/{kind}/{slug}/").content.decode()
        assert f'<a href="/feeds/{kind}/{slug}/rss/">Subscribe (RSS)</a>' in page
        assert f'<a href="/feeds/{kind}/{slug}/atom/">Subscribe (Atom)</a>' in page


def test_each_advertised_feed_is_the_feed_its_link_names(client, db):
    formats = {media_type: fmt for fmt, media_type in MEDIA_TYPES.items()}
    for media_type, title, href in head_feed_links(client, "/domains/integration-and-learning/"):
        fmt = formats[media_type]
        feed = read_feed(client, href)
        assert feed.version == VERSIONS[fmt], href
        assert f"{feed.feed.title} ({LABELS[fmt]})" == title
