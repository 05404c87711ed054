"""Community members: the people who post learning from the public site.

A member is a Django user with a ``MemberProfile``. Accounts themselves
(sign-up, email verification, password reset) are django-allauth's; what is
ours is the organisation a member speaks for, the programme team's approval,
and what the member follows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class MemberProfileQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=MemberProfile.Status.PENDING)

    def approved(self):
        return self.filter(status=MemberProfile.Status.APPROVED)

    def wanting_digest(self):
        return self.approved().filter(wants_digest=True, user__is_active=True)

    def for_review(self):
        """Everyone waiting for a decision first, oldest first; then the rest, newest first."""
        waiting = models.Case(models.When(status=MemberProfile.Status.PENDING, then=0), default=1)
        return self.annotate(waiting_first=waiting).order_by(
            "waiting_first",
            models.Case(models.When(status=MemberProfile.Status.PENDING, then="created_at")).asc(),
            "-created_at",
        )


class MemberProfile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    class ConfirmedHow(models.TextChoices):
        """How the programme team checked that a member works where they say (issue 18)."""

        EMAIL_DOMAIN = "email-domain", "Their work email address is at the organisation's own domain"
        PHONED = "phoned", "I phoned the organisation and they confirmed it"
        KNOWN = "known", "They are known to the programme team at this organisation"
        BEFORE_RECORDING = "before-recording", "Approved before confirmation was recorded"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_profile")
    organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text="The organisation this member works for.",
    )
    requested_organisation = models.CharField(
        max_length=255,
        blank=True,
        help_text="An organisation the member asked us to add because it was not in the list.",
    )
    role = models.CharField(max_length=120, help_text="The member's job, such as 'Registered manager'.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who checked that the member works at ``organisation``, when and how. The organisation checked
    # is kept too: if someone later changes ``organisation``, the member speaks for none until checked again.
    organisation_confirmed_for = models.ForeignKey(
        "taxonomy.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_confirmed_at = models.DateTimeField(null=True, blank=True)
    organisation_confirmed_how = models.CharField(max_length=20, choices=ConfirmedHow.choices, blank=True)
    followed_settings = models.ManyToManyField("taxonomy.Setting", blank=True, related_name="followers")
    followed_domains = models.ManyToManyField("taxonomy.SafetyDomain", blank=True, related_name="followers")
    wants_digest = models.BooleanField(default=False, help_text="Send an email digest of new content they follow.")
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MemberProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "member"

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def organisation_confirmed(self):
        """Has the programme team checked that the member works at the organisation now recorded?"""
        return bool(
            self.organisation_id
            and self.organisation_confirmed_for_id == self.organisation_id
            and self.organisation_confirmed_at
            and self.organisation_confirmed_how
        )

    @property
    def organisation_name(self):
        if self.organisation_id:
            return self.organisation.name
        return self.requested_organisation


class NameRecord(models.Model):
    """One name a member has gone by, from when they took it (``portal.members.names``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="name_records")
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    used_from = models.DateTimeField(default=timezone.now, help_text="When the member took this name.")

    class Meta:
        ordering = ["-used_from", "-pk"]
        indexes = [models.Index(fields=["user", "-used_from"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()
