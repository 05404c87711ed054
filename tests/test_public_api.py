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
