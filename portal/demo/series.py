"""Monthly demo data from a short recipe instead of hundreds of typed numbers.

Each demo measure in ``content/roadmap.toml`` carries a ``series`` table: where
the process sits (``level``), how much it wobbles (``noise``, the standard
deviation of seeded Gaussian noise), and the dated events that move it
(``steps``, ``trend`` and ``spikes``, each placed by month index). The same
recipe always gives the same numbers, so the demo charts, and the signals the
chart maths finds in them, are the same on every machine.
"""

import datetime
import random


def add_months(start, months):
    """The first of the month ``months`` after ``start``'s month."""
    index = start.year * 12 + start.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def monthly_series(spec):
    """Turn a series recipe into ``[(date, value), ...]``, one value a month.

    Recipe keys (only the first five are required):

    - ``start``: a date; the series begins on the first of that month;
    - ``months``: how many values;
    - ``level``: the underlying value at the start;
    - ``noise``: standard deviation of the random wobble around it;
    - ``seed``: seeds ``random.Random`` so the wobble repeats exactly;
    - ``steps``: ``[{at, change}]``, a lasting change of level from month ``at``;
    - ``trend``: ``[{start, end, slope}]``, a steady drift of ``slope`` a month
      from month ``start`` up to month ``end``, holding its gain afterwards;
    - ``spikes``: ``[{at, change}]``, a one-month jump (an astronomical point);
    - ``decimals``: rounding (default 1; 0 gives whole numbers);
    - ``minimum`` / ``maximum``: clamp values, e.g. 0 and 100 for percentages.
    """
    rng = random.Random(spec["seed"])  # noqa: S311 - repeatable demo data, not security
    start = datetime.date(spec["start"].year, spec["start"].month, 1)
    decimals = spec.get("decimals", 1)
    minimum, maximum = spec.get("minimum"), spec.get("maximum")
    points = []
    for month in range(spec["months"]):
        value = spec["level"] + rng.gauss(0, spec["noise"])
        value += sum(step["change"] for step in spec.get("steps", []) if month >= step["at"])
        for trend in spec.get("trend", []):
            value += trend["slope"] * (min(month, trend["end"]) - trend["start"]) if month > trend["start"] else 0
        value += sum(spike["change"] for spike in spec.get("spikes", []) if month == spike["at"])
        if minimum is not None:
            value = max(minimum, value)
        if maximum is not None:
            value = min(maximum, value)
        value = round(value, decimals) if decimals else float(round(value))
        points.append((add_months(start, month), value))
    return points
