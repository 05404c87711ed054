import datetime

import factory
from factory.django import DjangoModelFactory

from portal.roadmap.factories import ChangeIdeaFactory
from portal.taxonomy.factories import OrganisationFactory

from .models import ChangeIdeaStatus


class ChangeIdeaStatusFactory(DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    change_idea = factory.SubFactory(ChangeIdeaFactory)
    status = ChangeIdeaStatus.Status.TESTING
    took_effect_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    reason = factory.LazyAttribute(
        lambda s: (
            "Staff found it took too long on busy shifts." if s.status == ChangeIdeaStatus.Status.ABANDONED else ""
        )
    )

    class Meta:
        model = ChangeIdeaStatus
