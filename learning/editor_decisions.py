"""One decision per review, however many times the page editor's form is sent.

In Wagtail's page editor, pressing "Approve and publish" (or any workflow
action without a comment box) adds the hidden fields ``action-workflow-action``
and ``workflow-action-name`` to the edit form and sends it. Anything that sends
the same form again carries them too: a second click, or the editor's autosave
(Wagtail 8 posts the whole form in the background). Wagtail's edit view then
either performs the decision a second time from a page it loaded before the
first one was saved (saving that stale page over the published one, so it goes
back to draft, and failing with ``'NoneType' object has no attribute
'on_action'``), or, if the first has finished, saves the form as a new draft
on top of what was just published.

``EditorDecisionMiddleware`` wraps every POST to the page editor so that:

- POSTs to one page's editor run one after the other: each holds a lock on the
  page's row for its whole transaction, so the second loads the page only once
  the first is saved;
- a decision sent after the review has ended (approved, changes requested or
  cancelled) changes nothing: the moderator is told the decision was already
  made (an autosave gets Wagtail's JSON error);
- an autosave never makes a decision: it saves a draft, as it would without
  the hidden fields;
- a request that fails is rolled back whole, so nothing half-done stays.
"""

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from wagtail.models import Page

from portal.members.two_factor import has_admin_reach

EDIT_VIEW = "wagtailadmin_pages:edit"
DECISION_FIELDS = ("action-workflow-action", "workflow-action-name", "workflow-action-extra-data")


def _page_id(request):
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != EDIT_VIEW:
        return None
    return match.kwargs.get("page_id")


def _is_autosave(request):
    return not request.accepts("text/html")


def _review_in_progress(page):
    return page.current_workflow_task is not None


def _already_decided(request, page):
    if _is_autosave(request):
        return JsonResponse(
            {
                "success": False,
                "error_code": "workflow_decided",
                "error_message": "The review of this page has ended, so this was not saved.",
            },
            status=409,
        )
    state = "It is live." if page.live else "It is not live."
    messages.warning(
        request,
        f"The review of '{page.get_admin_display_title()}' had already ended when this was sent, "
        f"so nothing was changed. {state}",
    )
    return redirect(EDIT_VIEW, page.pk)


class EditorDecisionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page_id = _page_id(request)
        # Only for the programme team: anyone else is turned away by the admin as usual.
        if page_id is None or not has_admin_reach(request.user):
            return self.get_response(request)
        deciding = bool(request.POST.get("action-workflow-action"))
        with transaction.atomic():
            page = Page.objects.select_for_update().filter(pk=page_id).first()
            if page is None:
                return self.get_response(request)
            if deciding and not _review_in_progress(page):
                return _already_decided(request, page)
            if deciding and _is_autosave(request):
                post = request.POST.copy()
                for field in DECISION_FIELDS:
                    post.pop(field, None)
                request.POST = post
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        if response.status_code >= 500 and deciding:
            page = Page.objects.get(pk=page_id)
            if not _review_in_progress(page):
                return _already_decided(request, page)
        return response
