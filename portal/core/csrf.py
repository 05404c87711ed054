"""One CSRF token per response, shared by every form on the page that asks for it here.

Django masks the session's CSRF secret afresh each time ``get_token`` is
called, so that no two responses carry the same string (the defence against
BREACH). Within one response Django itself gives every ``{% csrf_token %}``
of a template the same masked token; a signed-in page has two forms drawn
apart (the header's sign-out button and the comment form), which used to mask
the secret twice. ``token_for`` masks it once per request and hands both the
same string. The token is still the request's own: it is kept on the request
object only, never between requests, and masked afresh if the secret changes
during the request (signing in rotates it).
https://docs.djangoproject.com/en/5.2/ref/csrf/#how-it-works
"""

from django.middleware.csrf import get_token

_KEPT = "_portal_csrf_token"


def token_for(request):
    """The CSRF token for the forms of this response (``django.middleware.csrf.get_token``), masked once."""
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, _KEPT, None)
    if kept is not None and secret is not None and kept[0] == secret:
        return kept[1]
    token = get_token(request)
    setattr(request, _KEPT, (request.META.get("CSRF_COOKIE"), token))
    return token
