import pytest
from wagtail.rich_text import RichText

from portal.home.models import HomePage
from portal.updates.factories import UpdatePageFactory
from portal.updates.models import UpdateIndexPage, UpdatePage

pytestmark = pytest.mark.django_db


def test_update_shows_date_body_and_tagging(client, update_index):
    update = UpdatePageFactory(
        parent=update_index,
        title="Dashboard goes live",
        date="2017-07-03",
        body=[("heading", "What changes"), ("paragraph", RichText("<p>Sixteen measures, two priorities.</p>"))],
        settings=["whole-system"],
        safety_domains=["integration-and-learning"],
    )
    html = client.get(update.url).content.decode()
    assert "<h1>Dashboard goes live</h1>" in html
    assert '<time datetime="2017-07-03">3 July 2017</time>' in html
    assert "<h2>What changes</h2>" in html
    assert "Sixteen measures, two priorities." in html
    assert 'href="/domains/integration-and-learning/"' in html


def test_updates_live_under_the_update_index(home, update_index):
    assert UpdatePage.can_create_at(update_index)
    assert not UpdatePage.can_create_at(home)
    assert UpdateIndexPage.allowed_parent_page_models() == [HomePage]
