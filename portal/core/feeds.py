"""RSS and Atom feeds of new knowledge, built with Django's syndication framework.

https://docs.djangoproject.com/en/5.2/ref/contrib/syndication/

Each feed class serves either format: ``portal/feeds_urls.py`` makes one
instance with the default RSS 2.0 generator and one with ``Atom1Feed``.
Items come from ``KnowledgePage.objects.for_listing()``, so a feed lists only
live, public pages, newest first by ``date``, like the listings on the site.

Links are made absolute with the host the feed was requested on (Django's
``RequestSite``, as this project does not install ``django.contrib.sites``), so
they work on the development server as well as behind the production host.
"""

import copy
import datetime
from xml.sax.saxutils import escape as escape_markup
from zoneinfo import ZoneInfo

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed

from portal.core.models import KnowledgePage
from portal.taxonomy.models import SafetyDomain, Setting

PORTAL_NAME = "Safety Learning Portal"
ITEMS_PER_FEED = 30

# A page has a date, not a time; feeds need both. The programme works in
# Europe/London, so an item is dated 09:00 local time on its day.
PROGRAMME_TIME_ZONE = ZoneInfo("Europe/London")
PUBLICATION_TIME = datetime.time(9, 0)


def plain_text_as_html(text):
    """Plain text for a feed's description, which readers treat as HTML.

    Only ``&``, ``<`` and ``>`` are escaped: they are all HTML text needs, and
    quotes left alone read as quotes. Django's ``escape`` would also turn an
    apostrophe into ``&#x27;``, which the feed's own XML escaping then shows
    as ``&amp;#x27;``, and readers that take the summary as text show it so.
    """
    return escape_markup(text)


class KnowledgeFeed(Feed):
    """Every kind of knowledge page: case studies, learning notes, peer-visit reports, updates."""

    author_name = PORTAL_NAME
    item_guid_is_permalink = True

    def __init__(self, feed_type=Rss201rev2Feed):
        self.feed_type = feed_type

    def __call__(self, request, *args, **kwargs):
        # Django shares one Feed instance between all requests to its URL.
        # Each request gets its own copy to keep the request on, so that
        # Wagtail can cache the site's root paths on it while building links.
        feed = copy.copy(self)
        feed.request = request
        return super(KnowledgeFeed, feed).__call__(request, *args, **kwargs)

    def pages(self, obj):
        return KnowledgePage.objects.for_listing()

    def items(self, obj):
        return self.pages(obj)[:ITEMS_PER_FEED]

    def title(self, obj):
        return f"{PORTAL_NAME}: new learning"

    def description(self, obj):
        return (
            "New case studies, learning notes, peer-visit reports and programme updates "
            "from health and care teams across the city, newest first."
        )

    def subtitle(self, obj):
        # Atom calls the description a subtitle; RSS ignores this.
        return self.description(obj)

    def link(self, obj):
        return "/"

    def item_title(self, item):
        # Plain text: Django's default would escape it a second time.
        return item.title

    def item_description(self, item):
        # Feed readers treat the description as HTML; the summary is plain text.
        return plain_text_as_html(item.summary)

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return datetime.datetime.combine(item.date, PUBLICATION_TIME, tzinfo=PROGRAMME_TIME_ZONE)

    def item_updateddate(self, item):
        # Atom requires an updated date on every entry.
        return self.item_pubdate(item)

    def item_categories(self, item):
        # Uses the settings and safety domains that for_listing() prefetched.
        return [setting.name for setting in item.settings.all()] + [domain.name for domain in item.safety_domains.all()]


class SettingFeed(KnowledgeFeed):
    """Knowledge tagged with one care setting; an unknown slug is a 404."""

    def get_object(self, request, slug):
        return get_object_or_404(Setting, slug=slug)

    def pages(self, setting):
        return super().pages(setting).in_setting(setting)

    def title(self, setting):
        return f"{PORTAL_NAME}: {setting.name.lower()}"

    def description(self, setting):
        return (
            f"New learning tagged with {setting.name.lower()}: case studies, learning notes, "
            "peer-visit reports and programme updates, newest first."
        )

    def link(self, setting):
        return setting.get_absolute_url()


class DomainFeed(KnowledgeFeed):
    """Knowledge tagged with one safety domain; an unknown slug is a 404."""

    def get_object(self, request, slug):
        return get_object_or_404(SafetyDomain, slug=slug)

    def pages(self, domain):
        return super().pages(domain).in_domain(domain)

    def title(self, domain):
        return f"{PORTAL_NAME}: {domain.name.lower()}"

    def description(self, domain):
        return f"New learning that helps answer the question: {domain.guiding_question}"

    def link(self, domain):
        return domain.get_absolute_url()
