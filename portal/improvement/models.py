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


#: The earliest date a status may take effect. Change ideas on this programme's
#: driver diagram are recent practice, so an earlier date is a slip (a mistyped
#: year); a fixed date is easy to say on the form and in docs/content-model.md.
EARLIEST_TOOK_EFFECT = datetime.date(2000, 1, 1)

#: How many months the "spread over time" chart and table show, ending with the
#: current month: three years, enough to see testing turn into adoption, and a
#: bound on the page's size whatever dates are stored.
SPREAD_MONTHS = 36


class CountedStatusManager(models.Manager.from_queryset(ChangeIdeaStatusQuerySet)):
    """Records that count: every one but those withdrawn as mistakes."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


def not_in_the_future(value):
    if value > timezone.localdate():
        raise ValidationError("The date cannot be in the future. Give the date it took effect.")


def not_before_earliest(value):
    if value < EARLIEST_TOOK_EFFECT:
        raise ValidationError(f"The date cannot be before {EARLIEST_TOOK_EFFECT:%-d %B %Y}. Check the year you typed.")


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
        validators=[not_before_earliest, not_in_the_future],
        help_text="The date this status began: today or earlier, and not before 1 January 2000.",
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

    At most the last ``SPREAD_MONTHS`` months, ending with ``today``'s, so a
    stored date however early (rows from before ``EARLIEST_TOOK_EFFECT`` was
    enforced) cannot make the page longer. One query for the idea's rows that
    took effect by today; each organisation's status at a month's end follows
    the rule for the current status: of its rows that took effect by then, the
    one that took effect last, and of those the one recorded last.
    """
    today = today or timezone.localdate()
    rows = list(
        ChangeIdeaStatus.objects.for_change_idea(change_idea)
        .filter(took_effect_on__lte=today)
        .order_by("took_effect_on", "recorded_at", "pk")
        .values_list("organisation", "status", "took_effect_on", "recorded_at", "pk")
    )
    if not rows:
        return []
    this_month = today.replace(day=1)
    earliest_shown = this_month
    for _ in range(SPREAD_MONTHS - 1):
        earliest_shown = (earliest_shown - datetime.timedelta(days=1)).replace(day=1)
    first = max(rows[0][2].replace(day=1), earliest_shown)
    latest_of = {}  # organisation: (took_effect_on, recorded_at, pk, status) of its current row so far

    def take(row):
        organisation, status, took_effect_on, recorded_at, pk = row
        key = (took_effect_on, recorded_at, pk)
        if organisation not in latest_of or key > latest_of[organisation][:3]:
            latest_of[organisation] = (*key, status)

    result = []
    position = 0
    for month in month_starts(first, this_month):
        month_end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        while position < len(rows) and rows[position][2] <= month_end:
            take(rows[position])
            position += 1
        statuses = [latest[3] for latest in latest_of.values()]
        result.append(
            (
                month,
                statuses.count(ChangeIdeaStatus.Status.TESTING),
                statuses.count(ChangeIdeaStatus.Status.ADOPTED),
            )
        )
    return result
