"""The demo's local measures (``content/local_measures.toml``): a falls rate for care homes and
a count for GP practices, with 18 months of figures ending last month.

Every value is made from a seeded recipe, so the charts and their signals are the same on
every machine; Kersal Brook's falls drop after its change nine months ago (a shift below
the median). A month already there is left as it is, so loading again duplicates nothing
and keeps figures typed while trying the demo.
"""

import calendar
import random

from django.utils import timezone

from portal.localmeasures.models import LocalMeasure, LocalSharing, LocalValue, months_back
from portal.roadmap.models import Measure
from portal.taxonomy.models import Setting

MONTHS = 18


def load_local_measures(content, organisations, counts, progress):
    measures = {}
    for row in content["measure"]:
        fields = {key: row[key] for key in ("name", "kind", "numerator_name", "direction", "chart_type")}
        fields |= {
            "what_to_count": " ".join(row["what_to_count"].split()),
            "denominator_name": row.get("denominator_name", ""),
            "multiplier": row.get("multiplier", 1),
            "programme_measure": Measure.objects.filter(slug=row.get("programme_measure", "")).first(),
        }
        measure, created = LocalMeasure.objects.get_or_create(slug=row["slug"], defaults=fields)
        if created:
            measure.settings.set(Setting.objects.filter(slug__in=row["settings"]))
            measure.save()
        counts.add("local measures", created)
        measures[row["slug"]] = measure

    last = months_back(timezone.localdate().replace(day=1), 1)
    series = content["series"]
    bar = progress("Local data", len(series))
    for row in series:
        organisation, measure = organisations[row["organisation"]], measures[row["measure"]]
        existing = set(
            LocalValue.objects.filter(organisation=organisation, measure=measure).values_list("month", flat=True)
        )
        new = [value for value in _values(row, organisation, measure, last) if value.month not in existing]
        LocalValue.objects.bulk_create(new)
        counts.add("organisations' local data", bool(new))
        LocalSharing.objects.get_or_create(
            organisation=organisation, measure=measure, defaults={"shared": row["shared"], "changed_at": timezone.now()}
        )
        bar.step()


def _values(row, organisation, measure, last):
    rng = random.Random(row["seed"])  # noqa: S311 - repeatable demo data, not security
    stops = row.get("stops", 0)
    for back in range(MONTHS - 1, stops - 1, -1):
        month = months_back(last, back)
        level = row["level"] + (row.get("change", 0) if back < row.get("change_at", -1) else 0)
        numerator = max(0, round(rng.gauss(level, max(level, 1) ** 0.5 * 0.6)))
        denominator = None
        if measure.is_rate:
            days = calendar.monthrange(month.year, month.month)[1]
            denominator = (row["residents"] - rng.randint(0, 2)) * days
        yield LocalValue(
            organisation=organisation,
            measure=measure,
            month=month,
            numerator=numerator,
            denominator=denominator,
            entered_at=timezone.now(),
        )
