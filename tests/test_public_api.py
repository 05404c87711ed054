"""The read-only API reads no credentials and counts requests per client (issue 14, item 1)."""

import base64

import pytest

from portal.members.factories import PASSWORD, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = [f"/api/v2/{name}/" for name in ("pages", "workstreams", "milestones", "measures", "change-ideas")]


def basic(email, password):
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_wrong_and_a_right_password_get_the_same_answer(client, path):
    """HTTP Basic used to answer 403 to a wrong password and 200 to the right one: a guessing oracle."""
    editor = ModeratorFactory(is_staff=True)
    nobody = client.get(path)
    wrong = client.get(path, HTTP_AUTHORIZATION=basic(editor.email, "not-the-password"))
    right = client.get(path, HTTP_AUTHORIZATION=basic(editor.email, PASSWORD))
    by_username = client.get(path, HTTP_AUTHORIZATION=basic(editor.username, PASSWORD))
    assert nobody.status_code == wrong.status_code == right.status_code == by_username.status_code == 200
    assert wrong.json() == right.json() == nobody.json()


def test_a_signed_in_session_is_not_read_either(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/api/v2/milestones/")
    assert response.status_code == 200
    assert response.renderer_context["request"].user.is_anonymous


def test_each_client_is_throttled_on_its_own(client, settings):
    settings.PORTAL_API_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/v2/milestones/", REMOTE_ADDR="203.0.113.5").status_code == 200
    refused = client.get("/api/v2/milestones/", REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Request was throttled" in refused.json()["detail"]
    # Another client is still served; guessing the throttle by sending a header changes nothing.
    assert client.get("/api/v2/milestones/", REMOTE_ADDR="203.0.113.6").status_code == 200
    forged = client.get("/api/v2/milestones/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.status_code == 429


def test_behind_the_trusted_proxy_the_visitors_address_is_counted(client, settings):
    settings.PORTAL_API_RATE = "2/minute"
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(2):
        client.get("/api/v2/milestones/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert (
        client.get("/api/v2/milestones/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        == 429
    )
    assert (
        client.get("/api/v2/milestones/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code
        == 200
    )


SEARCHES = "/api/v2/pages/"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"search": " ".join(["the"] * 300)}, "search is too long: use at most 200 characters"),
        ({"search": " ".join("abcdefghijklmnopqrstuvwxyz"[n % 26] for n in range(600))}, "search is too long"),
        ({"search": " ".join(["e"] * 600), "search_operator": "and"}, "search is too long"),
        ({"search": " ".join(["e"] * 60)}, "search has too many words: use at most 20"),
        ({"search": "falls", "search_operator": "zzz"}, "search_operator must be 'and' or 'or'"),
        ({"search": "falls\x00"}, "search may not contain a null character"),
        ({"search": '"falls prevention'}, 'search has an opening " with no closing one'),
    ],
    ids=["300 words", "600 letters", "600 words with and", "60 words", "unknown operator", "null character", "quote"],
)
def test_a_search_that_would_cost_too_much_or_make_no_sense_is_a_400_with_a_message(client, home, query, message):
    """These took seconds each, or raised RecursionError or ValueError (500), on the attacker's loopback run."""
    response = client.get(SEARCHES, query)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_a_sensible_search_still_answers(client, home):
    for query in (
        {"search": "falls"},
        {"search": '"falls prevention"'},
        {"search": " ".join(["drinks"] * 20), "search_operator": "and"},
    ):
        response = client.get(SEARCHES, query)
        assert response.status_code == 200, query
        assert "items" in response.json()


def test_searches_are_throttled_more_tightly_than_listings(client, home, settings):
    settings.PORTAL_API_SEARCH_RATE = "2/minute"
    for _ in range(2):
        assert client.get(SEARCHES, {"search": "falls"}, REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get(SEARCHES, {"search": "falls"}, REMOTE_ADDR="203.0.113.9").status_code == 429
    # Listings from the same client are still served, and another client may still search.
    assert client.get(SEARCHES, REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get(SEARCHES, {"search": "falls"}, REMOTE_ADDR="203.0.113.10").status_code == 200


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("offset", ["9223372036854775808", "99999999999999999999"])
def test_an_offset_too_large_for_the_database_is_a_400_with_a_message(client, home, path, offset):
    """Every list answered these with the 500 page on the attacker's loopback run (SQLite overflowed)."""
    response = client.get(path, {"offset": offset})
    assert response.status_code == 400
    assert response.json() == {"message": "offset cannot be higher than 1000000000"}


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_offset_past_the_end_is_an_empty_list(client, home, path):
    response = client.get(path, {"offset": "1000000000"})
    assert response.status_code == 200
    assert response.json()["items"] == []
