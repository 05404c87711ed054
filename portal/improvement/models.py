"""Which organisations are planning, testing, adopting or have abandoned each change idea (issue 18).

A status is never changed in place: each change is a new ``ChangeIdeaStatus``
row, so the history of an organisation's work on an idea is kept. The current
status of an (organisation, change idea) is its latest row: the one that took
effect last, and of those the one recorded last. Spread is counted from
current statuses only.

A record made by mistake is withdrawn, not deleted (``withdraw``): it stays in
the database, marked with who withdrew it and when, and ``objects`` never
returns it, so it counts nowhere (current status, counts, spread, feed, API,
digests). ``all_records`` includes it.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone


class ChangeIdeaStatusQuerySet(models.QuerySet):
    def current(self):
        """Each (organisation, change idea)'s latest row: one correlated subquery, whatever the count."""
        latest = (
            ChangeIdeaStatus.objects.filter(organisation=OuterRef("organisation"), change_idea=OuterRef("change_idea"))
            .order_by("-took_effect_on", "-recorded_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(latest))

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def for_change_idea(self, change_idea):
        return self.filter(change_idea=change_idea)

    def newest_first(self):
        return self.order_by("-took_effect_on", "-recorded_at", "-pk")

    def counts(self):
        """``{change_idea_id: {status: organisations}}`` of current statuses, in one aggregate query."""
        counts = defaultdict(dict)
        rows = self.current().values("change_idea", "status").annotate(organisations=Count("pk")).order_by()
        for row in rows:
            counts[row["change_idea"]][row["status"]] = row["organisations"]
        return counts

    def counts_by_setting(self):
        """``{(change_idea_id, setting_id): {status: organisations}}`` of current statuses, in one aggregate query."""
        counts = defaultdict(dict)
        rows = (
            self.current()
            .values("change_idea", "organisation__setting", "status")
            .annotate(organisations=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[(row["change_idea"], row["organisation__setting"])][row["status"]] = row["organisations"]
        return counts


class CountedStatusManager(models.Manager.from_queryset(ChangeIdeaStatusQuerySet)):
    """Records that count: every one but those withdrawn as mistakes."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


def not_in_the_future(value):
    if value > timezone.localdate():
        raise ValidationError("The date cannot be in the future. Give the date it took effect.")


class ChangeIdeaStatus(models.Model):
    """One organisation's status for one change idea, from a date. A new row for each change."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        TESTING = "testing", "Testing"
        ADOPTED = "adopted", "Adopted"
        ABANDONED = "abandoned", "Abandoned"

    organisation = models.ForeignKey(
        "taxonomy.Organisation",
        on_delete=models.CASCADE,
        related_name="change_idea_statuses",
        help_text="The organisation working on the change idea.",
    )
    change_idea = models.ForeignKey(
        "roadmap.ChangeIdea",
        on_delete=models.CASCADE,
        related_name="statuses",
        help_text="The change idea from the driver diagram.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, help_text="Where the organisation is with it.")
    took_effect_on = models.DateField(
        validators=[not_in_the_future], help_text="The date this status began (today or earlier)."
    )
    reason = models.TextField(
        blank=True, max_length=2000, help_text="Why it was abandoned (needed when abandoned), or any other note."
    )
    learning_notes = models.ManyToManyField(
        "learning.LearningNotePage",
        blank=True,
        related_name="change_idea_statuses",
        help_text="The organisation's own learning notes about this change idea.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was withdrawn as a mistake; a withdrawn record counts nowhere."
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CountedStatusManager()
    all_records = ChangeIdeaStatusQuerySet.as_manager()

    # How long the person who made a record may withdraw it; the programme team may at any time.
    WITHDRAW_WITHIN = datetime.timedelta(hours=24)

    class Meta:
        ordering = ["-took_effect_on", "-recorded_at", "-pk"]
        verbose_name = "change idea status"
        verbose_name_plural = "change idea statuses"
        indexes = [models.Index(fields=["organisation", "change_idea", "-took_effect_on"])]

    def __str__(self):
        return f"{self.organisation}: {self.change_idea} ({self.get_status_display()} from {self.took_effect_on})"

    def may_be_withdrawn_by(self, user, *, team=False):
        """The person who made it, within ``WITHDRAW_WITHIN``; or the programme team (``team``)."""
        if self.withdrawn_at is not None:
            return False
        if team:
            return True
        return self.recorded_by_id == user.pk and timezone.now() - self.recorded_at <= self.WITHDRAW_WITHIN

    def withdraw(self, user):
        self.withdrawn_at = timezone.now()
        self.withdrawn_by = user
        self.save(update_fields=["withdrawn_at", "withdrawn_by"])

    def clean(self):
        if self.status == self.Status.ABANDONED and not self.reason.strip():
            raise ValidationError({"reason": "Say why the change idea was abandoned: that is learning too."})


def month_starts(first, last):
    """The first day of each month from ``first``'s month to ``last``'s, inclusive."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def spread_by_month(change_idea, today=None):
    """``[(month, testing, adopted)]``: organisations testing and adopted at the end of each month.

    One query for the idea's whole history; each organisation's status at a
    month's end is its latest row that took effect by then.
    """
    today = today or timezone.localdate()
    rows = list(
        ChangeIdeaStatus.objects.for_change_idea(change_idea)
        .order_by("took_effect_on", "recorded_at", "pk")
        .values_list("organisation", "status", "took_effect_on")
    )
    if not rows:
        return []
    result = []
    status_of = {}
    position = 0
    for month in month_starts(rows[0][2], today):
        month_end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        while position < len(rows) and rows[position][2] <= month_end:
            organisation, status, _ = rows[position]
            status_of[organisation] = status
            position += 1
        statuses = list(status_of.values())
        result.append(
            (
                month,
                statuses.count(ChangeIdeaStatus.Status.TESTING),
                statuses.count(ChangeIdeaStatus.Status.ADOPTED),
            )
        )
    return result
