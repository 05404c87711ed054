"""Member-only pages: found and labelled by members, absent for everyone else, everywhere.

A member-only page is one an editor restricted, with Wagtail's privacy dialog,
to the Community members and Moderators groups (``restrict_to_members``). Each
test sets up an open note, a member-only note and a note any signed-in reader
could open, all about falls in care homes, and looks at one place the portal
lists pages, as each kind of reader.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.core.models import KnowledgePage
from portal.core.pagecache import bump_generation
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory
from portal.roadmap.factories import ChangeIdeaFactory, DriverFactory
from search import service
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db

OPEN = "Open note on falls"
MEMBERS = "Note for members on falls"
SIGNED_IN = "Signed-in note on falls"
LABEL = ">Members only</strong>"


def note(parent, title, **fields):
    return LearningNotePageFactory(
        parent=parent,
        title=title,
        summary=f"{title}: what we tried at night.",
        settings=["care-homes"],
        safety_domains=["past-harm"],
        **fields,
    )


@pytest.fixture
def notes(learning_index):
    cache.clear()  # the spelling dictionary is cached between tests
    open_note = note(learning_index, OPEN, tags=["falls", "night checks"])
    members_note = note(learning_index, MEMBERS, tags=["falls", "bed rails"])
    restrict_to_members(members_note)
    signed_in_note = note(learning_index, SIGNED_IN, tags=["falls"])
    PageViewRestriction.objects.create(page=signed_in_note, restriction_type=PageViewRestriction.LOGIN)
    return {"open": open_note, "members": members_note, "signed_in": signed_in_note}


def admin():
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")


# Who counts as a member: approved members, moderators and admins; nobody else.
NOT_MEMBERS = {
    "anonymous": lambda: None,
    "pending member": PendingMemberFactory,
    "signed-in reader who is not a member": UserFactory,
}
MEMBERS_AND_STAFF = {"member": MemberFactory, "moderator": ModeratorFactory, "admin": admin}


def sign_in(client, make_user):
    user = make_user()
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize("reader", NOT_MEMBERS)
def test_readers_who_are_not_members_never_see_a_member_only_page_listed(client, notes, home, reader):
    sign_in(client, NOT_MEMBERS[reader])
    for url in ("/learning/", "/settings/care-homes/", "/domains/past-harm/", "/"):
        response = client.get(url)
        assert card_titles(response) == [OPEN], url
        assert LABEL not in response.content.decode(), url


@pytest.mark.parametrize("reader", MEMBERS_AND_STAFF)
def test_members_see_member_only_pages_listed_with_a_label_and_still_not_other_private_pages(
    client, notes, home, reader
):
    sign_in(client, MEMBERS_AND_STAFF[reader])
    for url in ("/learning/", "/settings/care-homes/", "/domains/past-harm/", "/"):
        response = client.get(url)
        html = response.content.decode()
        assert sorted(card_titles(response)) == sorted([OPEN, MEMBERS]), url
        assert html.count(LABEL) == 1, url
        # The label sits on the member-only page's card, not the open one's.
        members_card = html.split(LABEL, 1)[1].split("nhsuk-card__link", 2)[1]
        assert MEMBERS in members_card, url


def test_the_home_page_counts_member_only_pages_for_members_only(client, notes, home):
    assert (
        '<a class="portal-term" href="/settings/care-homes/">Care homes <span class="portal-term__count">(1)</span></a>'
    ) in (client.get("/").content.decode())
    client.force_login(MemberFactory())
    assert (
        '<a class="portal-term" href="/settings/care-homes/">Care homes <span class="portal-term__count">(2)</span></a>'
    ) in (client.get("/").content.decode())


def test_a_topic_used_only_on_member_only_pages_is_not_offered_to_the_public(client, notes):
    assert "bed rails" not in client.get("/learning/").content.decode()
    assert "night checks" in client.get("/learning/").content.decode()
    client.force_login(MemberFactory())
    assert "bed rails" in client.get("/learning/").content.decode()


@pytest.mark.parametrize("reader", NOT_MEMBERS)
def test_search_results_facets_suggestions_and_related_learning_leave_member_only_pages_out(notes, reader):
    user = NOT_MEMBERS[reader]()
    results = service.query("falls", user=user)
    assert [hit.title for hit in results.hits] == [OPEN]
    assert [(value.key, value.count) for value in results.facets["setting"]] == [("care-homes", 1)]
    assert "bed-rails" not in {value.key for value in results.facets["tag"]}
    assert [item["title"] for item in service.suggest("note", user=user)] == [OPEN]
    assert MEMBERS not in [hit.title for hit in service.related(notes["open"], user=user)]


@pytest.mark.parametrize("reader", MEMBERS_AND_STAFF)
def test_members_find_member_only_pages_marked_as_such(notes, reader):
    user = MEMBERS_AND_STAFF[reader]()
    results = service.query("falls", user=user)
    assert {hit.title: hit.members_only for hit in results.hits} == {OPEN: False, MEMBERS: True}
    assert [(value.key, value.count) for value in results.facets["setting"]] == [("care-homes", 2)]
    assert "bed-rails" in {value.key for value in results.facets["tag"]}
    assert sorted(item["title"] for item in service.suggest("note", user=user)) == sorted([OPEN, MEMBERS])
    related = {hit.title: hit.members_only for hit in service.related(notes["open"], user=user)}
    assert related == {MEMBERS: True}


def test_related_learning_on_a_page_shows_member_only_pages_to_members_only(client, notes):
    assert MEMBERS not in client.get(notes["open"].url).content.decode()
    client.force_login(MemberFactory())
    page = client.get(notes["open"].url).content.decode()
    related = page[page.index('id="related-heading"') :]
    assert MEMBERS in related
    assert 'class="nhsuk-tag nhsuk-tag--purple portal-members-only">Members only</strong>' in related


@pytest.mark.parametrize("reader", [*NOT_MEMBERS, *MEMBERS_AND_STAFF])
def test_feeds_the_api_and_the_sitemap_never_hold_member_only_pages(client, notes, reader):
    sign_in(client, {**NOT_MEMBERS, **MEMBERS_AND_STAFF}[reader])
    members_url = notes["members"].url
    for url in ("/feeds/knowledge/rss/", "/feeds/knowledge/atom/", "/feeds/settings/care-homes/rss/"):
        feed = client.get(url).content.decode()
        assert OPEN in feed, url
        assert MEMBERS not in feed, url
        assert SIGNED_IN not in feed, url

    listing = client.get("/api/v2/pages/?type=learning.LearningNotePage&fields=title").json()
    assert [item["title"] for item in listing["items"]] == [OPEN]
    searched = client.get("/api/v2/pages/?search=falls&fields=title").json()
    assert [item["title"] for item in searched["items"]] == [OPEN]
    assert client.get(f"/api/v2/pages/{notes['members'].pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{notes['open'].pk}/").json()["title"] == OPEN

    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"{notes['open'].url}</loc>" in sitemap
    assert members_url not in sitemap and notes["signed_in"].url not in sitemap


def test_the_roadmap_api_never_names_a_member_only_page_as_evidence(client, notes):
    ChangeIdeaFactory(
        driver=DriverFactory(parent=DriverFactory()),
        evidence=[notes["members"], notes["open"], notes["signed_in"]],
    )
    client.force_login(MemberFactory())
    (idea,) = client.get("/api/v2/change-ideas/").json()["items"]
    assert [page["title"] for page in idea["evidence"]] == [OPEN]


def test_a_member_only_page_sends_visitors_who_are_not_signed_in_to_sign_in(client, notes):
    response = client.get(notes["members"].url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={notes['members'].url}"
    assert 'type="password"' in client.get(response["Location"]).content.decode()


FOR_MEMBERS = "The page you asked for is for approved members of the programme. Sign in to read it."


def test_the_sign_in_page_says_a_member_only_page_is_for_members(client, notes):
    """Sent to sign in on the way to a member-only page, the reader is told why, not that no account is needed."""
    response = client.get(notes["members"].url, follow=True)
    html = response.content.decode()
    assert FOR_MEMBERS in html
    assert "You do not need an account" not in html
    assert "once yours is approved you can read pages for members" in html
    assert re.search(r'href="/accounts/signup/[^"]*">create an account</a>', html)


@pytest.mark.parametrize(
    "next_url",
    ["open", "signed_in", "/search/?q=falls", "https://elsewhere.example/learning/", None],
    ids=["open page", "any signed-in reader's page", "search", "another site", "no next"],
)
def test_the_sign_in_page_says_most_pages_need_no_account_on_the_way_to_anything_else(client, notes, next_url):
    next_url = notes[next_url].url if next_url in notes else next_url
    html = client.get("/accounts/login/", {"next": next_url} if next_url else {}).content.decode()
    assert FOR_MEMBERS not in html
    assert "You do not need an account to read most of this site" in html


def test_a_page_below_a_member_only_page_is_for_members_too(client, learning_index, notes):
    restrict_to_members(learning_index)
    html = client.get("/accounts/login/", {"next": notes["open"].url}).content.decode()
    assert FOR_MEMBERS in html


def test_a_member_only_page_opens_for_members_moderators_and_admins_only(client, notes):
    url = notes["members"].url
    client.force_login(PendingMemberFactory())
    assert client.get(url).status_code == 302
    for make_user in (MemberFactory, ModeratorFactory, admin):
        client.force_login(make_user())
        response = client.get(url)
        assert response.status_code == 200
        assert f"<h1>{MEMBERS}</h1>" in response.content.decode()


def test_a_member_only_section_hides_every_page_below_it(client, learning_index, home):
    restrict_to_members(learning_index)
    note(learning_index, "Below the restricted listing")
    assert KnowledgePage.objects.visible_to(None).count() == 0
    client.force_login(MemberFactory())
    response = client.get("/settings/care-homes/")
    assert card_titles(response) == ["Below the restricted listing"]
    assert LABEL in response.content.decode()


def test_a_members_listing_costs_the_same_for_few_and_many_member_only_pages(client, learning_index, navigation):
    client.force_login(MemberFactory())

    def add(count):
        for _ in range(count):
            number = KnowledgePage.objects.count()
            restrict_to_members(note(learning_index, f"Member-only note {number}"))
            note(learning_index, f"Open note {number}")

    def counts():
        return [count_queries(client, url) for url in ("/learning/", "/settings/care-homes/", "/")]

    add(3)
    counts()
    bump_generation()  # as publishing does: counts and topics are found afresh
    first_of_few, few = counts(), counts()
    add(27)
    first_of_many, many = counts(), counts()
    assert first_of_few == first_of_many
    assert few == many
