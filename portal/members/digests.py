"""Email digests: each member who asked for one hears about new learning they follow.

``send_digests`` (the management command) calls ``send_all``. How it stays
safe to run twice, or again after a crash:

- the run fixes one cut-off time at its start, and a member's digest holds
  the pages first published after their previous cut-off (``last_digest_at``)
  and up to this one;
- ``last_digest_at`` moves to the cut-off only after that member's email has
  been queued in the email outbox (``portal.mail``, which keeps it until the
  mail server takes it), one member at a time. A rerun finds nothing
  new for those already done, and a crash part-way leaves the rest to be sent
  next time.

A member with nothing new gets no email and keeps their window where it was,
so nothing published in the meantime can be skipped. A first digest looks
back to the later of the member's approval and seven days ago, so a new
member is not sent the whole archive.

Member-only pages are included, because every recipient is a member; pages
behind a password, or restricted to groups members are not in, are left out.

Apps above members add sections of their own (improvement's "Organisations
like yours started testing"): each registers a ``DigestSection`` from its
``AppConfig.ready``, as learning and comments register their part of a
member's data in ``my_data``, and this module never imports them. A member
with something new in any section gets a digest.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from portal.core.access import MEMBERS_GROUP
from portal.core.links import base_url, page_url
from portal.core.models import KnowledgePage

from .models import MemberProfile

logger = logging.getLogger(__name__)

FIRST_DIGEST_LOOKBACK = timedelta(days=7)
UNSUBSCRIBE_SALT = "portal.members.digest-unsubscribe"


# Unsubscribe links -----------------------------------------------------------


def unsubscribe_token(user):
    """A signed token naming the user; anyone holding it may turn their digest off, and nothing else."""
    return signing.dumps({"digest_user": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_id_from_token(token):
    """The user id a token names, or None if it was not made by us (tampered, truncated, old format)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("digest_user"), int):
        return None
    return data["digest_user"]


def site_root_url():
    return base_url()


def unsubscribe_url(user, root_url):
    return root_url + reverse("digests:unsubscribe", args=[unsubscribe_token(user)])


# What goes in a digest ------------------------------------------------------


def window_start(profile, cutoff):
    """Where this member's digest begins: their last cut-off, or a week back for a first digest."""
    if profile.last_digest_at:
        return profile.last_digest_at
    earliest = cutoff - FIRST_DIGEST_LOOKBACK
    if profile.decided_at and profile.decided_at > earliest:
        return profile.decided_at
    return earliest


def pages_members_cannot_open():
    """Pages behind a password, or only for groups members are not in (with everything below them)."""
    return [
        restriction.page
        for restriction in PageViewRestriction.objects.select_related("page").prefetch_related("groups")
        if restriction.restriction_type == PageViewRestriction.PASSWORD
        or (
            restriction.restriction_type == PageViewRestriction.GROUPS
            and MEMBERS_GROUP not in {group.name for group in restriction.groups.all()}
        )
    ]


def pages_for(profile, since, until, closed=None):
    """Live knowledge pages first published in (since, until] in the member's followed settings or domains.

    ``closed`` is ``pages_members_cannot_open()``, worked out once per run by the caller.
    """
    followed = Q(settings__in=profile.followed_settings.all()) | Q(safety_domains__in=profile.followed_domains.all())
    pages = (
        KnowledgePage.objects.live()
        .filter(followed, first_published_at__gt=since, first_published_at__lte=until)
        .distinct()
        .order_by("-first_published_at", "-pk")
    )
    for page in pages_members_cannot_open() if closed is None else closed:
        pages = pages.not_descendant_of(page, inclusive=True)
    return list(pages)


# Sections that other apps add --------------------------------------------------


@dataclass(frozen=True)
class DigestSection:
    """A section an app above members adds to the digest: a heading and a list of links.

    ``links(profile, since, until)`` returns the ``DigestLink``s new for the
    member in (since, until]; a section with none is left out of the email.
    ``position`` orders the sections, after the pages.
    """

    position: int
    heading: str
    links: Callable


@dataclass
class DigestLink:
    """One line of a section: ``lead`` in plain text, then ``title`` linking to ``url``."""

    lead: str
    title: str
    url: str


@dataclass
class FilledSection:
    heading: str
    links: list


_sections = {}


def register_section(name, section):
    """Add (or replace, if ``ready`` runs twice) the section ``name`` that an app adds to every digest."""
    _sections[name] = section


def sections_for(profile, since, until):
    """The registered sections with something new for the member, in order."""
    filled = []
    for section in sorted(_sections.values(), key=lambda section: section.position):
        links = section.links(profile, since, until)
        if links:
            filled.append(FilledSection(heading=section.heading, links=links))
    return filled


@dataclass
class DigestItem:
    title: str
    type_label: str
    summary: str
    url: str


def digest_items(pages):
    return [
        DigestItem(title=page.title, type_label=page.content_type_label, summary=page.summary, url=page_url(page))
        for page in pages
    ]


def build_message(profile, items, root_url, sections=()):
    user = profile.user
    link = unsubscribe_url(user, root_url)
    context = {
        "name": user.get_full_name() or user.get_username(),
        "items": items,
        "sections": sections,
        "unsubscribe_url": link,
        "site_url": root_url + "/",
    }
    subject = render_to_string("members/digest/subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("members/digest/digest.txt", context),
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058: mail programs offer their own one-click
            # "Unsubscribe", which POSTs to this address.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("members/digest/digest.html", context), "text/html")
    return message


# Sending ------------------------------------------------------------------


@dataclass
class RunResult:
    cutoff: object
    recipients: int = 0
    sent: int = 0
    nothing_new: int = 0
    failed: list = field(default_factory=list)


def send_all(now=None, dry_run=False, report=None):
    """Send every due digest. ``report(profile, pages, outcome)`` is told about each member."""
    cutoff = now or timezone.now()
    result = RunResult(cutoff=cutoff)
    root_url = site_root_url()
    closed = pages_members_cannot_open()
    profiles = MemberProfile.objects.wanting_digest().exclude(user__email="").select_related("user").order_by("pk")
    for profile in profiles:
        result.recipients += 1
        since = window_start(profile, cutoff)
        pages = pages_for(profile, since, cutoff, closed)
        sections = sections_for(profile, since, cutoff)
        if not pages and not sections:
            result.nothing_new += 1
            outcome = "nothing new"
        elif dry_run:
            result.sent += 1
            outcome = "would send"
        else:
            try:
                build_message(profile, digest_items(pages), root_url, sections).send()
            except OSError as error:
                # Leave last_digest_at alone so the next run tries again.
                logger.exception("Could not send a digest to member %s", profile.pk)
                result.failed.append((profile, error))
                outcome = f"failed: {error}"
            else:
                MemberProfile.objects.filter(pk=profile.pk).update(last_digest_at=cutoff)
                result.sent += 1
                outcome = "sent"
        if report:
            report(profile, pages, outcome)
    return result
