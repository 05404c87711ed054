"""Factories for local measures, their values and sharing choices: tests and the demo share them."""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting

from .models import LocalMeasure, LocalSharing, LocalValue, months_back


class LocalMeasureFactory(DjangoModelFactory):
    """A count measure for care homes unless told otherwise; ``settings`` may be slugs."""

    name = factory.Sequence(lambda n: f"Local measure {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    what_to_count = "Every event of this kind in the month, whether or not anyone was hurt."
    kind = LocalMeasure.Kind.COUNT
    numerator_name = "Events"
    multiplier = 1

    class Meta:
        model = LocalMeasure
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    class Params:
        rate = factory.Trait(
            kind=LocalMeasure.Kind.RATE,
            numerator_name="Falls",
            denominator_name="Occupied bed days",
            multiplier=1000,
        )

    @factory.post_generation
    def settings(measure, create, extracted, **kwargs):
        if not create:
            return
        slugs = extracted if extracted is not None else ["care-homes"]
        measure.settings.set([s if isinstance(s, Setting) else Setting.objects.get(slug=s) for s in slugs])
        measure.save()  # a parental many-to-many is written on save


class LocalValueFactory(DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    measure = factory.SubFactory(LocalMeasureFactory)
    month = factory.LazyFunction(lambda: months_back(timezone.localdate().replace(day=1), 1))
    numerator = 3
    denominator = factory.LazyAttribute(lambda o: 900 if o.measure.is_rate else None)
    entered_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = LocalValue


def share(organisation, measure, shared=True):
    """Record ``organisation``'s choice to share (or stop sharing) ``measure``."""
    LocalSharing.objects.update_or_create(
        organisation=organisation, measure=measure, defaults={"shared": shared, "changed_at": timezone.now()}
    )


def monthly_values(organisation, measure, numerators, *, start: datetime.date, denominators=None):
    """One value a month from ``start`` for each numerator given (denominators likewise, for a rate)."""
    denominators = denominators or [900 if measure.is_rate else None] * len(numerators)
    values = [
        LocalValue(
            organisation=organisation,
            measure=measure,
            month=months_back(start, -i),
            numerator=numerator,
            denominator=denominator,
            entered_at=timezone.now(),
        )
        for i, (numerator, denominator) in enumerate(zip(numerators, denominators, strict=True))
    ]
    return LocalValue.objects.bulk_create(values)
