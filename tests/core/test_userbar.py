"""Wagtail's user bar: shown to those who may use the admin, asked with the user, in no query of its own."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.members.factories import MemberFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

USERBAR = "<wagtail-userbar"


def _view(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    # Every query that reads permissions, but for the one that loads the signed-in user (portal.members.backends).
    return html, [
        query["sql"]
        for query in queries.captured_queries
        if '"auth_permission"' in query["sql"] and not query["sql"].startswith('SELECT "auth_user"."id"')
    ]


def test_a_member_sees_no_user_bar_and_costs_no_permission_query(client, home, navigation):
    client.force_login(MemberFactory())
    html, permission_queries = _view(client, "/")
    assert USERBAR not in html
    assert permission_queries == []


def test_the_programme_team_sees_the_user_bar(client, home, navigation):
    client.force_login(ModeratorFactory())
    html, _ = _view(client, "/")
    assert USERBAR in html


def test_someone_given_admin_access_on_their_own_sees_the_user_bar(client, home, navigation):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    client.force_login(user)
    html, _ = _view(client, "/")
    assert USERBAR in html


def test_a_superuser_sees_the_user_bar_and_the_public_does_not(client, home, navigation):
    assert USERBAR not in client.get("/").content.decode()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert USERBAR in _view(client, "/")[0]
