"""The portal's ``EMAIL_BACKEND``: every email is queued in the outbox, none is sent in the request.

allauth (confirm your address, reset your password, sign-in codes), Wagtail
(submitted for moderation, workflow notifications), Django and the portal's
own code all send through ``django.core.mail``, so making the default backend
a queue routes each of them through the outbox without changing any of them.
Opening a "connection" to it opens nothing. The outbox's sender hands the
emails to the real mail server later, through ``PORTAL_MAIL_DELIVERY_BACKEND``
(docs/reliability.md).

https://docs.djangoproject.com/en/5.2/topics/email/#defining-a-custom-email-backend
"""

from django.core.mail.backends.base import BaseEmailBackend

from .outbox import queue_message


class OutboxBackend(BaseEmailBackend):
    # Tells ``portal.mail.sending`` that this backend queues rather than delivers, so it is never
    # the delivery backend.
    queues_in_outbox = True

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            try:
                if queue_message(message) is not None:
                    queued += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return queued
