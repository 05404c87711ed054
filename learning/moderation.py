"""What happens when a member saves, changes or submits a post from the public site.

A post is always a draft page owned by the member, with a revision for every
save, under the site's learning or peer-visit index. Submitting starts the
"Community submissions" workflow (created by migration 0003), so nothing is
live until a moderator approves it in the Wagtail admin, which then publishes
it. See https://docs.wagtail.org/en/stable/extending/customising_workflows.html
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Workflow, WorkflowState

from . import held_photos
from .models import (
    Contribution,
    LearningIndexPage,
    LearningNotePage,
    LearningNotePagePhoto,
    PeerVisitIndexPage,
    PeerVisitReportPage,
    PeerVisitReportPagePhoto,
    RefusedPhoto,
)

WORKFLOW_NAME = "Community submissions"
POSTS_PER_DAY = 10

PLACES = {
    LearningNotePage: (LearningIndexPage, LearningNotePagePhoto),
    PeerVisitReportPage: (PeerVisitIndexPage, PeerVisitReportPagePhoto),
}


class PostingLimitReached(Exception):
    """The member has started ``POSTS_PER_DAY`` posts in the last 24 hours."""


class AlreadyReceived(Exception):
    """This form (its one-time token) has already made a page."""

    def __init__(self, contribution):
        super().__init__("This form has already been sent.")
        self.contribution = contribution


class NoPlaceToPost(Exception):
    """The site has no index page for this kind of post yet (the programme team add one in the admin)."""


class NotEditable(Exception):
    """The post is under review or published, so the member cannot change it here."""


class ChangedElsewhere(Exception):
    """The draft was saved again (in another tab) after the form being sent was opened."""

    def __init__(self, revision):
        super().__init__("The draft has changed since this form was opened.")
        self.revision = revision


def posts_left_today(user):
    """Posts the member may still start: each post started and each photo refused in 24 hours counts."""
    since = timezone.now() - timedelta(hours=24)
    started = Contribution.objects.by(user).started_since(since).count()
    refused = RefusedPhoto.objects.filter(member=user, created_at__gte=since).count()
    return max(0, POSTS_PER_DAY - started - refused)


def forget_old_refused_photos():
    """Delete records of refused photos once they no longer count (after 24 hours); return how many."""
    deleted, _ = RefusedPhoto.objects.filter(created_at__lt=timezone.now() - timedelta(hours=24)).delete()
    return deleted


def count_refused_photos(user, reasons):
    """Record photos we refused, so they count against the posting limit (checking them cost work)."""
    RefusedPhoto.objects.bulk_create([RefusedPhoto(member=user, reason=reason[:20]) for reason in reasons])


@transaction.atomic
def create_contribution(form, user):
    """Make the draft page from a valid new-post form; one page per form token."""
    # Lock the member's row so that two posts sent at once are counted one after the other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    token = form.cleaned_data["token"]
    existing = Contribution.objects.filter(token=token).first()
    if existing is not None:
        raise AlreadyReceived(existing if existing.author_id == user.pk else None)
    if posts_left_today(user) == 0:
        raise PostingLimitReached
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(token=token, author=user)
    except IntegrityError:
        raise AlreadyReceived(Contribution.objects.filter(token=token, author=user).first()) from None

    page = form.save(commit=False)
    _apply_form(page, form, user)
    page.owner = user
    page.live = False
    page.has_unpublished_changes = True
    index_class, _ = PLACES[type(page)]
    parent = index_class.objects.first()
    if parent is None:
        raise NoPlaceToPost
    # A title of only punctuation or emoji has no slug of its own; name it by its kind instead.
    base_slug = slugify(page.title, allow_unicode=True) or slugify(page._meta.verbose_name)
    page.slug = find_available_slug(parent, base_slug[:240].strip("-"))
    parent.add_child(instance=page)
    # The form has checked it: in full for review, or only the title for a draft (as Wagtail's own editor does).
    page.save_revision(user=user, log_action=True, clean=False)
    contribution.page = page
    contribution.save(update_fields=["page"])
    return contribution


def latest_revision_id(contribution):
    """The id of the draft's newest revision: what a form opened now is based on."""
    return Page.objects.filter(pk=contribution.page_id).values_list("latest_revision_id", flat=True).first()


@transaction.atomic
def update_contribution(contribution, form, user, based_on=None):
    """Save the member's changes as a new revision of their draft.

    ``based_on`` is the revision the form was opened with; if the draft has been
    saved since, nothing is saved (``ChangedElsewhere``), so an older tab cannot
    quietly undo changes made in a newer one. It is read under the post's lock,
    so two saves at once are compared one after the other.
    """
    _lock_editable(contribution)
    if based_on is not None:
        latest = latest_revision_id(contribution)
        if latest != based_on:
            raise ChangedElsewhere(Revision.objects.filter(pk=latest).first())
    page = form.save(commit=False)
    _apply_form(page, form, user)
    page.save_revision(user=user, log_action=True, clean=False)
    return contribution


@transaction.atomic
def submit_for_review(contribution, user):
    """Start moderation, or resume it after the member made the changes asked for."""
    _lock_editable(contribution)
    page = contribution.page.specific
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
    else:
        Workflow.objects.get(name=WORKFLOW_NAME).start(page, user)


def latest_draft(contribution):
    """The page as the member last saved it (the newest revision)."""
    return contribution.page.specific.get_latest_revision_as_object()


def _lock_editable(contribution):
    """Take a lock on the post and check, under it, that it may still change."""
    Contribution.objects.select_for_update().filter(pk=contribution.pk).first()
    fresh = Contribution.objects.with_status().get(pk=contribution.pk)
    if not fresh.is_editable:
        raise NotEditable


def _apply_form(page, form, user):
    """Copy what a ModelForm does not: many-to-many choices, topics and photos, all in memory."""
    cleaned = form.cleaned_data
    form.save_m2m()
    page.tags.set(cleaned["topics"])
    _, photo_class = PLACES[type(page)]
    removed = set(cleaned["removed_photo_ids"])
    for photo in list(page.photos.all()):
        if photo.pk in removed:
            page.photos.remove(photo)
    image_model = get_image_model()
    used = []
    for photo, alt_text, caption in cleaned["new_photos"]:
        if isinstance(photo, image_model):  # kept from a form that had a problem (learning/held_photos.py)
            image = photo
            image.title = alt_text[:255]
            image.save(update_fields=["title"])
        else:
            # Private until the post is published: see learning/private_photos.py.
            image = held_photos.save_private_image(photo, alt_text, user)
        used.append(image)
        page.photos.add(photo_class(image=image, alt_text=alt_text, caption=caption))
    held_photos.settle(user, cleaned["token"], used)
    held_photos.expire(member=user)
