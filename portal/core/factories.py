"""Factory pieces shared by every knowledge page type.

The same factories build test data, the demo site and benchmark content.
Faker is seeded in tests/conftest.py so that generated text is repeatable.
"""

import factory
import wagtail_factories
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction
from wagtail.search import index

from portal.core.access import MEMBERS_GROUP, MODERATORS_GROUP
from portal.taxonomy.models import SafetyDomain, Setting


def _terms(model, values):
    """Accept vocabulary objects or slugs; default to the first term."""
    if values is None:
        return [model.objects.order_by("sort_order").first()]
    return [value if isinstance(value, model) else model.objects.get(slug=value) for value in values]


class KnowledgePageFactory(wagtail_factories.PageFactory):
    """Base for the concrete knowledge page factories (not used on its own)."""

    title = factory.Faker("sentence", nb_words=6)
    summary = factory.Faker("paragraph", nb_sentences=2)
    date = factory.Faker("date_between", start_date="-5y", end_date="today")

    class Meta:
        abstract = True

    @factory.post_generation
    def settings(self, create, extracted, **kwargs):
        if create:
            self.settings.set(_terms(Setting, extracted))

    @factory.post_generation
    def safety_domains(self, create, extracted, **kwargs):
        if create:
            self.safety_domains.set(_terms(SafetyDomain, extracted))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Parental many-to-many and tag changes live on the instance until saved.
        if create:
            instance.save()
            # Wagtail indexed the page before its tags, settings and domains were
            # saved; index it again now they are, as publishing does (search.signals).
            index.insert_or_update_object(instance)


def restrict_to_members(page):
    """Make ``page`` and everything below it member-only, as an editor does in Wagtail's privacy dialog.

    "Private, accessible to users in specific groups", with the Community
    members and Moderators groups ticked (see docs/content-model.md).
    """
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set(Group.objects.filter(name__in=[MEMBERS_GROUP, MODERATORS_GROUP]))
    return restriction
