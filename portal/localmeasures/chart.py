"""An organisation's own chart of a local measure, by the programme's chart rules.

Nothing is forked: the run and XmR rules are ``portal.roadmap.spc``'s, the drawing
``portal.roadmap.charts``', and the choice between them the roadmap's
``build_chart``, so a signal on a care home's chart means exactly what it means on
the programme's. Markers (the dates the organisation's change ideas started
testing, from ``portal.improvement``) are drawn as the chart's numbered events.
"""

from dataclasses import dataclass

from django.conf import settings

from portal.improvement.models import ChangeIdeaStatus
from portal.roadmap import charts, spc
from portal.roadmap.services import build_chart, measure_summary, signal_references

from .models import months_back

#: Rates (falls per 1,000 occupied bed days) are written with one decimal place everywhere
#: on the organisation's page, table and summary alike: 6.9, 4.2, 10.0, median 7.1.
RATE_DECIMALS = 1


@dataclass(frozen=True)
class _Point:
    date: object
    value: float


def local_chart(measure, values, markers=()):
    """The chart's context for a template, or None while no month can be charted.

    ``values`` are the organisation's ``LocalValue`` rows in month order; ``markers`` a list of
    ``(date, label)`` events to number on the chart and list under it.
    """
    points = [_Point(value.month, value.value) for value in values if value.value is not None]
    chart = build_chart(measure, points)
    if chart is None:
        return None
    markers = list(markers)
    title = measure.name
    decimals = RATE_DECIMALS if measure.is_rate else None
    return {
        "chart": chart,
        "svgs": [
            charts.chart_svg(chart, title=title, unit=measure.unit, annotations=markers, layout=layout)
            for layout in charts.LAYOUTS
        ],
        "summary": measure_summary(chart, decimals=decimals),
        "decimals": decimals,
        "missing_months": missing_months([point.date for point in points]),
        "rows": signal_references(chart, charts.data_table_rows(chart)),
        "is_xmr": isinstance(chart, spc.XmRChart),
        "centre_name": "Median" if isinstance(chart, spc.RunChart) else "Mean",
        "run_length": settings.PORTAL_SPC_RUN_LENGTH,
        "markers": markers,
        "markers_on_chart": {
            n for n, (date, _) in enumerate(markers, start=1) if chart.points[0].date <= date <= chart.points[-1].date
        },
    }


def missing_months(months):
    """The months between the first and the last of ``months`` (in order) that have no figures.

    The run and XmR rules read the charted months as consecutive points, as the roadmap's
    charts do, so the line joins the months either side of a gap; the page says which
    months are missing rather than let a reader take the joined line for those months.
    """
    if not months:
        return []
    present = set(months)
    missing, month = [], months[0]
    while month < months[-1]:
        if month not in present:
            missing.append(month)
        month = months_back(month, -1)
    return missing


def change_idea_markers(organisation, first_month, last_month):
    """(date, label) for each time ``organisation`` started testing a change idea in the chart's months.

    From the organisation's change idea status history (``portal.improvement``):
    every status of "testing", on the date it took effect, from the first day of
    ``first_month`` to the last day of ``last_month``, oldest first. One query.
    """
    after_last = months_back(last_month.replace(day=1), -1)
    statuses = (
        ChangeIdeaStatus.objects.filter(
            organisation=organisation,
            status=ChangeIdeaStatus.Status.TESTING,
            took_effect_on__gte=first_month.replace(day=1),
            took_effect_on__lt=after_last,
        )
        .select_related("change_idea")
        .order_by("took_effect_on", "change_idea__title", "pk")
    )
    return [(status.took_effect_on, f"Started testing: {status.change_idea.title}") for status in statuses]
