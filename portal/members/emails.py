"""The emails the approval process sends, written as plain text.

Each is rendered from ``templates/members/email/<name>_subject.txt`` and
``<name>_message.txt`` so the wording sits with the other templates.
"""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .access import MODERATORS_GROUP


def _send(name, recipients, context):
    if not recipients:
        return
    subject = " ".join(render_to_string(f"members/email/{name}_subject.txt", context).split())
    message = render_to_string(f"members/email/{name}_message.txt", context)
    send_mail(subject, message, None, recipients)


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


def notify_moderators_of_new_member(profile, review_url):
    _send("new_member", moderator_addresses(), {"profile": profile, "user": profile.user, "review_url": review_url})


def tell_member_of_decision(profile, site_url):
    name = "approved" if profile.is_approved else "declined"
    _send(name, [profile.user.email], {"profile": profile, "user": profile.user, "site_url": site_url})
