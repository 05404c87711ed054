import factory
import wagtail_factories

from portal.core.factories import KnowledgePageFactory

from .models import CaseStudyIndexPage, CaseStudyPage


class CaseStudyIndexPageFactory(wagtail_factories.PageFactory):
    title = "Case studies"
    slug = "case-studies"
    intro = "Stories of improvement work, with what others can copy."

    class Meta:
        model = CaseStudyIndexPage
        django_get_or_create = ("slug", "parent")


class CaseStudyPageFactory(KnowledgePageFactory):
    problem = factory.Faker("paragraph")
    what_was_done = factory.Faker("paragraph")
    results = factory.Faker("paragraph")
    what_others_can_copy = factory.Faker("paragraph")

    class Meta:
        model = CaseStudyPage
