import uuid

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from portal.core.factories import KnowledgePageFactory
from portal.taxonomy.factories import OrganisationFactory

from .models import Contribution, LearningIndexPage, LearningNotePage, PeerVisitIndexPage, PeerVisitReportPage


class LearningIndexPageFactory(wagtail_factories.PageFactory):
    title = "Learning notes"
    slug = "learning"
    intro = "Short notes from teams about what they tried and what they learned."

    class Meta:
        model = LearningIndexPage
        django_get_or_create = ("slug", "parent")


class LearningNotePageFactory(KnowledgePageFactory):
    author_name = factory.Faker("name")
    what_we_tried = factory.Faker("paragraph")
    what_happened = factory.Faker("paragraph")
    what_we_learned = factory.Faker("paragraph")
    what_we_would_advise = factory.Faker("paragraph")

    class Meta:
        model = LearningNotePage


class PeerVisitIndexPageFactory(wagtail_factories.PageFactory):
    title = "Peer visits"
    slug = "peer-visits"
    intro = "Reports from visits between organisations: what works well and what could be better."

    class Meta:
        model = PeerVisitIndexPage
        django_get_or_create = ("slug", "parent")


class PeerVisitReportPageFactory(KnowledgePageFactory):
    host_organisation = factory.SubFactory(OrganisationFactory)
    focus = factory.Faker("sentence")
    what_works_well = factory.Faker("paragraph")
    what_could_be_better = factory.Faker("paragraph")
    ideas_to_take_home = factory.Faker("paragraph")
    agreed_actions = factory.LazyFunction(lambda: "Share the checklist\nVisit again in three months")

    class Meta:
        model = PeerVisitReportPage

    @factory.post_generation
    def visiting_organisations(self, create, extracted, **kwargs):
        if create:
            self.visiting_organisations.set(extracted or [OrganisationFactory()])


class ContributionFactory(DjangoModelFactory):
    """A member's post from the public site: by default a draft learning note they own, with a revision.

    Pass ``page=`` to use a page you made, or ``page__parent=`` (and other
    ``page__`` fields) to shape the learning note; the site's learning index is
    the default parent.
    """

    token = factory.LazyFunction(uuid.uuid4)
    author = factory.SubFactory("portal.members.factories.UserFactory")

    class Meta:
        model = Contribution
        skip_postgeneration_save = True

    @factory.post_generation
    def page(contribution, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            kwargs.setdefault("parent", LearningIndexPage.objects.get())
            extracted = LearningNotePageFactory(owner=contribution.author, live=False, **kwargs)
        extracted.save_revision(user=contribution.author)
        contribution.page = extracted
        contribution.save()
