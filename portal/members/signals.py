"""Tell the programme team when someone new is ready for a decision.

A sign-up is only worth a moderator's time once the person has confirmed
their email address, so this listens for allauth's ``email_confirmed``.
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .emails import notify_moderators_of_new_member
from .models import MemberProfile


@receiver(email_confirmed)
def tell_moderators_someone_is_waiting(sender, request, email_address, **kwargs):
    profile = MemberProfile.objects.pending().select_related("user", "organisation").filter(user=email_address.user)
    profile = profile.first()
    if profile is None:
        return
    # Confirming a second address later is not a new member.
    if EmailAddress.objects.filter(user=profile.user, verified=True).exclude(pk=email_address.pk).exists():
        return
    notify_moderators_of_new_member(profile)
