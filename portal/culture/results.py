"""Adding up a round's answers, without ever handling one person's answers as a set.

Everything here works from counts per (round, dimension, level) and from comments in a
keyed random order, so the numbers cost the same few queries however many people answered,
and nothing that leaves this module can be put back together into one person's answers.

Only *released* answers are ever read here (``Response.batch`` set; see ``Round.release``):
answers join the results in batches of at least 5, so no two views of anything built here
differ by fewer than 5 people's answers.

Spread is the population standard deviation of the levels chosen (in levels: 0 when
everyone agrees; about 1.4 or more when views sit at both ends). The debrief agenda puts
the dimensions with the widest spread first; ties keep the framework's order.
"""

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from .models import Action, Answer, DebriefItem, Dimension, Level, Round

LEVELS = list(Level)


@dataclass
class Distribution:
    counts: list  # how many chose level 1..5, index 0..4

    @property
    def total(self):
        return sum(self.counts)

    @property
    def mean(self):
        return sum((i + 1) * n for i, n in enumerate(self.counts)) / self.total if self.total else None

    @property
    def spread(self):
        if not self.total:
            return None
        mean = self.mean
        return math.sqrt(sum(n * ((i + 1) - mean) ** 2 for i, n in enumerate(self.counts)) / self.total)

    @property
    def median(self):
        """The middle level (the lower of the two middle ones for an even count)."""
        if not self.total:
            return None
        middle, seen = (self.total + 1) // 2, 0
        for i, n in enumerate(self.counts):
            seen += n
            if seen >= middle:
                return i + 1
        return None

    @property
    def distinct(self):
        return sum(1 for n in self.counts if n)

    def rows(self):
        """``(level value, level label, count)`` for templates."""
        return [(level.value, level.label, self.counts[level.value - 1]) for level in LEVELS]


@dataclass
class DimensionResult:
    dimension: Dimension
    distribution: Distribution
    comments: list = field(default_factory=list)
    debrief: DebriefItem | None = None
    actions: list = field(default_factory=list)

    @property
    def spread_text(self):
        spread = self.distribution.spread
        return "–" if spread is None else f"{spread:.1f}"


@dataclass
class RoundResults:
    round: Round
    answered: int  # released answers only: answers waiting for a batch are not counted
    threshold: int
    dimensions: list  # DimensionResult, debrief agenda order (widest spread first)
    batches: int = 0

    @property
    def shown(self):
        return self.answered > 0


def _level_counts(answers):
    """``{(round_id, dimension_id): [n1..n5]}`` from one grouped query."""
    counts = defaultdict(lambda: [0] * 5)
    rows = (
        answers.filter(level__isnull=False)
        .values_list("response__round_id", "dimension_id", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for round_id, dimension_id, level, n in rows:
        counts[(round_id, dimension_id)][level - 1] = n
    return counts


def released_answers(round_ids):
    return Answer.objects.filter(response__round_id__in=round_ids, response__batch__isnull=False)


def comment_order_key(round, batches, comment):
    """A keyed shuffle: fixed while the results stay the same (so reloading changes nothing) and
    drawn afresh with each new batch, and unrelated to who wrote a comment or when."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:culture-comments:{round.pk}:{batches}:{comment}".encode()).digest()


def round_results(round, *, with_debrief=True):
    """A round's released results: nothing before the first batch; counts, spread and comments after it."""
    if round.is_closed():
        with transaction.atomic():  # a closed round's last batch of 5 or more is released on first view
            round.release()
    summary = round.responses.filter(batch__isnull=False).aggregate(answered=Count("id"), batches=Max("batch"))
    answered, batches = summary["answered"], summary["batches"] or 0
    dimensions = list(round.framework.dimensions.all())
    if not answered:
        return RoundResults(round, 0, round.threshold, [])
    counts = _level_counts(released_answers([round.pk]))
    comments = defaultdict(list)
    rows = released_answers([round.pk]).exclude(comment="").values_list("dimension_id", "comment")
    for dimension_id, comment in rows:
        comments[dimension_id].append(comment)
    for texts in comments.values():
        texts.sort(key=lambda text: comment_order_key(round, batches, text))
    debriefs, actions = {}, defaultdict(list)
    if with_debrief:
        debriefs = {item.dimension_id: item for item in DebriefItem.objects.filter(round=round)}
        for action in Action.objects.filter(round=round):
            actions[action.dimension_id].append(action)
    results = [
        DimensionResult(
            dimension=d,
            distribution=Distribution(counts[(round.pk, d.pk)]),
            comments=comments[d.pk],
            debrief=debriefs.get(d.pk),
            actions=actions[d.pk],
        )
        for d in dimensions
    ]
    results.sort(key=lambda r: -(r.distribution.spread or 0))  # stable: ties keep the framework's order
    return RoundResults(round, answered, round.threshold, results, batches)


@dataclass
class TrendPoint:
    round: Round
    median: int | None
    agreed: int | None


def trend(round):
    """For each dimension, the median and agreed level in every round of this organisation and
    framework up to this one that reached its threshold: ``[(dimension, [TrendPoint, ...])]``."""
    rounds = [
        r
        for r in Round.objects.with_response_count()
        .filter(organisation_id=round.organisation_id, framework_id=round.framework_id, opens_on__lte=round.opens_on)
        .order_by("opens_on", "pk")
        if r.response_count
    ]
    if not rounds:
        return []
    ids = [r.pk for r in rounds]
    counts = _level_counts(released_answers(ids))
    agreed = {
        (item.round_id, item.dimension_id): item.agreed_level
        for item in DebriefItem.objects.filter(round_id__in=ids).only("round_id", "dimension_id", "agreed_level")
    }
    return [
        (
            d,
            [TrendPoint(r, Distribution(counts[(r.pk, d.pk)]).median, agreed.get((r.pk, d.pk))) for r in rounds],
        )
        for d in round.framework.dimensions.all()
    ]


def setting_aggregates(setting):
    """Per framework and dimension, the released levels chosen across every round of organisations
    in this care setting; rounds with nothing released yet are left out entirely. Each round adds
    only its released batches, so these totals too change only by 5 or more answers at a time.

    Returns ``(rounds included, rounds left out, [(framework, [(dimension, Distribution)])])``.
    """
    rounds = list(Round.objects.with_response_count().filter(organisation__setting=setting).select_related("framework"))
    included = [r for r in rounds if r.response_count]
    left_out = len(rounds) - len(included)
    if not included:
        return [], left_out, []
    counts = defaultdict(lambda: [0] * 5)
    for (_round_id, dimension_id), row in _level_counts(released_answers([r.pk for r in included])).items():
        counts[dimension_id] = [a + b for a, b in zip(counts[dimension_id], row, strict=True)]
    frameworks = {r.framework_id: r.framework for r in included}
    by_framework = defaultdict(list)
    for dimension in Dimension.objects.filter(framework_id__in=frameworks):
        by_framework[dimension.framework_id].append((dimension, Distribution(counts[dimension.pk])))
    return included, left_out, [(frameworks[fid], by_framework[fid]) for fid in sorted(frameworks)]
