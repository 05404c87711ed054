"""A member's own profile page: who they are, where they stand, what they follow;
and a copy of their data or the deletion of their account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portal.core.access import is_member, is_moderator, is_programme_team, organisation_of

from .forms import DeleteAccountForm, ProfileForm
from .my_data import delete_member_account, export_member_data


@login_required
def profile(request):
    """Always the signed-in person's own profile: there is no address for anyone else's.

    The profile came with the signed-in user (``portal.members.backends``);
    its organisation and what it follows are read once, and the organisation
    link below reuses them.
    """
    member_profile = getattr(request.user, "member_profile", None)
    if member_profile is not None:
        prefetch_related_objects([member_profile], "organisation", "followed_settings", "followed_domains")
    form = None
    if member_profile is not None:
        form = ProfileForm(request.POST or None, instance=member_profile)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("members:profile")
    return render(
        request,
        "members/profile.html",
        {
            "profile": member_profile,
            "form": form,
            "member": request.user,
            "can_post": is_member(request.user),
            "records_organisation": organisation_of(request.user),
            "keeps_all_records": is_moderator(request.user),
        },
    )


@login_required
def download_data(request):
    """A JSON file of everything the portal holds about the signed-in person, and only them."""
    data = export_member_data(request.user, request)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"safety-learning-portal-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Explain what deleting an account does and, given the password, do it.

    The programme team's accounts hold moderation history and admin access, so
    they are closed by an administrator rather than from here.
    """
    if is_programme_team(request.user):
        return render(request, "members/delete_account.html", {"team_account": True})
    # Not "request.POST or None": an empty POST must still be checked, not shown as a fresh form.
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        delete_member_account(request.user)
        logout(request)
        messages.success(request, "Your account has been deleted.")
        return redirect("/")
    return render(request, "members/delete_account.html", {"form": form})
