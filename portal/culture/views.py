"""Public pages for safety culture rounds: answering, results, debrief, summary, aggregates.

Answering views never log, message or store who is answering. Their error pages are
marked as already logged, because Django's request logger would otherwise write the
address, and with it a private link's token, to the log (see ``_quiet``).
"""

import csv
import datetime
import hmac
import secrets

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.taxonomy.models import Setting

from . import access
from .charts import distribution_svg, trend_svg
from .forms import ActionForm, AnswerForm, CreateLinksForm, DebriefItemForm, OpenRoundForm, TamperedForm
from .framework_text import FRAMEWORK_NAME
from .models import Action, Answer, DebriefItem, Framework, Invitation, Response, Round, hash_token
from .results import round_results, setting_aggregates, trend


def _quiet(response):
    """Keep Django's request logger from writing this response's address (which may hold a
    private link's token) to the log. ``_has_been_logged`` is the flag Django itself sets
    so that a response is logged once; setting it here means it is not logged at all."""
    response._has_been_logged = True
    return response


def _message(request, title, text, status, *, quiet=False):
    response = render(request, "culture/message.html", {"title": title, "text": text}, status=status)
    return _quiet(response) if quiet else response


def _round_or_404(pk):
    return get_object_or_404(Round.objects.select_related("framework", "organisation", "facilitator"), pk=pk)


def _forbidden(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _message(
        request,
        "You cannot see this page",
        "Only the round's facilitator and the programme team can see this page.",
        403,
    )


# Answering ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def answer_by_link(request, token):
    invitation = (
        Invitation.objects.select_related("round__framework", "round__organisation")
        .filter(token_hash=hash_token(token), kind=Invitation.Kind.LINK)
        .first()
    )
    if invitation is None:
        return _message(
            request,
            "This link is not recognised",
            "Check that you copied the whole link. If it still does not work, ask the person who gave it to you "
            "for a new one.",
            404,
            quiet=True,
        )
    return _answer(request, invitation.round, invitation, token_hash=invitation.token_hash, by_link=True)


@never_cache
@require_http_methods(["GET", "POST"])
def answer_as_member(request, pk):
    round = _round_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.belongs_to(request.user, round.organisation_id):
        return _message(
            request,
            "This round is for another organisation",
            f"Only members of {round.organisation.name} can answer this round. If you work there, ask the "
            "programme team to check the organisation on your profile, or ask your facilitator for a private link.",
            403,
            quiet=True,
        )
    token_hash = hash_token(round.member_token(request.user))
    invitation = Invitation.objects.filter(token_hash=token_hash).first()
    return _answer(request, round, invitation, token_hash=token_hash, by_link=False)


def _answer(request, round, invitation, *, token_hash, by_link):
    if invitation is not None and invitation.used:
        title = "This link has already been used" if by_link else "You have already answered this round"
        return _message(
            request,
            title,
            "Answers have already been sent for this round with it, and they cannot be changed. "
            "Thank you for taking part.",
            410,
            quiet=True,
        )
    today = timezone.localdate()
    if today < round.opens_on:
        return _message(
            request,
            "This round is not open yet",
            f"{round.organisation.name}: {round.title} opens on {round.opens_on:%-d %B %Y}. Please come back then.",
            403,
            quiet=True,
        )
    if today > round.closes_on:
        return _message(
            request,
            "This round has closed",
            f"{round.organisation.name}: {round.title} closed on {round.closes_on:%-d %B %Y}, so no more answers "
            "can be added. Your facilitator will share the team's summary.",
            403,
            quiet=True,
        )
    dimensions = list(round.framework.dimensions.prefetch_related("levels"))
    response = getattr(invitation, "response", None) if invitation is not None else None
    resumed = response is not None and (not by_link or _holds_resume_key(request, response))
    if request.method == "POST":
        finishing = request.POST.get("action") == "submit"
        try:
            form = AnswerForm(request.POST, dimensions=dimensions, finishing=finishing)
        except TamperedForm:
            return _message(
                request,
                "Your answers could not be saved",
                "The form that was sent does not match this round's questions, so nothing was saved. "
                "Please go back, reload the page and try again.",
                400,
                quiet=True,
            )
        if form.is_valid():
            saved = _save_answers(round, invitation, token_hash, by_link, form.answers(), finishing)
            if saved is None:
                return _message(
                    request,
                    "This link has already been used",
                    "Answers have already been sent with it, so nothing was changed.",
                    410,
                    quiet=True,
                )
            template = "culture/answer_sent.html" if finishing else "culture/answer_saved.html"
            page = render(request, template, {"round": round, "by_link": by_link})
            if by_link:
                _set_resume_cookie(request, page, round, saved)
            return _quiet(page)
    else:
        initial = {}
        if resumed:
            for answer in response.answers.all():
                if answer.level:
                    initial[f"level_{answer.dimension_id}"] = str(answer.level)
                initial[f"comment_{answer.dimension_id}"] = answer.comment
        form = AnswerForm(initial=initial, dimensions=dimensions)
    return render(
        request,
        "culture/answer.html",
        {"round": round, "form": form, "by_link": by_link, "resumed": resumed},
    )


#: The cookie that lets the browser which saved a draft through a private link see it again.
RESUME_COOKIE = "culture_draft"


def _holds_resume_key(request, response):
    """Whether this browser saved the link's draft: its cookie's key matches the stored hash.
    Whoever else opens the link (the facilitator who handed it out, say) sees an empty form."""
    key = request.COOKIES.get(RESUME_COOKIE, "")
    return bool(key and response.resume_key_hash) and hmac.compare_digest(hash_token(key), response.resume_key_hash)


def _set_resume_cookie(request, page, round, response):
    """After a save, give this browser the draft's new key (only its hash is stored), scoped
    to this link's address, unreadable by scripts and never sent by other sites' forms. After a
    send the key is spent, so the cookie is removed."""
    if response.submitted:
        page.delete_cookie(RESUME_COOKIE, path=request.path, samesite="Lax")
        return
    days_left = (round.closes_on - timezone.localdate()).days + 1
    page.set_cookie(
        RESUME_COOKIE,
        response.resume_key,
        max_age=int(datetime.timedelta(days=max(days_left, 1)).total_seconds()),
        path=request.path,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _save_answers(round, invitation, token_hash, by_link, answers, finishing):
    """Store the answers against the invitation's response; ``None`` if it was used meanwhile."""
    with transaction.atomic():
        if invitation is None:
            invitation, _ = Invitation.objects.get_or_create(
                token_hash=token_hash, defaults={"round": round, "kind": Invitation.Kind.MEMBER}
            )
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used:
            return None
        response, _ = Response.objects.get_or_create(invitation=invitation, defaults={"round": round})
        response.answers.all().delete()
        Answer.objects.bulk_create(
            Answer(response=response, dimension_id=dimension_id, level=level, comment=comment)
            for dimension_id, (level, comment) in answers.items()
            if level or comment
        )
        if by_link and not finishing:
            # A fresh key each save: a draft saved here replaces one saved elsewhere, and only
            # this browser is shown it (see _holds_resume_key).
            response.resume_key = secrets.token_urlsafe(18)
            response.resume_key_hash = hash_token(response.resume_key)
            response.save(update_fields=["resume_key_hash"])
        if finishing:
            response.submitted = True
            response.resume_key_hash = ""
            response.save(update_fields=["submitted", "resume_key_hash"])
            invitation.used = True
            invitation.save(update_fields=["used"])
            round.release()
    return response


# For the facilitator and the programme team -------------------------------------


def index(request):
    user = request.user
    context = {
        "answerable": [],
        "facilitated": [],
        "summaries": [],
        "aggregates": access.can_see_aggregates(user),
        "can_open": access.can_open_round(user),
    }
    if user.is_authenticated:
        today = timezone.localdate()
        rounds = Round.objects.select_related("organisation", "framework").with_response_count()
        organisation_id = access.member_organisation_id(user)
        if organisation_id:
            mine = rounds.filter(organisation_id=organisation_id)
            context["answerable"] = list(mine.filter(opens_on__lte=today, closes_on__gte=today))
            context["summaries"] = list(mine.filter(debrief_complete=True))
        context["facilitated"] = list(rounds.visible_to(user))
    return render(request, "culture/index.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def open_round(request):
    """An approved member opens a round for their own organisation, as its facilitator."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_open_round(request.user):
        return _message(
            request,
            "You cannot open a round yet",
            "Approved members open safety culture rounds for the organisation on their profile. "
            "If your profile has no organisation, or is waiting for approval, ask the programme team: "
            "they can also open a round for you.",
            403,
        )
    organisation = request.user.member_profile.organisation
    form = OpenRoundForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        round = form.save(commit=False)
        round.organisation, round.facilitator = organisation, request.user
        round.framework = Framework.objects.filter(name=FRAMEWORK_NAME).first() or Framework.objects.first()
        round.save()
        return redirect(f"{reverse('culture:round', args=[round.pk])}?opened=1")
    return render(request, "culture/open_round.html", {"form": form, "organisation": organisation})


def _with_charts(results):
    for i, result in enumerate(results.dimensions):
        result.chart = distribution_svg(f"spread-{i}", result.dimension.name, result.distribution)
    return results


@never_cache
def round_results_view(request, pk):
    round = _round_or_404(pk)
    if not access.can_see_results(request.user, round):
        return _forbidden(request)
    results = _with_charts(round_results(round))
    trends = []
    if results.shown:
        series = trend(round)
        if series and len(series[0][1]) > 1:
            trends = [
                (dimension, points, trend_svg(f"trend-{i}", dimension.name, points))
                for i, (dimension, points) in enumerate(series)
            ]
    return render(
        request,
        "culture/round.html",
        {
            "round": round,
            "results": results,
            "trends": trends,
            "can_debrief": access.can_debrief(request.user, round),
            "is_open": round.is_open(),
            "links_allowed": timezone.localdate() <= round.closes_on,
            "opened": request.GET.get("opened") == "1" and access.is_facilitator(request.user, round),
        },
    )


#: How long the links page keeps showing links just made, from the facilitator's session.
LINKS_SHOWN_FOR = datetime.timedelta(hours=1)


def _links_session_key(round):
    return f"culture_links_{round.pk}"


def _held_links(request, round):
    """The links last made for this round in this session, while they may still be shown.
    Reloading or going Back to the page shows these again instead of making new ones."""
    key = _links_session_key(round)
    held = request.session.get(key)
    if held and held.get("until", 0) > timezone.now().timestamp():
        return held
    request.session.pop(key, None)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def create_links(request, pk):
    """Make private links and show them as slips.

    The links just made are held in the facilitator's session for ``LINKS_SHOWN_FOR`` (and
    replaced when more are made), so that reloading the page or coming Back to it shows the
    same links. A form posted twice (Back and resubmit, or reload) carries the same
    ``batch`` key and is shown the links it already made, never a fresh set; the page also
    replaces its history entry with the plain address (js/culture.js), so the browser does
    not offer to resubmit at all."""
    round = _round_or_404(pk)
    if not access.can_see_results(request.user, round):
        return _forbidden(request)
    if timezone.localdate() > round.closes_on:
        return _message(request, "This round has closed", "No more links can be made for a closed round.", 403)
    held = _held_links(request, round)
    form = CreateLinksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = request.POST.get("batch", "")
        if not (held and batch and hmac.compare_digest(batch, held["batch"])):
            held = {
                "batch": batch or secrets.token_urlsafe(12),
                "tokens": round.create_links(form.cleaned_data["number"]),
                "until": (timezone.now() + LINKS_SHOWN_FOR).timestamp(),
            }
            request.session[_links_session_key(round)] = held
        form = CreateLinksForm()
    tokens = held["tokens"] if held else []
    return render(
        request,
        "culture/links.html",
        {
            "round": round,
            "form": form,
            "links": [_link(request, t) for t in tokens],
            "tokens": tokens,
            "shown_until": timezone.localtime(datetime.datetime.fromtimestamp(held["until"], datetime.UTC))
            if held
            else None,
            "batch": secrets.token_urlsafe(12),
            "downloaded": request.GET.get("download") == "get",
        },
    )


def _link(request, token):
    return request.build_absolute_uri(reverse("culture:answer_link", args=[token]))


@never_cache
@require_http_methods(["GET", "POST"])
def download_links(request, pk):
    """The links just made, as a CSV or plain-text file: the page that showed the links posts
    them back, and only links that belong to this round are written out. A GET (a bookmark,
    a reload of the address) goes back to the links page, which says how to download."""
    round = _round_or_404(pk)
    if not access.can_see_results(request.user, round):
        return _quiet(_forbidden(request))
    if request.method == "GET":
        return redirect(f"{reverse('culture:links', args=[round.pk])}?download=get")
    tokens = request.POST.getlist("token")[:200]
    known = set(
        Invitation.objects.filter(
            round=round, kind=Invitation.Kind.LINK, token_hash__in=[hash_token(t) for t in tokens]
        ).values_list("token_hash", flat=True)
    )
    if not tokens or any(hash_token(t) not in known for t in tokens):
        return _message(
            request,
            "These links could not be downloaded",
            "The links sent are not this round's. Go back to the round and make new links.",
            400,
            quiet=True,
        )
    links = [_link(request, t) for t in tokens]
    name = f"private-links-{slugify(round.organisation.name)}-{slugify(round.title)}"
    if request.POST.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response)
        writer.writerow(["Number", "Organisation", "Round", "Answer by", "Private link"])
        for number, link in enumerate(links, 1):
            writer.writerow([number, round.organisation.name, round.title, f"{round.closes_on:%-d %B %Y}", link])
    else:
        response = HttpResponse(content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.txt"'
        heading = f"{round.organisation.name}: {round.title}. Answer by {round.closes_on:%-d %B %Y}."
        response.write(heading + "\nEach link works once. Give one to each person.\n\n")
        response.write("\n".join(links) + "\n")
    return _quiet(response)


def _debrief_round(request, pk):
    round = _round_or_404(pk)
    if not access.can_debrief(request.user, round):
        return round, _message(
            request,
            "Only the facilitator can run the debrief",
            "The round's facilitator records the levels and actions the team agrees. "
            "You can see the results and the summary if you are in the programme team.",
            403,
        ) if request.user.is_authenticated else redirect_to_login(request.get_full_path())
    return round, None


@never_cache
@require_http_methods(["GET", "POST"])
def debrief(request, pk):
    round, refused = _debrief_round(request, pk)
    if refused:
        return refused
    results = round_results(round)
    unagreed = [r for r in results.dimensions if not (r.debrief and r.debrief.agreed_level)]
    confirming = False
    if request.method == "POST" and results.shown:
        complete = request.POST.get("complete") == "yes"
        if complete and unagreed and request.POST.get("confirm") != "yes":
            confirming = True  # ask before marking complete with topics not agreed
        else:
            round.debrief_complete = complete
            round.save(update_fields=["debrief_complete"])
            done = "complete" if complete else "reopened"
            return redirect(f"{reverse('culture:debrief', args=[round.pk])}?done={done}")
    # The confirmation and the "done" banner both sit at the top of the page and take focus
    # (the design system's notification banner with role="alert"): on a phone the agenda
    # below is thousands of pixels long, and a change at its foot would go unseen.
    return render(
        request,
        "culture/debrief.html",
        {
            "round": round,
            "results": results,
            "unagreed": unagreed,
            "confirming": confirming,
            "done": request.GET.get("done") if request.method == "GET" else None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def debrief_dimension(request, pk, dimension_pk):
    round, refused = _debrief_round(request, pk)
    if refused:
        return refused
    results = round_results(round)
    if not results.shown:
        return _message(
            request,
            "Not enough answers yet",
            f"The debrief opens once the first {results.threshold} people's answers are in the results, "
            "so that everyone stays anonymous.",
            403,
        )
    result = next((r for r in results.dimensions if r.dimension.pk == dimension_pk), None)
    if result is None:
        raise Http404("No such dimension in this round")
    item = result.debrief or DebriefItem(round=round, dimension=result.dimension)
    # One form holds both the agreed level and a new action, so that whichever button is
    # pressed, nothing typed in the other part is lost: it is saved too, or shown again.
    which = request.POST.get("form") if request.method == "POST" else None
    data = request.POST if which in ("agreed", "action") else None
    item_form = DebriefItemForm(data, instance=item, prefix="agreed", require_level=which == "agreed")
    action_form = ActionForm(data, prefix="action")
    if data is not None:
        save_item = which == "agreed" or item_form.has_changed()
        save_action = which == "action" or action_form.has_changed()
        valid = (not save_item or item_form.is_valid()) and (not save_action or action_form.is_valid())
        if valid and (save_item or save_action):
            with transaction.atomic():
                if save_item:
                    item_form.save()
                if save_action:
                    action = action_form.save(commit=False)
                    action.round, action.dimension = round, result.dimension
                    action.save()
            saved = "both" if save_item and save_action else ("agreed" if save_item else "action")
            return redirect(_topic_url(round, dimension_pk, saved=saved, action=action if save_action else None))
        if not save_item:  # untouched: shown as stored, without errors
            item_form = DebriefItemForm(instance=item, prefix="agreed")
        if not save_action:
            action_form = ActionForm(prefix="action")
    result.chart = distribution_svg("spread", result.dimension.name, result.distribution)
    position = next(i for i, r in enumerate(results.dimensions) if r is result)
    actions = list(Action.objects.filter(round=round, dimension=result.dimension))
    past = request.GET.get("past", "")
    return render(
        request,
        "culture/debrief_dimension.html",
        {
            "round": round,
            "result": result,
            "item_form": item_form,
            "action_form": action_form,
            "error_forms": [f for f in (item_form, action_form) if f.errors],
            "saved": request.GET.get("saved"),
            "actions": actions,
            "past_action": next((a for a in actions if str(a.pk) == past and a.due_on < timezone.localdate()), None),
            "previous": results.dimensions[position - 1] if position > 0 else None,
            "next": results.dimensions[position + 1] if position + 1 < len(results.dimensions) else None,
            "position": position + 1,
            "topic_count": len(results.dimensions),
        },
    )


def _topic_url(round, dimension_pk, *, saved, action=None):
    """The debrief topic page after a change, saying what was done; ``past`` names an action
    whose due date is before today, so the page can warn about it (a warning, not a refusal:
    the team may be recording something already overdue)."""
    url = f"{reverse('culture:debrief_dimension', args=[round.pk, dimension_pk])}?saved={saved}"
    if action is not None and action.due_on < timezone.localdate():
        url += f"&past={action.pk}"
    return url


def _debrief_action(request, pk, dimension_pk, action_pk):
    round, refused = _debrief_round(request, pk)
    if refused:
        return None, refused
    return get_object_or_404(Action, round=round, dimension_id=dimension_pk, pk=action_pk), None


@never_cache
@require_http_methods(["GET", "POST"])
def change_action(request, pk, dimension_pk, action_pk):
    """Correct an action recorded at the debrief: the facilitator only, saved by POST."""
    action, refused = _debrief_action(request, pk, dimension_pk, action_pk)
    if refused:
        return refused
    form = ActionForm(request.POST or None, instance=action, prefix="action")
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(_topic_url(action.round, dimension_pk, saved="changed", action=action))
    return render(request, "culture/action_change.html", {"round": action.round, "action": action, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def remove_action(request, pk, dimension_pk, action_pk):
    """Remove an action: GET asks to confirm, only a POST removes it."""
    action, refused = _debrief_action(request, pk, dimension_pk, action_pk)
    if refused:
        return refused
    if request.method == "POST":
        action.delete()
        return redirect(_topic_url(action.round, dimension_pk, saved="removed"))
    return render(request, "culture/action_remove.html", {"round": action.round, "action": action})


@never_cache
def summary(request, pk):
    round = _round_or_404(pk)
    if not access.can_see_summary(request.user, round):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _message(
            request,
            "The summary is not ready for you yet",
            "Members of the organisation can see the summary once the facilitator has marked the debrief complete.",
            403,
        )
    results = _with_charts(round_results(round))
    return render(request, "culture/summary.html", {"round": round, "results": results})


# Programme team: across organisations ---------------------------------------------


@never_cache
def aggregates_index(request):
    if not access.can_see_aggregates(request.user):
        return _forbidden(request)
    return render(request, "culture/aggregates_index.html", {"settings": Setting.objects.all()})


@never_cache
def aggregates(request, slug):
    if not access.can_see_aggregates(request.user):
        return _forbidden(request)
    setting = get_object_or_404(Setting, slug=slug)
    included, left_out, frameworks = setting_aggregates(setting)
    charts = [
        (
            framework,
            [
                (d, dist, distribution_svg(f"all-{d.pk}", d.name, dist))
                for d, dist in sorted(rows, key=lambda row: -(row[1].spread or 0))
            ],
        )
        for framework, rows in frameworks
    ]
    return render(
        request,
        "culture/aggregates.html",
        {
            "setting": setting,
            "organisation_count": len({r.organisation_id for r in included}),
            "round_count": len(included),
            "left_out": left_out,
            "frameworks": charts,
        },
    )
