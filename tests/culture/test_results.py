"""Results: hidden below the threshold, then counts, spread and comments that cannot be put
back together into one person's answers; change over time; totals per care setting."""

import re

import pytest
from django.urls import reverse

from portal.culture.factories import RoundFactory, add_response
from portal.culture.models import Answer, Response
from portal.culture.results import Distribution
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def results_page(client, user, round_):
    client.force_login(user)
    response = client.get(reverse("culture:round", args=[round_.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_below_the_threshold_only_the_count_is_shown(client, round_, dimensions, facilitator):
    for _ in range(4):
        add_response(round_, 2, ["A comment nobody should see yet"] * len(dimensions))
    page = results_page(client, facilitator, round_)
    assert 'id="answered-count">None yet<' in page
    assert "A comment nobody should see yet" not in page
    assert "Where views differ most" not in page
    assert 'class="culture-chart"' not in page


def test_a_draft_does_not_count_towards_the_threshold(client, round_, dimensions, facilitator):
    for _ in range(4):
        add_response(round_, 2)
    add_response(round_, 2, submitted=False)
    assert 'id="answered-count">None yet<' in results_page(client, facilitator, round_)
    add_response(round_, 2)
    assert "5 people's answers" in results_page(client, facilitator, round_)


def test_the_rounds_own_threshold_replaces_the_default(client, round_, facilitator):
    round_.min_responses = 8
    round_.save()
    for _ in range(7):
        add_response(round_, 3)
    assert 'id="answered-count">None yet<' in results_page(client, facilitator, round_)
    add_response(round_, 3)
    assert "8 people's answers" in results_page(client, facilitator, round_)


def test_at_the_threshold_each_dimension_shows_counts_spread_and_comments(client, round_, dimensions, facilitator):
    for level in (1, 3, 3, 5, 5):
        levels = [3] * len(dimensions)
        levels[4] = level
        comments = [""] * len(dimensions)
        comments[4] = f"Learning comment at level {level}"
        add_response(round_, levels, comments)
    page = results_page(client, facilitator, round_)
    assert "5 people's answers" in page
    # The dimension everyone disagreed on comes first on the agenda.
    first_heading = re.search(r'id="dimension-1">1\. ([^<]+)<', page).group(1)
    assert first_heading == dimensions[4].name
    assert "Spread: <strong>1.5</strong>" in page  # levels 1, 3, 3, 5, 5
    assert "Spread: <strong>0.0</strong>" in page
    assert "Learning comment at level 5" in page
    assert 'class="culture-chart" viewBox="0 0 320 158" role="img"' in page


def test_comments_are_not_grouped_by_who_wrote_them(client, round_, dimensions, facilitator):
    """Two people's comments on two dimensions: nothing on the page pairs one person's two comments."""
    add_response(round_, 3, ["Zebra crossing", "Apple pie"] + [""] * 7)
    add_response(round_, 3, ["Apple tart", "Zulu time"] + [""] * 7)
    for _ in range(3):
        add_response(round_, 3)
    page = results_page(client, facilitator, round_)
    for comment in ("Apple tart", "Zebra crossing", "Apple pie", "Zulu time"):
        assert page.count(comment) == 1
    # No per-response markup: no response id and no link to any single response.
    for response in Response.objects.all():
        assert f"response-{response.pk}" not in page
        assert f"/responses/{response.pk}" not in page


def test_there_is_no_page_for_one_persons_answers(client, round_, facilitator, superuser):
    response = add_response(round_, 3)
    client.force_login(facilitator)
    for url in (f"/culture/rounds/{round_.pk}/responses/{response.pk}/", f"/culture/responses/{response.pk}/"):
        assert client.get(url).status_code == 404, url
    client.force_login(superuser)
    for url in (
        f"/admin/snippets/culture/response/{response.pk}/",
        f"/admin/snippets/culture/answer/edit/{Answer.objects.first().pk}/",
        "/admin/snippets/culture/invitation/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_results_cost_the_same_queries_for_6_and_60_answers(client, round_, facilitator):
    for _ in range(6):
        add_response(round_, 3, ["A comment"] * 9)
    client.force_login(facilitator)
    url = reverse("culture:round", args=[round_.pk])
    client.get(url)  # the first view of a session loads the site's settings
    small = count_queries(client, url)
    for _ in range(54):
        add_response(round_, 4, ["Another comment"] * 9)
    assert count_queries(client, url) == small


def test_repeat_rounds_chart_change_over_time_with_a_data_table(client, round_, closed_round, dimensions, facilitator):
    closed_round.opens_on = round_.opens_on.replace(year=round_.opens_on.year - 1)
    closed_round.closes_on = closed_round.opens_on
    closed_round.save()
    for _ in range(5):
        add_response(closed_round, 2)
        add_response(round_, 4)
    closed_round.debrief_items.create(dimension=dimensions[0], agreed_level=2)
    page = results_page(client, facilitator, round_)
    assert "Change over time" in page
    assert page.count('class="culture-chart"') == 2 * len(dimensions)  # a spread chart and a trend chart each
    assert f'<title id="trend-0-title">{dimensions[0].name}: change over rounds</title>' in page
    assert "Autumn 2026: median Reactive, agreed Reactive; Spring 2027: median Proactive, agreed none" in page
    table = page.split(f"{dimensions[0].name} by round</caption>", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="nhsuk-table__cell">([^<]+)</td>', table)
    assert cells == ["Autumn 2026", "2", "2", "Spring 2027", "4", "Not recorded"]


def test_a_round_below_its_threshold_is_left_out_of_change_over_time(client, round_, closed_round, facilitator):
    closed_round.opens_on = closed_round.closes_on = round_.opens_on.replace(year=round_.opens_on.year - 1)
    closed_round.save()
    add_response(closed_round, 2)
    for _ in range(5):
        add_response(round_, 4)
    assert "Change over time" not in results_page(client, facilitator, round_)


@pytest.fixture
def general_practice_rounds(db):
    setting = Setting.objects.get(slug="general-practice")
    rounds = [RoundFactory(organisation=OrganisationFactory(setting=setting)) for _ in range(3)]
    for level in (1, 2, 2, 3, 5):
        add_response(rounds[0], level)
    for _ in range(5):
        add_response(rounds[1], 4)
    add_response(rounds[2], 5)  # too few: left out
    return rounds


def test_setting_totals_add_up_rounds_above_their_threshold_only(client, moderator, general_practice_rounds):
    client.force_login(moderator)
    page = client.get(reverse("culture:aggregates", args=["general-practice"])).content.decode()
    assert "2 rounds from 2 organisations. 1 round with too few answers is left out." in page
    table = page.split("</caption>", 1)[1].split("</table>", 1)[0]
    counts = re.findall(r'numeric">(\d+)</td>', table)
    assert counts == ["1", "2", "1", "5", "1"]  # levels 1..5 across both rounds


def test_setting_totals_cost_the_same_queries_for_few_and_many_rounds(client, moderator, general_practice_rounds):
    client.force_login(moderator)
    url = reverse("culture:aggregates", args=["general-practice"])
    client.get(url)  # the first view of a session loads the site's settings
    small = count_queries(client, url)
    setting = Setting.objects.get(slug="general-practice")
    for _ in range(6):
        extra = RoundFactory(organisation=OrganisationFactory(setting=setting))
        for _ in range(10):
            add_response(extra, 3)
    client.get(url)  # the change replaced the generation: the kept header and footer are read again
    assert count_queries(client, url) == small


@pytest.mark.parametrize(
    ("counts", "spread", "median"),
    [([0, 0, 5, 0, 0], 0.0, 3), ([1, 0, 0, 0, 1], 2.0, 1), ([1, 0, 2, 0, 2], 1.497, 3), ([0] * 5, None, None)],
)
def test_spread_is_the_standard_deviation_and_median_the_middle_level(counts, spread, median):
    distribution = Distribution(counts)
    assert distribution.median == median
    if spread is None:
        assert distribution.spread is None
    else:
        assert distribution.spread == pytest.approx(spread, abs=0.001)
