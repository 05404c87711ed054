"""A query written by the ORM once and run with new values (``portal.core.compiled``)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core.compiled import CompiledQuery
from portal.members.factories import MemberFactory
from portal.members.models import MemberProfile

pytestmark = pytest.mark.django_db


def profile_query(user_id):
    return MemberProfile.objects.filter(user_id=user_id).values_list("role", "created_at", "wants_digest")


def test_each_run_answers_for_its_own_value_as_the_orm_would():
    query = CompiledQuery(profile_query, placeholder=-1)
    first, second = MemberFactory(), MemberFactory()
    MemberProfile.objects.filter(user=second).update(role="Deputy manager", wants_digest=True)
    for user in (first, second, first):
        assert query.row(user.pk, using="default") == list(profile_query(user.pk).get())
    role, created_at, wants_digest = query.row(second.pk, using="default")
    assert role == "Deputy manager" and wants_digest is True
    assert isinstance(created_at, datetime.datetime) and created_at.tzinfo is not None
    assert query.row(-5, using="default") is None


def test_the_sql_is_the_orm_s_and_is_written_once():
    built = []

    def build(user_id):
        built.append(user_id)
        return profile_query(user_id)

    query = CompiledQuery(build, placeholder=-1)
    member = MemberFactory()
    with CaptureQueriesContext(connection) as by_the_orm:
        list(profile_query(member.pk))
    with CaptureQueriesContext(connection) as compiled:
        query.row(member.pk, using="default")
        query.row(member.pk, using="default")
    assert [q["sql"] for q in compiled.captured_queries] == [by_the_orm.captured_queries[0]["sql"]] * 2
    assert built == [-1]


def test_a_query_that_does_not_use_its_value_exactly_once_is_refused():
    twice = CompiledQuery(
        lambda value: MemberProfile.objects.filter(user_id=value, decided_by_id=value).values_list("pk"), -1
    )
    with pytest.raises(ImproperlyConfigured):
        twice.row(1, using="default")
