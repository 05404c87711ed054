"""No input to a public form or query parameter makes the site fail with a 500.

Hypothesis generates what people and robots really send: empty strings,
numbers as strings, markup and quotes, control characters, any unicode a
browser can encode, very long strings and repeated parameters. Each test
builds its pages once, then drives Django's test client with the generated
values. A 4xx is a fine answer to bad input (400, 404, 429); a 5xx is a bug.
Wherever a page shows what it was sent, a probe tag in the input must come
back escaped.

The tests are derandomized and keep no example database, so CI runs the same
examples every time; ``max_examples`` is kept small so the file stays quick.
Each test is one pytest test holding one Hypothesis test, so the pages are
built once per test rather than once per example.
"""

import uuid

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.comments.factories import CommentFactory
from portal.members.digests import unsubscribe_token
from portal.members.factories import MemberFactory
from portal.roadmap.factories import MeasureFactory, MilestoneFactory, RoadmapPageFactory, WorkstreamFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import SafetyDomain, Setting
from portal.updates.factories import UpdatePageFactory
from tests.learning.conftest import learning_note_data, peer_visit_data

pytestmark = pytest.mark.django_db

EXAMPLES = 20

PROBE = "<b data-probe>"

fuzz = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Any character a browser can send: no surrogates, which cannot be encoded.
characters = st.characters(exclude_categories=("Cs",))

text = st.one_of(
    st.just(""),
    st.text(characters, max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "care-homes",
            "past-harm",
            "falls",
            "newest",
            "0",
            "-1",
            "1e9",
            "99999999999999999999999",
            "' OR 1=1 --",
            '"><script>alert(1)</script>',
            "{{ 7*7 }} {% debug %}",
            "javascript:alert(1)",
            "\x00",
            "\r\n\t\x0b\x0c\x1b",
            "%00%ff",
            "2026-02-30",
        ]
    ),
    st.text(characters, max_size=20).map(lambda s: PROBE + s),
    st.text(characters, min_size=1, max_size=10).map(lambda s: s * 1000),
)

# A parameter may be missing, sent once, or sent several times.
value = st.one_of(text, st.lists(text, min_size=2, max_size=3))


def query(*names):
    return st.dictionaries(st.sampled_from(names), value, max_size=len(names))


def form(*names):
    """Generated values for some of a form's fields; the rest keep their valid values."""
    return st.dictionaries(st.sampled_from(names), value, max_size=len(names))


def assert_no_server_error(response, sent):
    assert response.status_code < 500, f"{response.status_code} for {sent!r}"
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert PROBE not in html, f"the page shows {PROBE!r} unescaped for {sent!r}"


def knowledge_pages(case_study_index, learning_index, peer_visit_index, update_index):
    care_homes = Setting.objects.get(slug="care-homes")
    past_harm = SafetyDomain.objects.get(slug="past-harm")
    pages = [
        CaseStudyPageFactory(parent=case_study_index, settings=[care_homes], safety_domains=[past_harm]),
        LearningNotePageFactory(parent=learning_index, settings=[care_homes], safety_domains=[past_harm]),
        PeerVisitReportPageFactory(parent=peer_visit_index, settings=[care_homes]),
        UpdatePageFactory(parent=update_index),
    ]
    for page in pages:
        page.tags.add("falls")
        page.save_revision().publish()
    return pages


@pytest.fixture
def site(home, navigation, case_study_index, learning_index, peer_visit_index, update_index):
    return knowledge_pages(case_study_index, learning_index, peer_visit_index, update_index)


# Reading: listings, browse pages, search ------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/learning/", "/case-studies/", "/peer-visits/", "/updates/"])
def test_listings_never_fail(client, site, path):
    @fuzz
    @given(params=query("setting", "domain", "tag", "page"))
    def check(params):
        assert_no_server_error(client.get(path, params), params)

    check()


@pytest.mark.parametrize("path", ["/settings/care-homes/", "/domains/past-harm/"])
def test_browse_pages_never_fail(client, site, path):
    @fuzz
    @given(params=query("page"))
    def check(params):
        assert_no_server_error(client.get(path, params), params)

    check()


def test_search_never_fails(client, site):
    @fuzz
    @given(params=query("q", "setting", "domain", "type", "tag", "year", "sort", "page", "exact"))
    def check(params):
        assert_no_server_error(client.get("/search/", params), params)

    check()


def test_search_suggestions_never_fail(client, site):
    @fuzz
    @given(params=query("q"))
    def check(params):
        assert_no_server_error(client.get("/search/suggest/", params), params)

    check()


# The roadmap and its API ----------------------------------------------------------------


@pytest.fixture
def roadmap(home):
    page = RoadmapPageFactory(parent=home)
    workstream = WorkstreamFactory(settings=[Setting.objects.get(slug="care-homes")])
    MilestoneFactory(workstream=workstream)
    MeasureFactory(slug="falls-per-1000-bed-days")
    return page


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/roadmap/milestones/", ("workstream", "setting", "domain", "status")),
        ("/roadmap/measures/falls-per-1000-bed-days/", ("baseline",)),
        ("/roadmap/dashboard/", ("setting", "domain")),
        ("/api/v2/workstreams/", ("setting", "domain", "limit", "offset", "order", "fields")),
        ("/api/v2/milestones/", ("workstream", "setting", "domain", "status", "limit", "offset", "fields")),
        ("/api/v2/measures/", ("setting", "domain", "workstream", "limit", "offset", "fields")),
        ("/api/v2/change-ideas/", ("workstream", "setting", "domain", "limit", "offset", "fields")),
    ],
)
def test_roadmap_never_fails(client, roadmap, path, names):
    @fuzz
    @given(params=query(*names))
    def check(params):
        assert_no_server_error(client.get(path, params), params)

    check()


# Member forms, signed in as an approved member ------------------------------------------


@pytest.fixture
def member_client(client, learning_index, peer_visit_index, monkeypatch):
    # Every example may post; lift the daily limit so the forms, not the limit, answer.
    monkeypatch.setattr("learning.moderation.POSTS_PER_DAY", 10**6)
    client.force_login(MemberFactory())
    return client


def test_learning_note_form_never_fails(member_client):
    names = tuple(learning_note_data())

    @fuzz
    @given(fields=form(*names, "organisation", "photo_1_alt", "photo_1_caption", "photo_1_held", "photo_1_remove"))
    def check(fields):
        data = learning_note_data(**fields)
        assert_no_server_error(member_client.post("/share/learning-note/", data), fields)

    check()


def test_peer_visit_form_never_fails(member_client):
    host, visitor = OrganisationFactory(), OrganisationFactory()
    names = tuple(peer_visit_data(host, visitor))

    @fuzz
    @given(fields=form(*names))
    def check(fields):
        data = peer_visit_data(host, visitor, **fields)
        assert_no_server_error(member_client.post("/share/peer-visit/", data), fields)

    check()


def test_comment_forms_never_fail(member_client, learning_index):
    note = LearningNotePageFactory(parent=learning_index)
    comment = CommentFactory(page=note, author=MemberFactory())

    @fuzz
    @given(body=value, reason=value, page_id=st.sampled_from([note.pk, 0, 999_999]))
    def check(body, reason, page_id):
        cache.clear()
        assert_no_server_error(member_client.post(f"/comments/{page_id}/add/", {"body": body}), body)
        assert_no_server_error(member_client.post(f"/comments/{comment.pk}/report/", {"reason": reason}), reason)

    check()


def test_profile_form_never_fails(member_client):
    @fuzz
    @given(fields=form("first_name", "last_name", "role", "followed_settings", "followed_domains", "wants_digest"))
    def check(fields):
        assert_no_server_error(member_client.post("/members/profile/", fields), fields)

    check()


# Anonymous forms ------------------------------------------------------------------------


def signup_data(**overrides):
    data = {
        "first_name": "Tomasz",
        "last_name": "Nowak",
        "email": f"{uuid.uuid4().hex}@example.org",
        "password1": "a long enough passphrase 42",
        "password2": "a long enough passphrase 42",
        "organisation": "",
        "requested_organisation": "Brookfield House Care Home",
        "role": "Senior carer",
    }
    data.update(overrides)
    return data


def test_signup_form_never_fails(client, home):
    OrganisationFactory()

    @fuzz
    @given(fields=form(*signup_data()))
    def check(fields):
        cache.clear()
        client.logout()
        assert_no_server_error(client.post("/accounts/signup/", signup_data(**fields)), fields)

    check()


def test_login_and_password_reset_never_fail(client, home):
    MemberFactory(user__email="grace@example.org")

    @fuzz
    @given(login=value, password=value, remember=value, email=value)
    def check(login, password, remember, email):
        cache.clear()
        sent = {"login": login, "password": password, "remember": remember}
        assert_no_server_error(client.post("/accounts/login/", sent), sent)
        client.logout()
        assert_no_server_error(client.post("/accounts/password/reset/", {"email": email}), email)

    check()


def test_digest_unsubscribe_never_fails(client, home):
    real = unsubscribe_token(MemberFactory())
    tokens = st.one_of(
        st.text(characters.filter(lambda c: c not in "/?#"), min_size=1, max_size=200),
        st.text(characters, max_size=20).map(lambda s: real + s),
        st.just(real[:-1]),
        st.just(real),
    )

    @fuzz
    @given(token=tokens, method=st.sampled_from(["get", "post"]))
    def check(token, method):
        response = getattr(client, method)(f"/digests/unsubscribe/{token}/")
        assert_no_server_error(response, token)

    check()


def test_the_fuzz_data_is_not_trivial():
    """The strategies reach markup, control characters and long strings (guards against a silent narrowing)."""
    seen = []

    @hypothesis_settings(max_examples=200, derandomize=True, database=None, deadline=None)
    @given(text)
    def collect(sample):
        seen.append(sample)

    collect()
    assert any(PROBE in s for s in seen)
    assert any(len(s) >= 1000 for s in seen)
    assert "" in seen
    assert any(any(ord(c) < 32 for c in s) for s in seen)
