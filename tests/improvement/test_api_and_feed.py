"""Spread counts in /api/v2/change-ideas/ and the Atom feed per change idea: public figures only."""

import datetime
import json

import feedparser
import pytest
from django.utils import timezone

from learning.factories import LearningNotePageFactory
from portal.improvement.factories import ChangeIdeaStatusFactory
from portal.roadmap.factories import ChangeIdeaFactory
from portal.taxonomy.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def spread_for(size):
    idea = ChangeIdeaFactory(title="Afternoon hydration rounds")
    for n in range(size):
        organisation = OrganisationFactory()
        ChangeIdeaStatusFactory(
            organisation=organisation, change_idea=idea, status="testing", took_effect_on=days_ago(60)
        )
        ChangeIdeaStatusFactory(
            organisation=organisation,
            change_idea=idea,
            status=("adopted", "abandoned")[n % 2],
            took_effect_on=days_ago(9),
        )
    ChangeIdeaStatusFactory(change_idea=idea, status="planning")
    return idea


@pytest.mark.parametrize("size", [2, 6])
def test_the_api_gives_each_change_ideas_spread_at_a_constant_cost(client, size, django_assert_max_num_queries):
    idea = spread_for(size)
    ChangeIdeaFactory(title="Quiet hour")
    client.get("/api/v2/change-ideas/")
    with django_assert_max_num_queries(12):
        response = client.get("/api/v2/change-ideas/")
    items = {item["title"]: item for item in json.loads(response.content)["items"]}
    assert items[idea.title]["spread"] == {"planning": 1, "testing": 0, "adopted": size // 2, "abandoned": size // 2}
    assert items["Quiet hour"]["spread"] == {"planning": 0, "testing": 0, "adopted": 0, "abandoned": 0}
    assert "reason" not in response.content.decode()


def test_the_feed_lists_current_statuses_and_live_linked_learning_only(client, learning_index):
    idea = ChangeIdeaFactory(title="Afternoon hydration rounds")
    home = OrganisationFactory(name="Kersal Brook Care Home")
    ChangeIdeaStatusFactory(organisation=home, change_idea=idea, status="planning", took_effect_on=days_ago(90))
    latest = ChangeIdeaStatusFactory(
        organisation=home, change_idea=idea, status="testing", took_effect_on=days_ago(20), reason="Private reason"
    )
    live = LearningNotePageFactory(parent=learning_index, title="Rounds at Kersal", organisation=home)
    draft = LearningNotePageFactory(parent=learning_index, title="Unpublished rounds", organisation=home, live=False)
    latest.learning_notes.add(live, draft)

    response = client.get(f"/feeds/change-ideas/{idea.slug}/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "Kersal Brook Care Home: testing" in feed
    assert "Learning: Rounds at Kersal" in feed
    assert "planning" not in feed.lower().replace("planning, testing", "")
    assert "Unpublished rounds" not in feed and "Private reason" not in feed
    assert client.get("/feeds/change-ideas/nothing/atom/").status_code == 404


def test_apostrophes_in_the_feed_are_escaped_once(client, learning_index):
    idea = ChangeIdeaFactory(title="Residents' afternoon drinks")
    home = OrganisationFactory(name="St Anne's Care Home")
    status = ChangeIdeaStatusFactory(organisation=home, change_idea=idea, status="testing", took_effect_on=days_ago(20))
    note = LearningNotePageFactory(
        parent=learning_index, title="Anne's rounds", summary="Staff's idea <b>worked</b>.", organisation=home
    )
    status.learning_notes.add(note)

    xml = client.get(f"/feeds/change-ideas/{idea.slug}/atom/").content.decode()
    assert "&amp;#x27;" not in xml and "&#x27;" not in xml
    assert "St Anne's Care Home recorded 'Residents' afternoon drinks' as testing" in xml
    assert "Staff's idea &amp;lt;b&amp;gt;worked&amp;lt;/b&amp;gt;." in xml  # markup stays text
    entries = {entry.title: entry for entry in feedparser.parse(xml).entries}
    assert entries["Learning: Anne's rounds"].summary == "Staff's idea &lt;b&gt;worked&lt;/b&gt;."
    assert entries["St Anne's Care Home: testing"].summary.startswith("St Anne's Care Home recorded")


def test_a_status_stored_in_year_1_is_dated_validly_in_the_feed(client):
    idea = ChangeIdeaFactory()
    ChangeIdeaStatusFactory(change_idea=idea, status="testing", took_effect_on=datetime.date(1, 1, 1))

    xml = client.get(f"/feeds/change-ideas/{idea.slug}/atom/").content.decode()
    assert "0001-01-01" not in xml and "-00:01" not in xml
    assert "<published>2000-01-01T09:00:00+00:00</published>" in xml
