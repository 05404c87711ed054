"""Factories for the roadmap page and its snippets.

Tests, the demo loader and benchmarks share these. Vocabulary terms may be
given as objects or as slugs; Faker and ``factory.random`` are seeded in
tests/conftest.py, so generated text and numbers repeat.
"""

import datetime

import factory
import wagtail_factories
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from portal.core.factories import _terms
from portal.taxonomy.models import SafetyDomain, Setting

from .models import (
    ChangeIdea,
    ChangeIdeaEvidence,
    DataPoint,
    Driver,
    Measure,
    MeasureAnnotation,
    Milestone,
    MilestoneStatusChange,
    RoadmapPage,
    Workstream,
)


class RoadmapPageFactory(wagtail_factories.PageFactory):
    title = "Roadmap"
    slug = "roadmap"
    aim = "Every health and care setting in the city measurably safer."
    target_date = datetime.date(2027, 12, 31)

    class Meta:
        model = RoadmapPage
        django_get_or_create = ("slug", "parent")


def _optional_terms(model, values):
    """Like ``_terms`` but an omitted list means none rather than the first term."""
    return _terms(model, values) if values is not None else []


def monthly_dates(start, count):
    """``count`` dates, the first of each month from ``start``'s month."""
    first = start.year * 12 + start.month - 1
    return [datetime.date((first + i) // 12, (first + i) % 12 + 1, 1) for i in range(count)]


class _SaveAfterPostGeneration:
    """Parental many-to-many and child relations live on the instance until it is saved."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class WorkstreamFactory(_SaveAfterPostGeneration, DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Workstream {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    description = factory.Faker("paragraph", nb_sentences=2)

    class Meta:
        model = Workstream
        django_get_or_create = ("slug",)

    @factory.post_generation
    def settings(self, create, extracted, **kwargs):
        if create:
            self.settings.set(_optional_terms(Setting, extracted))

    @factory.post_generation
    def safety_domains(self, create, extracted, **kwargs):
        if create:
            self.safety_domains.set(_optional_terms(SafetyDomain, extracted))


class DriverFactory(DjangoModelFactory):
    """A primary driver; pass ``parent=`` (a primary driver) for a secondary one."""

    title = factory.Sequence(lambda n: f"Driver {n}")
    description = factory.Faker("sentence", nb_words=12)
    parent = None

    class Meta:
        model = Driver


class SecondaryDriverFactory(DriverFactory):
    parent = factory.SubFactory(DriverFactory)


class ChangeIdeaFactory(_SaveAfterPostGeneration, DjangoModelFactory):
    """A change idea under a new secondary driver unless ``driver=`` says which.

    ``workstreams=[...]`` are the workstreams testing it; ``evidence=[...]`` are
    knowledge pages (case studies, learning notes, ...) showing it in use.
    """

    title = factory.Sequence(lambda n: f"Change idea {n}")
    description = factory.Faker("sentence", nb_words=14)
    driver = factory.SubFactory(SecondaryDriverFactory)

    class Meta:
        model = ChangeIdea

    @factory.post_generation
    def workstreams(self, create, extracted, **kwargs):
        if create and extracted:
            self.workstreams.set(extracted)

    @factory.post_generation
    def evidence(self, create, extracted, **kwargs):
        if create and extracted:
            self.evidence.set([ChangeIdeaEvidence(page=page) for page in extracted])


class MilestoneFactory(_SaveAfterPostGeneration, DjangoModelFactory):
    """A milestone; ``status_history=[...]`` gives its status changes.

    Each change is a dict with ``date``, ``status`` and optionally ``reason`` and
    ``update`` (an UpdatePage), or a tuple ``(date, status[, reason[, update]])``.
    The newest change sets the milestone's status, as in the admin.
    """

    title = factory.Sequence(lambda n: f"Milestone {n}")
    description = factory.Faker("sentence", nb_words=14)
    workstream = factory.SubFactory(WorkstreamFactory)
    planned_date = factory.Faker(
        "date_between", start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2026, 12, 31)
    )

    class Meta:
        model = Milestone

    @factory.post_generation
    def settings(self, create, extracted, **kwargs):
        if create:
            self.settings.set(_optional_terms(Setting, extracted))

    @factory.post_generation
    def safety_domains(self, create, extracted, **kwargs):
        if create:
            self.safety_domains.set(_optional_terms(SafetyDomain, extracted))

    @factory.post_generation
    def status_history(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        changes = []
        for change in extracted:
            if not isinstance(change, dict):
                change = dict(zip(("date", "status", "reason", "update"), change, strict=False))
            changes.append(
                MilestoneStatusChange(
                    date=_as_date(change["date"]),
                    status=change["status"],
                    reason=change.get("reason") or f"Marked {Milestone.Status(change['status']).label.lower()}.",
                    update=change.get("update"),
                )
            )
        self.status_changes.set(changes)


class MeasureFactory(_SaveAfterPostGeneration, DjangoModelFactory):
    """A measure; ``data_points=`` gives its data.

    - an int N: N monthly values from ``data_points__start`` (default January 2023),
      scattered around ``data_points__level`` (default 10) by up to
      ``data_points__spread`` (default 2);
    - a list of numbers: one a month from that start;
    - a list of ``(date, value)`` pairs.

    ``safety_domain`` may be a slug; ``settings`` a list of slugs (default: the
    first setting); ``annotations`` a list of ``(date, text)`` pairs.
    """

    name = factory.Sequence(lambda n: f"Measure {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    definition = factory.Faker("sentence", nb_words=16)
    unit = "per 1,000 occupied bed days"
    safety_domain = factory.LazyFunction(lambda: SafetyDomain.objects.order_by("sort_order").first())
    direction = Measure.Direction.LOWER
    chart_type = Measure.ChartType.RUN

    class Meta:
        model = Measure

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if isinstance(kwargs.get("safety_domain"), str):
            kwargs["safety_domain"] = SafetyDomain.objects.get(slug=kwargs["safety_domain"])
        return kwargs

    @factory.post_generation
    def settings(self, create, extracted, **kwargs):
        if create:
            self.settings.set(_terms(Setting, extracted))

    @factory.post_generation
    def data_points(self, create, extracted, start=datetime.date(2023, 1, 1), level=10.0, spread=2.0, **kwargs):
        if not (create and extracted):
            return
        if isinstance(extracted, int):
            rng = factory.random.randgen
            values = [round(level + rng.uniform(-spread, spread), 1) for _ in range(extracted)]
            pairs = zip(monthly_dates(start, extracted), values, strict=True)
        else:
            extracted = list(extracted)
            if extracted and isinstance(extracted[0], (int, float)):
                pairs = zip(monthly_dates(start, len(extracted)), extracted, strict=True)
            else:
                pairs = [(_as_date(date), value) for date, value in extracted]
        DataPoint.objects.bulk_create(
            DataPoint(measure=self, date=date, value=value, sort_order=i) for i, (date, value) in enumerate(pairs)
        )

    @factory.post_generation
    def annotations(self, create, extracted, **kwargs):
        if create and extracted:
            MeasureAnnotation.objects.bulk_create(
                MeasureAnnotation(measure=self, date=_as_date(date), text=text, sort_order=i)
                for i, (date, text) in enumerate(extracted)
            )


def _as_date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
