"""What a reader sees on a page, and what a page costs, for assertions."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

CARD_LINK = re.compile(r'class="nhsuk-card__link" href="[^"]+">([^<]+)</a>')


def card_titles(response):
    """The card headings a reader sees, in order."""
    return CARD_LINK.findall(response.content.decode())


def count_queries(client, url):
    """How many database queries one page view makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def facets_seen(client, url):
    """{label: count} of every facet value listed on the search page at ``url``, as a reader reads them."""
    html = client.get(url).content.decode()
    links = re.findall(r'class="portal-facet__link"[^>]*>(.*?)</a>', html, flags=re.S)
    seen = {}
    for link in links:
        text = " ".join(re.sub(r"<[^>]+>", " ", link).split())
        label, count = re.fullmatch(r"(.+?) \((\d+) results? ?\)", text).groups()
        seen[label] = int(count)
    return seen
