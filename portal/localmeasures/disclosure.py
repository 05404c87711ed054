"""What of the shared local data may be shown in public: the disclosure-control rule.

Care-home counts are small enough to point at a resident, and a figure drawn
from one or two homes points at a home. So every figure that leaves an
organisation's own pages goes through ``disclose`` first, and nothing else
here hands out a raw total: pages, the dashboard, the API and the page cache
only ever see ``PublicFigure``. The rule follows NHS Digital's for local
hospital statistics (shared/domain.md, "Small numbers"):

1. A figure for a care setting and month is shown only when at least
   ``MIN_ORGANISATIONS`` (5) organisations shared a value for it. Otherwise the
   month is left out altogether: not its counts, not how many organisations
   shared, not even that it exists. Listing it with its figures hidden would
   still tell anyone that somebody shares and which months they entered, and
   with one sharing organisation that is one organisation's private record.
2. Each count (the numerator total, and for a rate the denominator total) is
   shown as 0 when it is 0, as "*" when it is 1 to 7, and otherwise rounded to
   the nearest 5 (halves cannot occur: counts are whole numbers).
3. A rate is worked out from the counts *after* step 2: the rounded numerator
   times the multiplier over the rounded denominator. If either count is "*",
   the rate is "*" too, so a suppressed count cannot be worked back out from
   the rate and the other count.

The rule is written for readers in docs/content-model.md ("Local measures")
and in short on the pages that show roll-ups (``RULE_IN_SHORT``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from .models import EARLIEST_MONTH, LocalMeasure, LocalValue

MIN_ORGANISATIONS = 5
SMALLEST_SHOWN_COUNT = 8
ROUND_TO = 5
SUPPRESSED = "*"
TOO_FEW_WORDS = f"Not shown: fewer than {MIN_ORGANISATIONS} organisations shared data for any month"
FEW_ORGANISATIONS_WORDS = f"Fewer than {MIN_ORGANISATIONS}"
RULE_IN_SHORT = (
    f"A month is shown only when at least {MIN_ORGANISATIONS} organisations shared data for it. Counts of 1 to 7 are "
    f"shown as {SUPPRESSED} and other counts are rounded to the nearest {ROUND_TO}; a rate is worked out from the "
    f"rounded counts, and is {SUPPRESSED} when either count is."
)


def rounded_count(total: int) -> int | None:
    """A count as it may be published: 0, None for 1 to 7 (shown as "*"), else the nearest multiple of 5."""
    if total == 0:
        return 0
    if total < SMALLEST_SHOWN_COUNT:
        return None
    return (total + ROUND_TO // 2) // ROUND_TO * ROUND_TO


@dataclass(frozen=True)
class PublicFigure:
    """A roll-up for one care setting and month, after the rule: safe to show anyone.

    Only months with at least MIN_ORGANISATIONS contributors become one, so
    ``organisations`` is never below it. ``numerator`` and ``denominator`` are the
    published counts (None for "*") and ``rate`` the rate worked from them (None for
    "*", or for a count measure).
    """

    month: datetime.date
    organisations: int
    numerator: int | None = None
    denominator: int | None = None
    rate: float | None = None

    @property
    def numerator_text(self):
        return _count_text(self.numerator)

    @property
    def denominator_text(self):
        return _count_text(self.denominator)

    @property
    def rate_text(self):
        return SUPPRESSED if self.rate is None else f"{self.rate:,.1f}"


def _count_text(count):
    return SUPPRESSED if count is None else f"{count:,}"


def disclose(measure: LocalMeasure, *, month, organisations: int, numerator: int, denominator: int | None):
    """The one gate: raw totals for a setting and month in, the figure that may be published out.

    None when fewer than MIN_ORGANISATIONS shared: then nothing of the month may be
    published, not even that it exists, and callers leave it out.
    """
    if organisations < MIN_ORGANISATIONS:
        return None
    shown_numerator = rounded_count(numerator)
    if not measure.is_rate:
        return PublicFigure(month=month, organisations=organisations, numerator=shown_numerator)
    shown_denominator = rounded_count(denominator or 0)
    rate = None
    if shown_numerator is not None and shown_denominator:
        rate = shown_numerator * measure.multiplier / shown_denominator
    return PublicFigure(
        month=month,
        organisations=organisations,
        numerator=shown_numerator,
        denominator=shown_denominator,
        rate=rate,
    )


@dataclass
class Rollup:
    """One local measure's published figures for one care setting, month by month (oldest first).

    Only months that passed the rule are in ``figures``; no figures means no month had
    enough organisations, which may be none sharing or up to four: the page says only
    "fewer than 5".
    """

    measure: LocalMeasure
    setting: object
    figures: list = field(default_factory=list)

    @property
    def latest(self):
        return self.figures[-1] if self.figures else None


def rollups(measures=None, *, programme_measures=None):
    """Published roll-ups of shared local data: [Rollup], by measure then setting.

    ``measures`` (local measures) or ``programme_measures`` (roadmap measures, by id or object)
    narrow it down; neither means every local measure with a programme measure or not.
    Two queries, however many organisations, months and measures there are.
    """
    local = LocalMeasure.objects.prefetch_related("settings")
    if measures is not None:
        local = local.filter(pk__in=[getattr(m, "pk", m) for m in measures])
    if programme_measures is not None:
        local = local.filter(programme_measure__in=[getattr(m, "pk", m) for m in programme_measures])
    local = {measure.pk: measure for measure in local}
    totals = (
        LocalValue.objects.shared()
        .filter(measure__in=list(local), month__gte=EARLIEST_MONTH)
        .values("measure", "organisation__setting", "month")
        .annotate(organisations=Count("organisation", distinct=True), num=Sum("numerator"), den=Sum("denominator"))
        .order_by("measure", "organisation__setting", "month")
    )
    settings = {setting.pk: setting for measure in local.values() for setting in measure.settings.all()}
    found = {}
    for row in totals:
        measure = local[row["measure"]]
        setting = settings.get(row["organisation__setting"])
        if setting is None:
            continue  # an organisation outside the measure's settings: not a like-for-like figure
        key = (measure.pk, setting.pk)
        rollup = found.setdefault(key, Rollup(measure, setting))
        figure = disclose(
            measure,
            month=row["month"],
            organisations=row["organisations"],
            numerator=row["num"] or 0,
            denominator=row["den"],
        )
        if figure is not None:
            rollup.figures.append(figure)
    ordered = []
    for measure in sorted(local.values(), key=lambda m: m.name):
        for setting in sorted(measure.settings.all(), key=lambda s: (s.sort_order, s.name)):
            ordered.append(found.get((measure.pk, setting.pk), Rollup(measure, setting)))
    return ordered
