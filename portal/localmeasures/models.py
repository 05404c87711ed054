"""Local measures: counts an organisation keeps about its own service, month by month (issue 18).

The programme team define the measures (``LocalMeasure``, a snippet); members of
an organisation enter its monthly values (``LocalValue``); the organisation
decides whether its values join the public roll-up (``LocalSharing``, private
unless it says otherwise). Values are counts about a service, never about a
patient. Who may read or write them is ``portal.core.access``'s business;
what of them may ever be shown in public is ``portal.localmeasures.disclosure``'s.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from portal.taxonomy.models import Setting

# The largest count a form or file may hold. A care home's month is a few thousand occupied
# bed days at most, a GP practice's significant events a handful: a million is a slip.
MAX_COUNT = 1_000_000
# The earliest month any figure may be for, by every way in (the form, the file). Local
# figures are recent months of a service; a year like 1900 is a spreadsheet's empty
# date, not a real month, and would otherwise sit on the public list of months.
EARLIEST_MONTH = datetime.date(2000, 1, 1)


class LocalMeasureQuerySet(models.QuerySet):
    def for_setting(self, setting):
        return self.filter(settings=setting)


class LocalMeasure(ClusterableModel):
    """Something organisations in a care setting count every month, such as falls."""

    class Kind(models.TextChoices):
        COUNT = "count", "A count (for example, significant events reported)"
        RATE = "rate", "A rate (a count over a denominator, such as falls per 1,000 occupied bed days)"

    # The same choices and values as the programme's measures, so the charts read both alike.
    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class ChartType(models.TextChoices):
        RUN = "run", "Run chart (median)"
        XMR = "xmr", "XmR chart (mean and process limits)"

    name = models.CharField(
        max_length=120, unique=True, help_text="What is counted, as members will read it, e.g. 'Falls'."
    )
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the measure's web address.")
    what_to_count = models.TextField(
        help_text="Exactly what to count each month, and what not to, in plain words: this is shown beside the form."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COUNT)
    numerator_name = models.CharField(
        max_length=80,
        help_text="What the count is called on the form, e.g. 'Falls' or 'Significant events reported'.",
    )
    denominator_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="For a rate only: what the count is divided by, e.g. 'Occupied bed days'.",
    )
    multiplier = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text="For a rate only: the rate is given per this many of the denominator, e.g. 1000 for "
        "'per 1,000 occupied bed days'.",
    )
    settings = ParentalManyToManyField(
        Setting, related_name="local_measures", help_text="The care settings whose organisations collect it."
    )
    programme_measure = models.ForeignKey(
        "roadmap.Measure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="local_measures",
        help_text="The programme measure whose page shows this measure's public roll-up, if any.",
    )
    direction = models.CharField(
        max_length=10,
        choices=Direction.choices,
        default=Direction.LOWER,
        help_text="Whether a rise is good news or bad; signals on members' charts are coloured by this.",
    )
    chart_type = models.CharField(max_length=10, choices=ChartType.choices, default=ChartType.RUN)

    objects = LocalMeasureQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("what_to_count"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldPanel("numerator_name"), FieldRowPanel([FieldPanel("denominator_name"), FieldPanel("multiplier")])],
            heading="What is entered",
        ),
        FieldPanel("settings"),
        FieldPanel("programme_measure"),
        FieldRowPanel([FieldPanel("direction"), FieldPanel("chart_type")]),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.RATE and not self.denominator_name.strip():
            raise ValidationError({"denominator_name": "A rate needs a denominator: name what it is divided by."})

    @property
    def is_rate(self):
        return self.kind == self.Kind.RATE

    @property
    def higher_is_better(self):
        return self.direction == "higher"

    @property
    def unit(self):
        """How a value reads: 'per 1,000 occupied bed days' for a rate, '' for a count."""
        if not self.is_rate:
            return ""
        per = f"{self.multiplier:,} " if self.multiplier != 1 else ""
        return f"per {per}{self.denominator_name.lower()}"

    def value_of(self, numerator, denominator):
        """The value charted for one month: the count, or the rate; None when a rate cannot be worked out."""
        if not self.is_rate:
            return float(numerator)
        if not denominator:
            return None
        return numerator * self.multiplier / denominator


class LocalValueQuerySet(models.QuerySet):
    def of(self, organisation, measure):
        return self.filter(organisation=organisation, measure=measure).order_by("month")

    def shared(self):
        """Values their organisation has chosen to share for the roll-up; everything else is private."""
        sharing = LocalSharing.objects.filter(
            organisation=models.OuterRef("organisation"), measure=models.OuterRef("measure"), shared=True
        )
        return self.filter(models.Exists(sharing))


class LocalValue(models.Model):
    """One organisation's figures for one local measure in one month."""

    organisation = models.ForeignKey("taxonomy.Organisation", on_delete=models.CASCADE, related_name="local_values")
    measure = models.ForeignKey(LocalMeasure, on_delete=models.CASCADE, related_name="values")
    month = models.DateField(help_text="The first day of the month the figures are for.")
    numerator = models.PositiveIntegerField(validators=[MaxValueValidator(MAX_COUNT)])
    denominator = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)])
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(help_text="When the figures were entered, or last changed.")
    changed = models.BooleanField(default=False, help_text="Whether the figures were corrected after first entry.")

    objects = LocalValueQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "measure", "month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "measure", "month"], name="one_local_value_a_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="local_value_month_starts_on_day_one"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.measure} for {self.month:%B %Y}"

    @property
    def value(self):
        return self.measure.value_of(self.numerator, self.denominator)


class LocalSharing(models.Model):
    """An organisation's choice to share one measure's figures with the public roll-up. No row: private."""

    organisation = models.ForeignKey("taxonomy.Organisation", on_delete=models.CASCADE, related_name="local_sharing")
    measure = models.ForeignKey(LocalMeasure, on_delete=models.CASCADE, related_name="sharing")
    shared = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "measure"], name="one_sharing_choice_per_measure"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.measure} ({'shared' if self.shared else 'private'})"


def first_of_month(date: datetime.date) -> datetime.date:
    return date.replace(day=1)


def months_back(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months before ``month``."""
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)
