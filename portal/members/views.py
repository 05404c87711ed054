"""A member's own profile page: who they are, where they stand, what they follow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from portal.members.access import is_member

from .forms import ProfileForm
from .models import MemberProfile


@login_required
def profile(request):
    """Always the signed-in person's own profile: there is no address for anyone else's."""
    member_profile = (
        MemberProfile.objects.select_related("organisation", "user")
        .prefetch_related("followed_settings", "followed_domains")
        .filter(user=request.user)
        .first()
    )
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
        {"profile": member_profile, "form": form, "member": request.user, "can_post": is_member(request.user)},
    )
