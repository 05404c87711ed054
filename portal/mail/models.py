from django.db import models
from django.db.models import Q


class OutboxEmailQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(sent_at__isnull=False)

    def waiting(self):
        """Not sent yet, whether or not a try has failed."""
        return self.filter(sent_at__isnull=True)

    def failed(self):
        """Waiting after at least one failed try: what the programme team may need to look into."""
        return self.waiting().filter(attempts__gt=0)

    def due(self, now, *, ignore_back_off=False):
        """Waiting, past its back-off (unless ignored), and not being sent by another sender right now."""
        queryset = self.waiting().filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        if ignore_back_off:
            return queryset
        return queryset.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


class OutboxEmail(models.Model):
    """One email the portal has decided to send, kept until the mail server has taken it.

    Written in the same database transaction as the change it is about (a
    member approved, a comment posted, a post published), so a mail server
    that is down can neither undo that change nor lose the email. Every
    email goes this way, the portal's own through ``queue_email`` and
    allauth's and Wagtail's through the email backend
    (``portal.mail.backends.OutboxBackend``); ``portal.mail.sending`` sends
    it. Once sent, the row keeps who, what and when but not the text, which
    may hold a password-reset link or a sign-in code. See docs/reliability.md.
    """

    key = models.CharField(
        max_length=255,
        unique=True,
        help_text="What the email is about, e.g. 'comment:12:owner:3'. The same event twice queues one email.",
    )
    to = models.JSONField(help_text="The recipients' email addresses.")
    cc = models.JSONField(default=list, blank=True, help_text="Copied to these addresses.")
    bcc = models.JSONField(default=list, blank=True, help_text="Blind-copied to these addresses.")
    reply_to = models.JSONField(default=list, blank=True, help_text="Replies go to these addresses.")
    from_email = models.CharField(
        max_length=998, blank=True, help_text="Who the email is from; blank means DEFAULT_FROM_EMAIL."
    )
    subject = models.CharField(max_length=998)
    body = models.TextField(help_text="The plain-text message. Cleared once sent.")
    html_body = models.TextField(blank=True, help_text="An HTML version, when there is one. Cleared once sent.")
    headers = models.JSONField(default=dict, blank=True, help_text="Extra email headers.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed tries so far.")
    last_error = models.TextField(blank=True, help_text="Why the last try failed.")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Not tried again before this time.")
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A sender is handing this email to the mail server until this time."
    )
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "outgoing email"
        verbose_name_plural = "email outbox"

    def __str__(self):
        return f"{self.subject} to {', '.join(self.recipients)}"

    @property
    def recipients(self):
        return [*self.to, *self.cc, *self.bcc]

    @property
    def status(self):
        """What the programme team sees: sent, failed (waiting after a failed try) or waiting."""
        if self.sent_at:
            return "Sent"
        return "Failed, will retry" if self.attempts else "Waiting"
