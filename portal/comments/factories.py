"""Comments and reports for tests and the demo site."""

import factory
from factory.django import DjangoModelFactory

from portal.members.models import MemberProfile

from .models import Comment, CommentReport


def _organisation_name(comment):
    """What the comment view stores: the author's organisation when they post."""
    profile = MemberProfile.objects.filter(user=comment.author).select_related("organisation").first()
    return profile.organisation_name if profile else ""


class CommentFactory(DjangoModelFactory):
    """A visible comment. Pass ``page`` and ``author`` (an approved member, e.g. from ``MemberFactory``)."""

    body = factory.Faker("paragraph", nb_sentences=2)
    author_organisation_name = factory.LazyAttribute(_organisation_name)

    class Meta:
        model = Comment


class CommentReportFactory(DjangoModelFactory):
    comment = factory.SubFactory(CommentFactory)
    reason = "It names a resident."

    class Meta:
        model = CommentReport
