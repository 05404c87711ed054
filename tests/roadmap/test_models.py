import datetime

import pytest

from portal.roadmap.factories import RoadmapPageFactory
from portal.roadmap.models import RoadmapPage

pytestmark = pytest.mark.django_db


def test_roadmap_shows_the_aim_and_target_date(client, home):
    roadmap = RoadmapPageFactory(
        parent=home, aim="The safest health and care economy in the country.", target_date=datetime.date(2022, 12, 31)
    )
    html = client.get(roadmap.url).content.decode()
    assert "Our aim" in html
    assert "The safest health and care economy in the country." in html
    assert '<time datetime="2022-12-31">December 2022</time>' in html


def test_there_is_one_roadmap_directly_under_home(home):
    assert RoadmapPage.can_create_at(home)
    RoadmapPageFactory(parent=home)
    assert not RoadmapPage.can_create_at(home)
