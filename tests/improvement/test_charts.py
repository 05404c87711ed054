"""The spread chart's value axis: whole organisations from 0, with a title a reader can see."""

import datetime
import re

import pytest

from portal.improvement import charts


def axis_labels(svg):
    """The text of the value axis' labels (anchored at the end, left of the plot)."""
    return re.findall(r'<text [^>]*text-anchor="end"[^>]*>([^<]*)</text>', svg)


@pytest.mark.parametrize(
    "rows",
    [
        [(datetime.date(2026, 9, 1), 0, 0)],
        [(datetime.date(2026, 9, 1), 1, 0), (datetime.date(2026, 10, 1), 0, 1)],
        [(datetime.date(2026, 9, 1), 2, 0), (datetime.date(2026, 10, 1), 3, 1), (datetime.date(2026, 11, 1), 1, 3)],
    ],
)
def test_the_value_axis_starts_at_nought_and_counts_whole_organisations(rows):
    for svg in charts.spread_chart_svgs(rows, "Spread of soft signs"):
        labels = axis_labels(svg)
        assert labels[0] == "0"
        assert all(label.isdigit() for label in labels), labels  # no "-1", no "0.5"
        assert int(labels[-1]) >= max(max(t, a) for _, t, a in rows)
        assert ">Organisations</text>" in svg


@pytest.mark.parametrize(("highest", "most", "ticks"), [(0, 4, [0, 1]), (3, 4, [0, 1, 2, 3]), (7, 4, [0, 2, 4, 6, 8])])
def test_organisation_ticks(highest, most, ticks):
    assert charts.organisation_ticks(highest, most) == ticks
