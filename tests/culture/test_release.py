"""The differencing attack: save every page that shows answers, let one more person answer,
save them again and compare. Nothing a person can see may change until a whole batch of at
least 5 new answers has arrived, whoever sends them (the facilitator included)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.culture.factories import RoundFactory, add_response
from portal.culture.models import Response

from .conftest import level_data

pytestmark = pytest.mark.django_db

VARYING = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),  # a fresh mask on every render
    re.compile(r'nonce="[^"]+"'),  # the Content Security Policy's per-request nonce
]


def _steady(html):
    for pattern in VARYING:
        html = pattern.sub("", html)
    return html


@pytest.fixture
def viewers(round_, facilitator, moderator, staff):
    """A signed-in client for each person who can see something of the round."""
    clients = {}
    for name, user in (("facilitator", facilitator), ("moderator", moderator), ("staff", staff)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def every_view(round_, dimensions, viewers):
    """Every page that shows anything drawn from answers, as each person who can see it."""
    urls = [
        reverse("culture:index"),
        reverse("culture:round", args=[round_.pk]),
        reverse("culture:debrief", args=[round_.pk]),
        reverse("culture:summary", args=[round_.pk]),
        *[reverse("culture:debrief_dimension", args=[round_.pk, d.pk]) for d in dimensions],
    ]
    pages = {}
    for url in urls:
        pages[f"facilitator {url}"] = viewers["facilitator"].get(url)
    for url in urls[:2] + urls[3:4] + [reverse("culture:aggregates", args=["general-practice"])]:
        pages[f"programme team {url}"] = viewers["moderator"].get(url)
    pages["member summary"] = viewers["staff"].get(reverse("culture:summary", args=[round_.pk]))
    return {key: (response.status_code, _steady(response.content.decode())) for key, response in pages.items()}


def make_links(client, round_, number):
    page = client.post(reverse("culture:links", args=[round_.pk]), {"number": number}).content.decode()
    return re.findall(r"/culture/answer/([A-Za-z0-9_-]+)/", page)


def answer(client, token, dimensions, person):
    """One person sends a full set of answers through a private link, each with its own comment."""
    data = level_data(dimensions, level=1 + person % 5, comment=f"Comment from person {person}")
    response = client.post(reverse("culture:answer_link", args=[token]), data)
    assert "Your answers have been sent" in response.content.decode()


def assert_same(before, after, note):
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, f"{note}: these views changed: {changed}"


def test_one_more_answer_changes_nothing_anyone_can_see_until_a_batch_of_5(
    client, round_, dimensions, viewers, facilitator
):
    round_.debrief_complete = True  # so that members see the summary throughout
    round_.save()
    # The facilitator makes the links and answers every one of them personally, signed in:
    # the rule counts answers, whoever sends them.
    tokens = make_links(viewers["facilitator"], round_, 12)
    assert len(tokens) == 12
    answering = viewers["facilitator"]
    before = every_view(round_, dimensions, viewers)
    assert "Comment from person" not in str(before)
    for person in range(4):
        answer(answering, tokens[person], dimensions, person)
        assert_same(before, every_view(round_, dimensions, viewers), f"after answer {person + 1}")

    answer(answering, tokens[4], dimensions, 4)  # the fifth: the first batch is released
    first_batch = every_view(round_, dimensions, viewers)
    results = first_batch[f"facilitator {reverse('culture:round', args=[round_.pk])}"][1]
    assert "5 people's answers" in results
    assert all(f"Comment from person {p}" in results for p in range(5))
    aggregates = first_batch["programme team " + reverse("culture:aggregates", args=["general-practice"])][1]
    assert "1 round from 1 organisation." in aggregates

    for person in range(5, 9):
        answer(answering, tokens[person], dimensions, person)
        assert_same(first_batch, every_view(round_, dimensions, viewers), f"after answer {person + 1}")
        assert "Comment from person 5" not in str(every_view(round_, dimensions, viewers))

    answer(answering, tokens[9], dimensions, 9)  # the tenth: the second batch
    second_batch = every_view(round_, dimensions, viewers)
    results = second_batch[f"facilitator {reverse('culture:round', args=[round_.pk])}"][1]
    assert "10 people's answers" in results
    assert "Comment from person 9" in results

    # Two more answer, then the round closes: a remainder under 5 is never shown.
    for person in (10, 11):
        answer(answering, tokens[person], dimensions, person)
    round_.closes_on = round_.opens_on = timezone.localdate() - datetime.timedelta(days=1)
    round_.save()
    after_close = every_view(round_, dimensions, viewers)
    for key, (_status, html) in after_close.items():
        assert "Comment from person 10" not in html and "Comment from person 11" not in html, key
    assert "10 people's answers" in after_close[f"facilitator {reverse('culture:round', args=[round_.pk])}"][1]
    assert Response.objects.filter(submitted=True, batch__isnull=True).count() == 2


def test_a_link_answers_once_so_the_facilitator_cannot_stuff_a_batch_from_one_link(client, round_, dimensions, viewers):
    token = make_links(viewers["facilitator"], round_, 1)[0]
    answer(viewers["facilitator"], token, dimensions, 0)
    again = viewers["facilitator"].post(reverse("culture:answer_link", args=[token]), level_data(dimensions))
    assert again.status_code == 410
    assert Response.objects.filter(submitted=True).count() == 1


def test_a_closed_rounds_last_batch_of_5_or_more_is_released(client, practice, facilitator, dimensions):
    """A round that asks for 8: the first batch at 8; at the close, 6 more are released together."""
    round_ = RoundFactory(organisation=practice, facilitator=facilitator, min_responses=8)
    client.force_login(facilitator)
    tokens = make_links(client, round_, 14)
    for person, token in enumerate(tokens):
        answer(Client(), token, dimensions, person)
    url = reverse("culture:round", args=[round_.pk])
    assert "8 people's answers" in client.get(url).content.decode()
    round_.closes_on = round_.opens_on = timezone.localdate() - datetime.timedelta(days=1)
    round_.save()
    page = client.get(url).content.decode()
    assert "14 people's answers" in page and "Comment from person 13" in page


def test_a_round_cannot_ask_for_batches_under_5(client, practice, facilitator, dimensions):
    round_ = RoundFactory(organisation=practice, facilitator=facilitator, min_responses=2)
    assert round_.threshold == 5
    client.force_login(facilitator)
    for person, token in enumerate(make_links(client, round_, 4)):
        answer(Client(), token, dimensions, person)
    assert "None yet" in client.get(reverse("culture:round", args=[round_.pk])).content.decode()


def test_comments_are_in_a_keyed_random_order_not_answer_order(client, round_, dimensions, facilitator):
    from portal.culture.results import comment_order_key

    client.force_login(facilitator)
    tokens = make_links(client, round_, 10)
    for person, token in enumerate(tokens):
        answer(Client(), token, dimensions, person)
    page = client.get(reverse("culture:round", args=[round_.pk])).content.decode()
    section = page.split('id="dimension-1"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r"<li>(Comment from person \d+)</li>", section)
    assert sorted(shown) == sorted(f"Comment from person {p}" for p in range(10))
    assert shown == sorted(shown, key=lambda text: comment_order_key(round_, 2, text))
    assert shown != [f"Comment from person {p}" for p in range(10)]  # not the order people answered in


def test_a_closed_round_says_its_results_are_final(client, closed_round, facilitator):
    for _ in range(6):
        add_response(closed_round, 3)
    client.force_login(facilitator)
    page = client.get(reverse("culture:round", args=[closed_round.pk])).content.decode()
    assert "The round has closed, so these results are final." in page
    assert "once 5 more people have answered" not in page
