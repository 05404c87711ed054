"""The emails the approval process sends, written as plain text.

Each is rendered from ``templates/members/email/<name>_subject.txt`` and
``<name>_message.txt`` so the wording sits with the other templates.

Each is queued in the email outbox (``portal.mail``) inside the transaction
that records what it is about, keyed so that the same event queues it once.
"""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from portal.core.access import MODERATORS_GROUP
from portal.core.links import public_url, sign_in_url
from portal.mail.outbox import queue_email


def _send(name, key, recipients, context):
    if not recipients:
        return
    subject = " ".join(render_to_string(f"members/email/{name}_subject.txt", context).split())
    message = render_to_string(f"members/email/{name}_message.txt", context)
    queue_email(key, recipients, subject, message)


def moderator_addresses():
    """Every active moderator with an email address: the people who approve members."""
    User = get_user_model()
    return sorted(
        set(
            User.objects.filter(is_active=True, groups__name=MODERATORS_GROUP)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def notify_moderators_of_new_member(profile):
    review_url = public_url(reverse("members_admin:review", args=[profile.pk]))
    context = {"profile": profile, "user": profile.user, "review_url": review_url}
    _send("new_member", f"new-member:{profile.pk}", moderator_addresses(), context)


def tell_member_of_decision(profile):
    """An approved member is led to sign in and then to sharing; anyone declined, to the public site."""
    name = "approved" if profile.is_approved else "declined"
    key = f"member-{name}:{profile.pk}:{profile.decided_at.isoformat()}"
    context = {
        "profile": profile,
        "user": profile.user,
        "sign_in_url": sign_in_url(reverse("share:index")),
        "site_url": public_url("/"),
    }
    _send(name, key, [profile.user.email], context)
