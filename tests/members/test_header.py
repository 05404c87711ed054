"""The account links in the site header, for visitors and for people signed in."""

import html
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.core.pagecache import bump_generation
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory
from portal.taxonomy.factories import OrganisationFactory
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


def sign_in_link(response):
    return re.search(r'<a class="nhsuk-header__account-link" href="([^"]*)">Sign in</a>', header(response)).group(1)


def test_the_sign_in_link_returns_to_the_page_it_is_on(client, home, navigation, learning_index, case_study_index):
    assert sign_in_link(client.get(learning_index.url)) == f"/accounts/login/?next={learning_index.url}"
    assert sign_in_link(client.get(case_study_index.url)) == f"/accounts/login/?next={case_study_index.url}"
    # Each time, from each page: nothing kept from one page is shown on another.
    assert sign_in_link(client.get(learning_index.url)) == f"/accounts/login/?next={learning_index.url}"


def test_the_sign_in_link_keeps_the_query_escaped(client, home, learning_index):
    response = client.get(learning_index.url, {"setting": "care-homes", "q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)</script>" not in response.content.decode()
    link = sign_in_link(response)
    assert link.startswith(f"/accounts/login/?next={learning_index.url}%3F")
    assert "setting%3Dcare-homes%26" in link  # the whole query belongs to next, not to the sign-in page

    response = client.get(html.unescape(link))
    assert response.context["redirect_field_value"] == (
        f"{learning_index.url}?setting=care-homes&q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
    )


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_no_return_address_from_the_home_page_or_the_sign_in_and_sign_up_pages(client, home, path):
    assert sign_in_link(client.get(path)) == "/accounts/login/"


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


def nav_links(response):
    return re.findall(r'<a class="nhsuk-header__navigation-link" href="([^"]*)"[^>]*>\s*([^<]*?)\s*<', header(response))


def test_a_member_whose_organisation_is_confirmed_finds_it_in_the_navigation(client, home, navigation):
    client.force_login(MemberFactory(organisation=OrganisationFactory(name="Kersal Brook Care Home")))
    assert ("/my-organisation/", "Your organisation") in nav_links(client.get("/"))


def test_the_programme_team_finds_every_organisation_s_records(client, home, navigation):
    client.force_login(ModeratorFactory())
    assert ("/my-organisation/", "Organisations' records") in nav_links(client.get("/"))


@pytest.mark.parametrize("who", ["visitor", "pending", "unconfirmed"])
def test_no_organisation_link_for_those_who_keep_no_records(client, home, navigation, who):
    if who == "pending":
        client.force_login(PendingMemberFactory())
    elif who == "unconfirmed":
        client.force_login(MemberFactory(confirmed=False))
    page = header(client.get("/"))
    assert "/my-organisation/" not in page and "Your organisation" not in page


def test_the_organisation_link_never_reaches_a_visitor_through_the_page_cache(client, home, navigation):
    member = MemberFactory()
    client.force_login(member)
    assert "Your organisation" in header(client.get("/"))
    client.logout()
    assert "Your organisation" not in header(client.get("/"))
    assert "Your organisation" not in header(client.get("/"))  # and not once the visitor's page is cached


def test_the_header_s_addresses_follow_the_script_prefix_they_are_drawn_under(home, navigation):
    """The header's fixed addresses are reversed once per process, keyed by the script prefix."""
    from django.urls import set_script_prefix

    member = MemberFactory(organisation=OrganisationFactory(name="Kersal Brook Care Home"))

    def drawn():
        request = RequestFactory().get("/")
        request.user = member
        return Template("{% load portal_tags %}{% portal_header %}").render(Context({"request": request}))

    try:
        set_script_prefix("/portal/")
        under_prefix = drawn()
    finally:
        set_script_prefix("/")
    plain = drawn()
    for address in ["/members/profile/", "/accounts/logout/", "/share/", "/my-organisation/", "/search/"]:
        assert f'"/portal{address}"' in under_prefix
        assert f'"{address}"' in plain and f'"/portal{address}"' not in plain
