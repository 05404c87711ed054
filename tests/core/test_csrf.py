"""One CSRF token per response for the forms drawn apart on a page (``portal.core.csrf``)."""

from django.middleware.csrf import _unmask_cipher_token, rotate_token
from django.test import RequestFactory

from portal.core.csrf import token_for


def test_the_token_is_masked_once_per_request_and_again_once_the_secret_changes():
    request = RequestFactory().get("/")
    first = token_for(request)
    assert token_for(request) == first
    secret = request.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(first) == secret

    rotate_token(request)  # as signing in does
    second = token_for(request)
    assert second != first
    assert _unmask_cipher_token(second) == request.META["CSRF_COOKIE"] != secret
    assert token_for(request) == second


def test_each_request_gets_a_token_of_its_own():
    one, other = RequestFactory().get("/"), RequestFactory().get("/")
    assert _unmask_cipher_token(token_for(one)) != _unmask_cipher_token(token_for(other))
