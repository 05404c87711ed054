"""The comments section at the foot of a page: what a reader sees, and what it costs."""

import re

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.comments.factories import CommentFactory
from portal.comments.models import Comment
from portal.core.pagecache import bump_generation
from portal.members.factories import MemberFactory, ModeratorFactory, UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_comments_show_oldest_first_with_name_and_organisation_but_no_email(client, note, member):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    CommentFactory(page=note, author=member, body="Second, posted later.", created_at=now)
    CommentFactory(
        page=note,
        author=MemberFactory(user__first_name="Ines", user__last_name="Duarte", organisation__name="Brookside Surgery"),
        body="First, posted earlier.",
        created_at=now - timedelta(days=1),
    )
    html = client.get(note.url).content.decode()

    assert "Comments (2)" in html
    assert html.index("First, posted earlier.") < html.index("Second, posted later.")
    assert "Ines Duarte, Brookside Surgery" in html
    assert "Tomasz Nowak, Larchfield Care Home" in html
    assert "tomasz.nowak@example.org" not in html
    assert "@example.org" not in html


def test_a_member_with_a_requested_organisation_shows_that_name(client, note):
    writer = MemberFactory(
        user__first_name="Ola", user__last_name="Bakare", organisation=None, requested_organisation="Ivy Court Home"
    )
    CommentFactory(page=note, author=writer)
    assert "Ola Bakare, Ivy Court Home" in client.get(note.url).content.decode()


def test_an_author_without_a_profile_or_name_is_shown_without_either(client, note):
    admin = UserFactory(first_name="", last_name="", email="root@example.org", is_superuser=True)
    with pytest.raises(ObjectDoesNotExist):
        admin.member_profile  # noqa: B018 - the case under test: no profile at all
    CommentFactory(page=note, author=admin, body="From the programme team.")
    html = client.get(note.url).content.decode()
    assert re.search(r"A community member\s*<strong[^>]*>Programme team</strong></h3>", html)
    assert "root@example.org" not in html


def test_each_author_is_shown_with_their_organisation_or_as_the_programme_team(client, note, member):
    from portal.members.factories import ModeratorFactory

    CommentFactory(page=note, author=member, body="From a care home.")
    CommentFactory(page=note, author=ModeratorFactory(first_name="Priya", last_name="Marsh"), body="From the team.")
    no_organisation = MemberFactory(
        user__first_name="Ola", user__last_name="Bakare", organisation=None, requested_organisation=""
    )
    CommentFactory(page=note, author=no_organisation, body="From somewhere.")
    html = client.get(note.url).content.decode()
    headings = [" ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", html)]
    assert "Tomasz Nowak, Larchfield Care Home" in headings
    assert "Priya Marsh Programme team" in headings
    assert "Ola Bakare, organisation not known" in headings


def test_comment_text_is_escaped_with_line_breaks_kept(client, note, member):
    CommentFactory(
        page=note,
        author=member,
        body='<script>alert("x")</script>\n<img src=x onerror="alert(1)">\n<a href="javascript:alert(1)">link</a>',
    )
    html = client.get(note.url).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert '<a href="javascript:' not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>"
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<br>"
        "&lt;a href=&quot;javascript:alert(1)&quot;&gt;link&lt;/a&gt;"
    ) in html


def test_a_hostile_name_and_organisation_are_escaped(client, note):
    writer = MemberFactory(
        user__first_name="<b onmouseover=alert(1)>Eve", user__last_name="", organisation__name="<i>Evil</i> Ltd"
    )
    CommentFactory(page=note, author=writer)
    html = client.get(note.url).content.decode()
    assert "<b onmouseover" not in html and "<i>Evil</i>" not in html
    assert "&lt;b onmouseover=alert(1)&gt;Eve, &lt;i&gt;Evil&lt;/i&gt; Ltd" in html


def test_hidden_comments_are_not_shown(client, note, member):
    CommentFactory(page=note, author=member, body="Shown to all.")
    CommentFactory(page=note, author=member, body="Hidden by a moderator.", is_hidden=True)
    html = client.get(note.url).content.decode()
    assert "Shown to all." in html
    assert "Hidden by a moderator." not in html
    assert "Comments (1)" in html


def test_a_page_with_no_comments_says_so(client, note):
    assert "No comments yet." in client.get(note.url).content.decode()


def test_the_comment_form_shows_only_for_members(client, note, member):
    assert "<textarea" not in client.get(note.url).content.decode()
    client.force_login(member)
    html = client.get(note.url).content.decode()
    assert '<label class="nhsuk-label" for="id_body">Your comment</label>' in html
    assert f'action="/comments/{note.pk}/add/"' in html


def test_each_member_gets_the_same_blank_form_with_a_csrf_token_of_their_own(note, member):
    """The blank form's fields are drawn once and kept; its CSRF token and signed writer are each member's own."""
    from django.core import signing
    from django.test import Client

    from portal.core.typist import SIGNING_SALT

    forms = []
    for person in (member, MemberFactory(), member):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        html = client.get(note.url).content.decode()
        form = html[html.index(f'<form method="post" action="/comments/{note.pk}/add/"') :]
        form = form[: form.index("</form>")]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        writer = re.search(r'name="typed_by" value="([^"]+)"', form).group(1)
        assert signing.loads(writer, salt=SIGNING_SALT) == person.pk  # each member's own, never another's
        forms.append(form.replace(token, "").replace(writer, ""))
        response = client.post(
            f"/comments/{note.pk}/add/", {"body": "We tried this too.", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302, response.status_code
    assert '<textarea name="body"' in forms[0]
    assert forms[0] == forms[1] == forms[2]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_the_query_count_is_the_same_for_1_and_50_comments(client, note, member, signed_in):
    if signed_in:
        client.force_login(member)
    CommentFactory(page=note, author=MemberFactory())
    count_queries(client, note.url)  # warm the site and settings caches
    bump_generation()  # comments are content: related learning is found afresh after one
    with_one = count_queries(client, note.url)

    for _ in range(49):
        CommentFactory(page=note, author=MemberFactory())
    with_fifty = count_queries(client, note.url)
    html = client.get(note.url).content.decode()

    assert "Comments (50)" in html
    assert with_one == with_fifty
    assert (
        with_fifty <= 31
    )  # a member also costs one query for the profile behind the header's "Your organisation" link


def test_a_page_without_comments_reads_none_until_one_is_posted_hidden_or_restored(client, note, member):
    assert "No comments yet." in client.get(note.url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(note.url)
    assert not [query for query in queries.captured_queries if 'FROM "comments_comment"' in query["sql"]]

    comment = CommentFactory(page=note, author=member, body="We tried this on the dementia unit too.")
    html = client.get(note.url).content.decode()
    assert "Comments (1)" in html
    assert "We tried this on the dementia unit too." in html

    comment.hide(by=ModeratorFactory())
    html = client.get(note.url).content.decode()
    assert "No comments yet." in html
    assert "dementia unit" not in html

    comment.restore()
    assert "We tried this on the dementia unit too." in client.get(note.url).content.decode()


def test_a_renamed_author_shows_at_once_on_a_page_with_comments(client, note, member):
    """Names are not kept with the yes or no: a change of name is not a content change."""
    CommentFactory(page=note, author=member, body="Useful.")
    assert "Tomasz Nowak, Larchfield Care Home" in client.get(note.url).content.decode()
    member.first_name = "Tom"
    member.save()
    assert "Tom Nowak, Larchfield Care Home" in client.get(note.url).content.decode()


def _tokens(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_the_sign_out_button_and_the_comment_form_share_one_token_of_the_member_s_own(home, note, member):
    """One masked token per page for both forms (as Django gives every form within one template), which
    works for posting a comment and for signing out, and never for another member."""
    from django.test import Client

    reader = Client(enforce_csrf_checks=True)
    reader.force_login(member)
    html = reader.get(note.url).content.decode()
    tokens = _tokens(html)
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    assert tokens[0] != _tokens(reader.get(note.url).content.decode())[0]  # masked afresh for each response

    other = Client(enforce_csrf_checks=True)
    other.force_login(MemberFactory())
    other_tokens = _tokens(other.get(note.url).content.decode())
    assert other_tokens[0] == other_tokens[1] and other_tokens[0] not in html
    assert (
        other.post(f"/comments/{note.pk}/add/", {"body": "Taken.", "csrfmiddlewaretoken": tokens[0]}).status_code == 403
    )
    assert not Comment.objects.exists()

    assert (
        reader.post(f"/comments/{note.pk}/add/", {"body": "We tried it.", "csrfmiddlewaretoken": tokens[0]}).status_code
        == 302
    )
    assert reader.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert "_auth_user_id" not in reader.session


def test_the_kept_form_never_shows_one_member_s_draft_to_another_and_names_its_own_page(note, member, learning_index):
    """The blank form is kept per page until content changes; a member's kept draft is drawn afresh for them alone."""
    from django.test import Client

    from learning.factories import LearningNotePageFactory
    from portal.comments.views import DRAFT_SESSION_KEY

    other_note = LearningNotePageFactory(parent=learning_index, title="Falls huddles")
    writer = Client()
    writer.force_login(member)
    writer.get(note.url)
    session = writer.session
    session[DRAFT_SESSION_KEY] = {"page": note.pk, "body": "Our own words, not yet posted.", "typed_by": member.pk}
    session.save()
    assert "Our own words, not yet posted.</textarea>" in writer.get(note.url).content.decode()

    reader = Client()
    reader.force_login(MemberFactory())
    page = reader.get(note.url).content.decode()
    assert "Our own words" not in page
    assert f'<form method="post" action="/comments/{note.pk}/add/" novalidate>' in page
    assert '<textarea name="body" cols="40" rows="5" class="nhsuk-textarea nhsuk-js-character-count"' in page
    other_page = reader.get(other_note.url).content.decode()
    assert f'action="/comments/{other_note.pk}/add/"' in other_page and f"/comments/{note.pk}/add/" not in other_page
