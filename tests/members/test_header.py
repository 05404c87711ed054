"""The account links in the site header, for visitors and for people signed in."""

import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.core.pagecache import bump_generation
from portal.members.factories import MemberFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def header(response):
    page = html.unescape(response.content.decode())
    return page[page.index("<header") : page.index("</header>")]


def test_visitors_are_offered_sign_in_and_create_an_account(client, home):
    nav = header(client.get("/"))
    assert '<nav class="nhsuk-header__account" aria-label="Account">' in nav
    assert '<a class="nhsuk-header__account-link" href="/accounts/login/">Sign in</a>' in nav
    assert '<a class="nhsuk-header__account-link" href="/accounts/signup/">Create an account</a>' in nav
    assert "Sign out" not in nav and "Your profile" not in nav
    assert '<a class="nhsuk-header__account-link" href="/share/">Share learning</a>' in nav


def test_signed_in_people_see_their_profile_and_a_sign_out_button(client, home):
    client.force_login(MemberFactory())
    nav = header(client.get("/"))
    assert '<a class="nhsuk-header__account-link" href="/members/profile/">Your profile</a>' in nav
    assert '<form class="nhsuk-header__account-form" action="/accounts/logout/" method="post">' in nav
    assert 'name="csrfmiddlewaretoken"' in nav
    assert "Sign in" not in nav
    assert '<a class="nhsuk-header__account-link" href="/share/">Share learning</a>' in nav


def test_the_sign_out_button_signs_out(client, home):
    client.force_login(MemberFactory())
    client.get("/")
    response = client.post("/accounts/logout/", follow=True)
    assert "_auth_user_id" not in client.session
    assert "You have signed out." in html.unescape(response.content.decode())


def render_header(user):
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        Template("{% load portal_tags %}{% portal_header %}").render(Context({"request": request}))
    return len(queries)


def test_the_account_links_cost_no_queries(home, navigation):
    member = MemberFactory()
    render_header(AnonymousUser())  # warm the site lookup
    assert render_header(member) == render_header(AnonymousUser())


def test_a_signed_in_page_costs_the_same_however_many_members_there_are(client, home, navigation):
    member = MemberFactory()
    client.force_login(member)
    client.get("/")
    bump_generation()  # a new member's organisation is content: counts are found afresh after it
    first_of_few, few = count_queries(client, "/"), count_queries(client, "/")
    for _ in range(20):
        MemberFactory()
    assert count_queries(client, "/") == first_of_few
    assert count_queries(client, "/") == few
