"""/my-organisation/: an organisation's change ideas, their history, and the form to record a status.

Reading and writing both need ``may_keep_records_for``: the organisation's own
confirmed members and the programme team. Someone signed in who may not is
told why, not shown a blank page.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.core.access import is_moderator, may_keep_records_for, organisation_of
from portal.taxonomy.models import Organisation

from .forms import ChangeIdeaStatusForm, day
from .models import ChangeIdeaStatus


def _profile(user):
    try:
        return user.member_profile
    except ObjectDoesNotExist:
        return None


def _refused(request, organisation=None):
    return TemplateResponse(
        request,
        "improvement/not_allowed.html",
        {"profile": _profile(request.user), "organisation": organisation},
        status=403,
    )


@never_cache
def my_organisation(request):
    """The signed-in member's own organisation; the programme team choose one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    own = organisation_of(request.user)
    if own is not None:
        return _organisation_records(request, own)
    if is_moderator(request.user):
        return TemplateResponse(
            request,
            "improvement/choose_organisation.html",
            {"organisations": Organisation.objects.select_related("setting").order_by("name")},
        )
    return _refused(request)


@never_cache
def organisation_records(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    if not may_keep_records_for(request.user, organisation):
        return _refused(request, organisation)
    return _organisation_records(request, organisation)


@never_cache
@require_POST
def withdraw(request, pk):
    """Withdraw a record made by mistake: kept, marked withdrawn, and counted nowhere from now on.

    The person who made it may, within ``ChangeIdeaStatus.WITHDRAW_WITHIN``, while they may still keep
    the organisation's records; the programme team may at any time.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("improvement:mine"))
    row = get_object_or_404(ChangeIdeaStatus.objects.select_related("organisation", "change_idea"), pk=pk)
    organisation = row.organisation
    if not may_keep_records_for(request.user, organisation):
        return _refused(request, organisation)
    if not row.may_be_withdrawn_by(request.user, team=is_moderator(request.user)):
        messages.error(
            request,
            "You cannot withdraw that record: only the person who made it can, within a day of making it. "
            "Ask the programme team if it is wrong.",
        )
    else:
        row.withdraw(request.user)
        messages.success(
            request,
            f"Withdrawn: {organisation}'s record “{row.get_status_display()}: {row.change_idea}” from "
            f"{day(row.took_effect_on)}. It is kept, but no longer counted anywhere.",
        )
    if organisation == organisation_of(request.user):
        return redirect("improvement:mine")
    return redirect("improvement:organisation", slug=organisation.slug)


def _save(request, form, organisation):
    """Save the form's record, unless it is already held, and say truthfully what it did to the current status."""
    idea = form.cleaned_data["change_idea"]
    status = ChangeIdeaStatus.Status(form.cleaned_data["status"]).label.lower()
    since = day(form.cleaned_data["took_effect_on"])
    if form.already_recorded:
        messages.info(request, f"Already recorded: {organisation} {status} {idea} from {since}. Nothing new was saved.")
        return
    form.instance.recorded_by = request.user
    form.save()
    if form.goes_into_history:
        current = form.current
        messages.success(
            request,
            f"Added to the history: {organisation} {status} {idea} from {since}. The current status stays "
            f"{current.get_status_display()} since {day(current.took_effect_on)}, because that took effect later.",
        )
    else:
        messages.success(request, f"Recorded: {idea} is {status} at {organisation}.")


def _organisation_records(request, organisation):
    if request.method == "POST":
        form = ChangeIdeaStatusForm(request.POST, organisation=organisation)
        with transaction.atomic():
            # One record at a time per organisation, so a double tap's second request sees the first's row.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            if form.is_valid():
                _save(request, form, organisation)
                if organisation == organisation_of(request.user):
                    return redirect("improvement:mine")
                return redirect("improvement:organisation", slug=organisation.slug)
    else:
        form = ChangeIdeaStatusForm(organisation=organisation)
    # Every record, withdrawn ones too: the history keeps them (marked, and counted nowhere).
    history = (
        ChangeIdeaStatus.all_records.for_organisation(organisation)
        .select_related("change_idea", "recorded_by", "withdrawn_by")
        .prefetch_related("learning_notes")
        .newest_first()
    )
    team = is_moderator(request.user)
    current = {}
    for row in history:
        row.withdrawable = row.may_be_withdrawn_by(request.user, team=team)
        entry = current.setdefault(row.change_idea_id, {"idea": row.change_idea, "current": None, "history": []})
        if entry["current"] is None and row.withdrawn_at is None:
            entry["current"] = row
        entry["history"].append(row)
    return TemplateResponse(
        request,
        "improvement/my_organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "ideas": sorted(current.values(), key=lambda entry: entry["idea"].title.lower()),
            "public_url": organisation.get_absolute_url(),
            "action_url": request.path,
            "own": organisation == organisation_of(request.user),
            "records_url": reverse("improvement:organisation", args=[organisation.slug]),
        },
    )
