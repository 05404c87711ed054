"""Nobody learns who has an account: sign-up, password reset and sign-in answer a stranger the same
whether or not an email address is known; only the address's owner is told, by email."""

import re

import pytest
from django.core import mail

from portal.members.factories import MemberFactory

from .test_forms import kersal, signup_data  # noqa: F401 - kersal is a fixture

pytestmark = pytest.mark.django_db


def visible(response):
    """What the person sees: the page without the per-request CSRF token and CSP nonce."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'nonce="[^"]*"', "", text)


def test_signing_up_with_an_address_already_in_use_looks_the_same_and_tells_its_owner(client, kersal):  # noqa: F811
    MemberFactory(user__email="grace.okafor@example.org")

    taken = client.post("/accounts/signup/", signup_data(kersal, email="grace.okafor@example.org"), follow=True)
    client.logout()
    fresh = client.post("/accounts/signup/", signup_data(kersal, email="new.person@example.org"), follow=True)

    assert [url for url, _ in taken.redirect_chain] == [url for url, _ in fresh.redirect_chain]
    # Each page repeats the address its visitor typed, and nothing else differs.
    assert visible(taken).replace("grace.okafor@example.org", "X") == visible(fresh).replace(
        "new.person@example.org", "X"
    )
    owners_email = [message for message in mail.outbox if message.to == ["grace.okafor@example.org"]]
    assert len(owners_email) == 1
    assert "already" in owners_email[0].body


def test_a_password_reset_answers_the_same_for_a_known_and_an_unknown_address(client):
    MemberFactory(user__email="grace.okafor@example.org")

    known = client.post("/accounts/password/reset/", {"email": "grace.okafor@example.org"}, follow=True)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody.here@example.org"}, follow=True)

    assert [url for url, _ in known.redirect_chain] == [url for url, _ in unknown.redirect_chain]
    assert visible(known).replace("grace.okafor@example.org", "X") == visible(unknown).replace(
        "nobody.here@example.org", "X"
    )


def test_a_wrong_password_and_an_unknown_address_get_the_same_message(client):
    MemberFactory(user__email="grace.okafor@example.org")

    wrong = client.post("/accounts/login/", {"login": "grace.okafor@example.org", "password": "not-it"})
    unknown = client.post("/accounts/login/", {"login": "nobody.here@example.org", "password": "not-it"})

    message = "The email address or password is not right. Check them and try again."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert visible(wrong).replace("grace.okafor@example.org", "X") == visible(unknown).replace(
        "nobody.here@example.org", "X"
    )


def test_signing_up_with_an_address_in_use_hashes_the_password_as_a_new_account_does(client, kersal):  # noqa: F811
    """An attacker timed sign-ups: an address in use answered in a fortieth of a new one's time."""
    from unittest import mock

    from django.contrib.auth.hashers import get_hasher

    MemberFactory(user__email="grace.okafor@example.org")
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as taken_encode:
        client.post("/accounts/signup/", signup_data(kersal, email="grace.okafor@example.org"))
    client.logout()
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as fresh_encode:
        client.post("/accounts/signup/", signup_data(kersal, email="new.person@example.org"))
    assert fresh_encode.call_count == 1
    assert taken_encode.call_count == fresh_encode.call_count
