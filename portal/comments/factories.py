"""Comments and reports for tests and the demo site."""

import factory
from factory.django import DjangoModelFactory

from .models import Comment, CommentReport


class CommentFactory(DjangoModelFactory):
    """A visible comment. Pass ``page`` and ``author`` (an approved member, e.g. from ``MemberFactory``)."""

    body = factory.Faker("paragraph", nb_sentences=2)

    class Meta:
        model = Comment


class CommentReportFactory(DjangoModelFactory):
    comment = factory.SubFactory(CommentFactory)
    reason = "It names a resident."

    class Meta:
        model = CommentReport
