"""The roadmap's moving parts, edited by the programme team as snippets.

The driver diagram reads aim -> primary drivers -> secondary drivers -> change
ideas. Workstreams test change ideas and own milestones. Measures carry their
data points and dated annotations; the chart maths lives in ``portal.roadmap.spc``.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from portal.taxonomy.models import SafetyDomain, Setting, unique_slug

from ..csv_import import MAX_MAGNITUDE

VALUE_RANGE_MESSAGE = (
    f"Enter a value between -{MAX_MAGNITUDE:,} and {MAX_MAGNITUDE:,} (a million million): "
    "a bigger one is almost certainly a slip."
)


class Workstream(index.Indexed, ClusterableModel):
    """A strand of the programme's work, such as 'Safer Culture' or 'Care homes'."""

    title = models.CharField(max_length=120, unique=True, help_text="The workstream's name, e.g. 'Safer Culture'.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in web addresses and filters.")
    description = models.TextField(help_text="What this workstream is trying to change, in two or three sentences.")
    lead_organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workstreams",
        help_text="The organisation that leads this workstream.",
    )
    settings = ParentalManyToManyField(Setting, blank=True, related_name="workstreams", help_text="Where it works.")
    safety_domains = ParentalManyToManyField(
        SafetyDomain, blank=True, related_name="workstreams", help_text="The safety domains it speaks to."
    )
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("lead_organisation"),
        FieldPanel("settings"),
        FieldPanel("safety_domains"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.SearchField("description")]

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self):
        return self.title


class Driver(models.Model):
    """A primary driver (no parent) or a secondary driver (under a primary one)."""

    title = models.CharField(max_length=200, help_text="The driver in a short phrase.")
    description = models.TextField(blank=True, help_text="Why this drives the aim, in a sentence or two.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="secondary_drivers",
        limit_choices_to={"parent__isnull": True},
        help_text="Leave empty for a primary driver; choose the primary driver for a secondary one.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    panels = [FieldPanel("title"), FieldPanel("description"), FieldPanel("parent"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self):
        return self.title if self.parent_id is None else f"{self.parent.title} › {self.title}"

    @property
    def is_primary(self):
        return self.parent_id is None

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Choose a primary driver: the diagram has two levels of drivers."})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "A driver cannot be its own parent."})


class ChangeIdea(ClusterableModel):
    """Something to try, under a secondary driver, tested by workstreams."""

    title = models.CharField(max_length=200, help_text="The change idea in a short phrase.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="Its web address: /roadmap/change-ideas/<slug>/. Made from the title when left empty.",
    )
    description = models.TextField(blank=True, help_text="What trying this involves.")
    driver = models.ForeignKey(
        Driver,
        on_delete=models.CASCADE,
        related_name="change_ideas",
        limit_choices_to={"parent__isnull": False},
        help_text="The secondary driver this change idea works through.",
    )
    workstreams = ParentalManyToManyField(
        Workstream, blank=True, related_name="change_ideas", help_text="The workstreams testing this idea."
    )
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("driver"),
        FieldPanel("workstreams"),
        InlinePanel("evidence", heading="Evidence", label="Page", help_text="Pages that show this idea in use."),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.driver_id and self.driver.parent_id is None:
            raise ValidationError({"driver": "Choose a secondary driver; change ideas sit under those."})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(ChangeIdea, self.title, self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("change_ideas:detail", args=[self.slug])


class ChangeIdeaEvidence(Orderable):
    change_idea = ParentalKey(ChangeIdea, on_delete=models.CASCADE, related_name="evidence")
    page = models.ForeignKey(
        "core.KnowledgePage",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A case study, learning note, peer-visit report or update showing this idea in practice.",
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        unique_together = [("change_idea", "page")]


class MilestoneQuerySet(models.QuerySet):
    def in_setting(self, setting):
        return self.filter(settings=setting)

    def in_domain(self, domain):
        return self.filter(safety_domains=domain)

    def for_timeline(self):
        return self.select_related("workstream", "lead_organisation").prefetch_related(
            "settings", "safety_domains", "status_changes__update"
        )


class Milestone(ClusterableModel):
    """A dated step of a workstream, with its status and the story of how it got there."""

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", "Not started"
        ON_TRACK = "on-track", "On track"
        AT_RISK = "at-risk", "At risk"
        DONE = "done", "Done"

    title = models.CharField(max_length=200, help_text="The milestone in a short phrase.")
    description = models.TextField(blank=True, help_text="What reaching this milestone means.")
    workstream = models.ForeignKey(
        Workstream, on_delete=models.PROTECT, related_name="milestones", help_text="The workstream it belongs to."
    )
    settings = ParentalManyToManyField(Setting, blank=True, related_name="milestones", help_text="Where it applies.")
    safety_domains = ParentalManyToManyField(
        SafetyDomain, blank=True, related_name="milestones", help_text="The safety domains it speaks to."
    )
    lead_organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
        help_text="The organisation responsible for it.",
    )
    planned_date = models.DateField(help_text="When it is planned to be reached.")
    actual_date = models.DateField(null=True, blank=True, help_text="When it was actually reached, once it is.")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        editable=False,
        help_text="Set by the latest entry in the status history.",
    )

    objects = MilestoneQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("workstream"),
        FieldPanel("lead_organisation"),
        FieldRowPanel([FieldPanel("planned_date"), FieldPanel("actual_date")]),
        MultiFieldPanel([FieldPanel("settings"), FieldPanel("safety_domains")], heading="Tagging"),
        InlinePanel(
            "status_changes",
            heading="Status history",
            label="Status change",
            help_text="To change the status, add an entry saying what changed and why. The newest entry sets it.",
        ),
    ]

    class Meta:
        ordering = ["planned_date", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Status is derived from the history so that the two can never disagree;
        # it is stored only so listings can filter on it.
        changes = sorted(self.status_changes.all(), key=lambda change: (change.date, change.pk or 0))
        self.status = changes[-1].status if changes else self.Status.NOT_STARTED
        super().save(*args, **kwargs)


class MilestoneStatusChange(Orderable):
    milestone = ParentalKey(Milestone, on_delete=models.CASCADE, related_name="status_changes")
    date = models.DateField(default=timezone.localdate, help_text="When the status changed.")
    status = models.CharField(max_length=20, choices=Milestone.Status.choices, help_text="The new status.")
    reason = models.CharField(max_length=255, help_text="Why it changed, in a short sentence.")
    update = models.ForeignKey(
        "updates.UpdatePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The programme update that reported this change, if there is one.",
    )

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("status")]),
        FieldPanel("reason"),
        FieldPanel("update"),
    ]

    class Meta(Orderable.Meta):
        ordering = ["date", "sort_order"]


class Measure(index.Indexed, ClusterableModel):
    """Something counted over time, shown as a run chart or an XmR chart."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NEITHER = "neither", "Neither (watch for change)"

    class ChartType(models.TextChoices):
        RUN = "run", "Run chart (median)"
        XMR = "xmr", "XmR chart (mean and process limits)"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        YEARLY = "yearly", "Yearly"

    # How old the latest value may be before the dashboard calls it out of date: one missed
    # report is normal (data arrive a month or two late), two in a row is not.
    STALE_AFTER_MONTHS = {Frequency.MONTHLY: 3, Frequency.QUARTERLY: 6, Frequency.YEARLY: 18}

    name = models.CharField(max_length=200, unique=True, help_text="What is measured, e.g. 'Falls in care homes'.")
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the measure's web address.")
    definition = models.TextField(help_text="Exactly what is counted, over what, and where the data comes from.")
    unit = models.CharField(max_length=80, blank=True, help_text="e.g. 'per 1,000 occupied bed days' or '%'.")
    safety_domain = models.ForeignKey(
        SafetyDomain, on_delete=models.PROTECT, related_name="measures", help_text="The safety domain it belongs to."
    )
    settings = ParentalManyToManyField(Setting, related_name="measures", help_text="The care settings it covers.")
    direction = models.CharField(
        max_length=10,
        choices=Direction.choices,
        default=Direction.LOWER,
        help_text="Whether a rise is good news or bad; signals are coloured by this.",
    )
    chart_type = models.CharField(max_length=10, choices=ChartType.choices, default=ChartType.RUN)
    frequency = models.CharField(
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
        help_text="How often a new value is expected. The dashboard marks the measure out of date when its latest "
        "value is more than 3 months old (monthly), 6 months (quarterly) or 18 months (yearly).",
    )
    baseline_points = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Work out the centre line (and limits) from this many of the earliest points, then extend it. "
        "Leave empty to use every point.",
    )
    workstream = models.ForeignKey(
        Workstream,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
        help_text="The workstream this measure tracks, if any.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("definition"),
        FieldPanel("unit"),
        FieldPanel("safety_domain"),
        FieldPanel("settings"),
        FieldPanel("workstream"),
        FieldRowPanel([FieldPanel("direction"), FieldPanel("chart_type"), FieldPanel("baseline_points")]),
        FieldPanel("frequency"),
        InlinePanel("annotations", heading="Annotations", label="Annotation"),
        InlinePanel("data_points", heading="Data", label="Data point"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("definition")]

    class Meta:
        ordering = ["safety_domain__sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def higher_is_better(self):
        return {self.Direction.HIGHER: True, self.Direction.LOWER: False}.get(self.direction)

    def is_stale(self, latest_date, today):
        """Whether a latest value dated ``latest_date`` is older than this measure's frequency allows."""
        months_old = (today.year - latest_date.year) * 12 + today.month - latest_date.month
        return months_old > self.STALE_AFTER_MONTHS.get(self.frequency, 3)


class DataPoint(Orderable):
    measure = ParentalKey(Measure, on_delete=models.CASCADE, related_name="data_points")
    date = models.DateField(help_text="The period this value is for (e.g. the first day of the month).")
    value = models.FloatField(
        help_text="The value for that period.",
        validators=[
            MinValueValidator(-MAX_MAGNITUDE, message=VALUE_RANGE_MESSAGE),
            MaxValueValidator(MAX_MAGNITUDE, message=VALUE_RANGE_MESSAGE),
        ],
    )

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("value")])]

    class Meta(Orderable.Meta):
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["measure", "date"], name="one_value_per_measure_and_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}: {self.value:g}"


class MeasureAnnotation(Orderable):
    measure = ParentalKey(Measure, on_delete=models.CASCADE, related_name="annotations")
    date = models.DateField(help_text="When it happened.")
    text = models.CharField(max_length=140, help_text="e.g. 'New falls protocol introduced'.")

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("text")])]

    class Meta(Orderable.Meta):
        ordering = ["date"]
