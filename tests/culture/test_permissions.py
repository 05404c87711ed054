"""Who may see results, run the debrief, answer, print the summary and see setting totals."""

import pytest
from django.urls import reverse

from portal.culture.factories import add_response

from .conftest import level_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "staff", "facilitator", "moderator", "superuser"]

# role: (results, debrief, answer as member, summary before complete, summary after complete, setting totals)
EXPECTED = {
    "anonymous": (False, False, False, False, False, False),
    "outsider": (False, False, False, False, False, False),
    "staff": (False, False, True, False, True, False),
    "facilitator": (False, True, False, False, False, False),
    "moderator": (True, False, False, True, True, True),
    "superuser": (True, False, False, True, True, True),
}
# The facilitator sees results and the summary, too: they are the round's facilitator.
EXPECTED["facilitator"] = (True, True, False, True, True, False)


@pytest.fixture
def people(outsider, staff, facilitator, moderator, superuser):
    return {
        "anonymous": None,
        "outsider": outsider,
        "staff": staff,
        "facilitator": facilitator,
        "moderator": moderator,
        "superuser": superuser,
    }


@pytest.fixture
def answered_round(round_):
    for _ in range(5):
        add_response(round_, 3)
    return round_


def allowed(client, user, method, url, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.status_code in (302, 403, 404, 410):
        if response.status_code == 302:
            return "/accounts/login/" not in response["Location"]
        return False
    assert response.status_code == 200, (url, response.status_code)
    return True


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, role, people, answered_round, dimensions):
    user = people[role]
    pk = answered_round.pk
    results, debrief, answer, summary_before, summary_after, totals = EXPECTED[role]
    assert allowed(client, user, "get", reverse("culture:round", args=[pk])) is results
    assert allowed(client, user, "get", reverse("culture:links", args=[pk])) is results
    assert allowed(client, user, "get", reverse("culture:debrief", args=[pk])) is debrief
    debrief_url = reverse("culture:debrief_dimension", args=[pk, dimensions[0].pk])
    assert allowed(client, user, "post", debrief_url, {"form": "agreed", "agreed-agreed_level": "3"}) is debrief
    assert answered_round.debrief_items.exists() is debrief
    assert allowed(client, user, "post", reverse("culture:answer_member", args=[pk]), level_data(dimensions)) is answer
    assert allowed(client, user, "get", reverse("culture:summary", args=[pk])) is summary_before
    answered_round.debrief_complete = True
    answered_round.save()
    assert allowed(client, user, "get", reverse("culture:summary", args=[pk])) is summary_after
    assert allowed(client, user, "get", reverse("culture:aggregates", args=["general-practice"])) is totals
    assert allowed(client, user, "get", reverse("culture:aggregates_index")) is totals


def test_the_facilitator_of_one_round_sees_nothing_of_another(client, round_, closed_round, facilitator, outsider):
    closed_round.facilitator = outsider
    closed_round.save()
    client.force_login(facilitator)
    assert client.get(reverse("culture:round", args=[closed_round.pk])).status_code == 403
    assert client.get(reverse("culture:debrief", args=[closed_round.pk])).status_code == 403
