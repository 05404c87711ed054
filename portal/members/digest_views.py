"""One-click unsubscribe from email digests, with no sign-in.

The link in each digest carries a signed token naming the member. Opening it
(a GET) only shows a page with a button: mail scanners and link previewers
follow links, and must not unsubscribe anyone. Pressing the button, or a
mail program's own one-click unsubscribe (RFC 8058, a POST with no form
token), turns the digest off. The signature is what proves the request came
from the member's email, so the view does not ask for a CSRF token.
"""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .digests import user_id_from_token
from .models import MemberProfile


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user_id = user_id_from_token(token)
    profile = (
        MemberProfile.objects.select_related("user").filter(user_id=user_id).first() if user_id is not None else None
    )
    if profile is None:
        return render(request, "members/digest/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        if profile.wants_digest:
            profile.wants_digest = False
            profile.save(update_fields=["wants_digest"])
        return render(request, "members/digest/unsubscribed.html", {"profile": profile})
    return render(request, "members/digest/unsubscribe.html", {"profile": profile})
