"""Every page's breadcrumb starts at "Home", whether Wagtail serves the page or a view of ours does."""

import pytest
from bs4 import BeautifulSoup

from learning.factories import LearningNotePageFactory
from portal.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def trail(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [link.get_text(strip=True) for link in page.select(".nhsuk-breadcrumb__link")]


def test_a_listing_and_a_note_start_their_trail_at_home_as_the_share_pages_do(client, home, learning_index):
    """A phone review: the trail said "Safety Learning Portal" on /learning/ and "Home" elsewhere."""
    note = LearningNotePageFactory(parent=learning_index, title="Night drinks round")
    assert home.title != "Home"
    assert trail(client.get(learning_index.url)) == ["Home"]
    assert trail(client.get(note.url)) == ["Home", learning_index.title]
    client.force_login(MemberFactory())
    assert trail(client.get("/share/mine/"))[0] == "Home"
