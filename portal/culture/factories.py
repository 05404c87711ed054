"""Rounds and anonymous responses for tests, the demo site and benchmarks."""

import datetime
import secrets

import factory
from django.db import transaction
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.members.factories import UserFactory
from portal.taxonomy.factories import OrganisationFactory

from .framework_text import FRAMEWORK_NAME
from .models import Answer, Framework, Invitation, Response, Round, hash_token


def seeded_framework():
    return Framework.objects.get(name=FRAMEWORK_NAME)


class RoundFactory(DjangoModelFactory):
    framework = factory.LazyFunction(seeded_framework)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Round {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    facilitator = factory.SubFactory(UserFactory)

    class Meta:
        model = Round


def add_response(round, levels, comments=None, *, submitted=True):
    """One response through a private link: ``levels`` is a level (1-5) per dimension in the
    framework's order, or a single level for all; ``comments`` likewise a list or None.
    A sent response is released with others exactly as the answering page does (``Round.release``)."""
    dimensions = list(round.framework.dimensions.all())
    if isinstance(levels, int):
        levels = [levels] * len(dimensions)
    comments = comments or [""] * len(dimensions)
    token_hash = hash_token(secrets.token_urlsafe(18))
    invitation = Invitation.objects.create(round=round, token_hash=token_hash, used=submitted)
    response = Response.objects.create(round=round, invitation=invitation, submitted=submitted)
    Answer.objects.bulk_create(
        Answer(response=response, dimension=d, level=level, comment=comment)
        for d, level, comment in zip(dimensions, levels, comments, strict=False)
    )
    if submitted:
        with transaction.atomic():
            round.release()
        response.refresh_from_db()
    return response
