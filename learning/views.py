"""Posting from the public site: /share/, the two forms, previews and "My contributions".

Only approved members (and the programme team) may post; anyone else signed in
is told their account is waiting for approval. A member only ever sees their
own posts: someone else's is a 404, whoever asks.
"""

import datetime
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.core.access import is_member
from portal.core.typist import typed_by

from . import kept_forms, moderation
from .forms import LearningNoteForm, PeerVisitForm
from .models import Contribution, LearningNotePage, PeerVisitReportPage

FORMS = {LearningNotePage: LearningNoteForm, PeerVisitReportPage: PeerVisitForm}
KINDS = {
    LearningNotePage: {"heading": "Share learning", "noun": "learning note", "url_name": "share:learning_note"},
    PeerVisitReportPage: {
        "heading": "Report a peer visit",
        "noun": "peer-visit report",
        "url_name": "share:peer_visit",
    },
}
PAGE_CLASS_OF_FORM = {kind["url_name"]: page_class for page_class, kind in KINDS.items()}


def members_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            kept = request.method == "POST" and keep_typed(request, request.resolver_match)
            return redirect_to_login(kept or request.get_full_path())
        if not is_member(request.user):
            return TemplateResponse(
                request, "learning/not_yet_a_member.html", {"profile": _profile(request.user)}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapper


def keep_typed(request, match):
    """Keep what was sent to a posting form that was turned away (``learning.kept_forms``).

    Used when the member's session had ended, and registered with
    ``portal.core.views.keep_on_csrf_failure`` for a form that had expired.
    Returns the address of the form that shows it back, or None if nothing was kept.
    """
    if match is None:
        return None
    if match.view_name in PAGE_CLASS_OF_FORM:
        token = kept_forms.keep(request, FORMS[PAGE_CLASS_OF_FORM[match.view_name]])
        return kept_forms.form_url(match.view_name, token) if token else None
    if match.view_name == "share:edit":
        contribution = Contribution.objects.with_status().filter(pk=match.kwargs.get("pk"), page__isnull=False).first()
        if contribution is None or not contribution.is_editable:
            return None  # a post in review or published cannot take the change: nothing to keep it for
        form_class = FORMS[type(contribution.page.specific)]
        token = kept_forms.keep(request, form_class, contribution)
        return kept_forms.form_url(match.view_name, token, contribution) if token else None
    return None


def _profile(user):
    try:
        return user.member_profile
    except ObjectDoesNotExist:
        return None


def index(request):
    """The landing page: what the two forms are for. Open to everyone, so people know posting exists."""
    return TemplateResponse(request, "learning/share_index.html", {"can_post": is_member(request.user)})


@members_only
def new_learning_note(request):
    return _new(request, LearningNotePage)


@members_only
def new_peer_visit(request):
    return _new(request, PeerVisitReportPage)


def _defaults(user, page_class):
    profile = _profile(user)
    organisation = profile.organisation if profile else None
    if page_class is LearningNotePage:
        return {"author_name": user.get_full_name() or user.get_username(), "organisation": organisation}
    return {"visiting_organisations": [organisation] if organisation else []}


def _new(request, page_class):
    form_class = FORMS[page_class]
    if request.method != "POST":
        return _blank_form(request, page_class)
    form = form_class(request.POST, request.FILES, instance=page_class(), member=request.user)
    _choose_checks(request, form)
    if not form.is_valid():
        return _form_response(request, form, page_class)
    try:
        try:
            contribution = moderation.create_contribution(form, request.user)
        except moderation.AlreadyReceived as received:
            if received.contribution is not None:
                raise
            # The form's one-time token had made someone else's post (a link opened by two
            # members, or on a shared computer): these words are this member's, and are
            # saved under a token of their own rather than dropped (the attacker's review).
            # Worked out from the form's token and the member, so a double tap or Back and
            # send again finds the same token and makes no second post (the third review).
            form.cleaned_data["token"] = uuid.uuid5(form.cleaned_data["token"], f"member:{request.user.pk}")
            contribution = moderation.create_contribution(form, request.user)
    except moderation.PostingLimitReached:
        form.add_error(
            None,
            f"You have started {moderation.POSTS_PER_DAY} posts in the last 24 hours, which is the most we take "
            "in a day. Your text is still below: copy it somewhere safe, or try again tomorrow.",
        )
        return _form_response(request, form, page_class, status=429)
    except moderation.AlreadyReceived as received:
        return _already_received(request, received.contribution)
    except moderation.NoPlaceToPost:
        form.add_error(
            None,
            f"The site is not ready to take a {KINDS[page_class]['noun']} yet: the programme team have not set up "
            "the section it goes in. Nothing was saved. Your text is still below: copy it somewhere safe.",
        )
        return _form_response(request, form, page_class, status=503)
    return _after_save(request, contribution)


def _blank_form(request, page_class):
    """A new form, with its one-time token in the address as well as in the form.

    The token in the address is what makes Back safe: a browser that fetches the
    form again after it was sent asks for the same token, so we can tell it was
    used and show the post it made, instead of a fresh form that would make a
    second post.
    """
    url = reverse(KINDS[page_class]["url_name"])
    try:
        token = uuid.UUID(request.GET.get("form", ""))
    except ValueError:
        return redirect(f"{url}?form={uuid.uuid4()}")
    used = Contribution.objects.filter(token=token).first()
    if used is not None:
        if used.author_id != request.user.pk:
            return redirect(f"{url}?form={uuid.uuid4()}")
        return _already_received(request, used)
    kept = kept_forms.kept_for(request, token)
    initial = {**_defaults(request.user, page_class), **(kept["data"] if kept else {}), "token": token}
    form = FORMS[page_class].blank(initial=initial, instance=page_class())
    return _form_response(request, form, page_class, kept=kept)


def _choose_checks(request, form):
    """Every check when the post is being sent for review; a draft or a preview needs only its title."""
    if request.POST.get("action") != "submit":
        form.check_as_draft()


@members_only
def edit(request, pk):
    contribution = get_object_or_404(Contribution.objects.by(request.user).with_status(), pk=pk)
    if not contribution.is_editable:
        messages.info(request, _locked_message(contribution))
        return redirect("share:mine")
    draft = moderation.latest_draft(contribution)
    form_class = FORMS[type(draft)]
    photos = list(draft.photos.all())
    if request.method != "POST":
        kept = kept_forms.kept_for(request, contribution.token, contribution)
        initial = {**(kept["data"] if kept else {}), "token": contribution.token}
        form = form_class(instance=draft, initial=initial, existing_photos=photos)
        # Text kept from an older tab is checked against the draft as that tab had it.
        revision = _revision_sent(kept) if kept else None
        return _form_response(
            request,
            form,
            type(draft),
            contribution=contribution,
            kept=kept,
            revision=revision or moderation.latest_revision_id(contribution),
        )
    form = form_class(request.POST, request.FILES, instance=draft, existing_photos=photos, member=request.user)
    _choose_checks(request, form)
    based_on = _revision_sent(request.POST)
    if based_on is None and moderation.latest_revision_id(contribution) is not None:
        # Every edit form carries the revision it was opened with; one without a genuine
        # number (missing, garbled) is treated as opened before the newest save, never as
        # permission to overwrite it (the attacker's review saved over a newer draft so).
        based_on = 0
    if not form.is_valid():
        return _form_response(request, form, type(draft), contribution=contribution, revision=based_on)
    try:
        moderation.update_contribution(contribution, form, request.user, based_on=based_on)
    except moderation.NotEditable:
        messages.info(request, "This post was already sent for review, so your last change was not saved.")
        return redirect("share:mine")
    except moderation.ChangedElsewhere as changed:
        form.add_error(None, _changed_elsewhere_message(changed.revision))
        # Shown the newer draft's revision now, so saving again is a deliberate choice to replace it.
        revision = changed.revision.pk if changed.revision else None
        return _form_response(request, form, type(draft), contribution=contribution, status=409, revision=revision)
    return _after_save(request, contribution)


def _revision_sent(values):
    """The draft revision a form was opened with (its hidden ``revision``), or None if it has none."""
    value = str(values.get("revision") or "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _changed_elsewhere_message(revision):
    when = ""
    if revision is not None:
        saved_at = timezone.localtime(revision.created_at)
        when = f" at {saved_at:%H:%M} on {saved_at.day} {saved_at:%B}"
    return (
        f"This draft was saved again{when}, in another tab or window, after this page was opened, so nothing "
        "was saved from here: saving would have undone those changes. What you typed here is still in the boxes "
        "below. Check it against the newer draft (open it from My contributions in another tab), then save again "
        "if this is the version to keep."
    )


def _already_received(request, contribution):
    """The same form again (a double tap, or Back and send): show the one copy we kept, never make another."""
    if contribution is not None:
        contribution = Contribution.objects.with_status().get(pk=contribution.pk)
    if contribution is not None and contribution.is_editable:
        messages.info(
            request,
            "We already had this form from you, so nothing new was made. This is the copy we saved: "
            "check it, then send it from here.",
        )
        return redirect("share:edit", contribution.pk)
    messages.info(request, "We already had this form from you, so nothing new was made.")
    return redirect("share:mine")


def _after_save(request, contribution):
    kept_forms.forget(request, contribution.token, request.POST.get("kept", ""))
    action = request.POST.get("action")
    if action == "preview":
        return redirect("share:preview", contribution.pk)
    if action == "submit":
        return _send_for_review(request, contribution)
    messages.success(request, "Saved as a draft. Only you can see it.")
    return redirect("share:edit", contribution.pk)


def _send_for_review(request, contribution):
    try:
        moderation.submit_for_review(contribution, request.user)
    except moderation.NotEditable:
        messages.info(request, "This post is already with the programme team, so nothing new was sent.")
        return redirect("share:mine")
    messages.success(
        request,
        "Thank you. Your post has gone to the programme team to check. We will email you when it is "
        "published, or if they ask for changes.",
    )
    return redirect("share:mine")


@members_only
@require_POST
def submit(request, pk):
    """Send for review from the preview: the saved draft gets every check the form's own button gives.

    If something is missing, the form opens with the problems listed, so the
    member can finish it there.
    """
    contribution = get_object_or_404(Contribution.objects.by(request.user).with_status(), pk=pk)
    if not contribution.is_editable:
        messages.info(request, _locked_message(contribution))
        return redirect("share:mine")
    draft = moderation.latest_draft(contribution)
    form_class = FORMS[type(draft)]
    photos = list(draft.photos.all())
    saved = form_class(instance=draft, initial={"token": contribution.token}, existing_photos=photos)
    form = form_class(_answers(saved), instance=draft, existing_photos=photos)
    if not form.is_valid():
        return _form_response(
            request, form, type(draft), contribution=contribution, revision=moderation.latest_revision_id(contribution)
        )
    return _send_for_review(request, contribution)


def _answers(form):
    """What an unbound form shows, as the browser would send it back."""
    data = QueryDict(mutable=True)
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple, QuerySet)):
            data.setlist(name, [str(getattr(item, "pk", item)) for item in value])
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        elif value not in (None, False):
            data[name] = str(getattr(value, "pk", value))
    return data


def _locked_message(contribution):
    if contribution.status == Contribution.Status.PUBLISHED:
        return "That post is published, so it can no longer be changed here. Contact the programme team to change it."
    return "That post is with the programme team, so it cannot be changed until they have looked at it."


def _form_response(request, form, page_class, contribution=None, status=200, kept=None, revision=None):
    if form.is_bound:
        form.link_errors_to_fields()
        form.keep_photos_after_errors()
    context = {
        "form": form,
        "kind": KINDS[page_class],
        "contribution": contribution,
        "kept": kept,
        # Which kept text this form shows, carried through its error pages, so saving it clears that text.
        "kept_marker": kept["at"] if kept else (request.POST.get("kept", "")[:40] if form.is_bound else ""),
        "typed_by": typed_by(request.user),
        "revision": revision,
        "posts_left": moderation.posts_left_today(request.user) if contribution is None else None,
        "action_url": reverse("share:edit", args=[contribution.pk]) if contribution else request.get_full_path(),
    }
    return TemplateResponse(request, "learning/contribution_form.html", context, status=status)


@members_only
def preview(request, pk):
    """The post exactly as its page will look, marked as a preview, only for its author."""
    contribution = get_object_or_404(Contribution.objects.by(request.user).with_status(), pk=pk)
    page = moderation.latest_draft(contribution)
    request.is_preview = True
    context = page.get_context(request)
    context.update(contribution_preview=contribution)
    response = TemplateResponse(request, page.get_template(request), context)
    response["X-Robots-Tag"] = "noindex"
    return response


@members_only
def mine(request):
    contributions = Contribution.objects.by(request.user).with_status().filter(page__isnull=False)
    return TemplateResponse(request, "learning/my_contributions.html", {"contributions": contributions})
