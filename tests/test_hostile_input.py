"""Hostile text in every field a member can write, shown everywhere it appears.

A member with a hostile name and role posts a learning note whose every text
field, topic and photo description is hostile, and comments on a page. Once
the programme team publish the note, each page that shows any of it (the
note, its preview, the listing, search, the feed, My contributions, the
profile, and the admin screens the programme team use to moderate) must
show the text as text: no tag, event handler or ``javascript:`` link of the
attacker's survives. (The browser-side check that no script runs is part of
the hardening work; this checks the HTML the server sends.)
"""

import io
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from learning.models import Contribution
from portal.comments.models import Comment
from portal.core.access import MODERATORS_GROUP
from portal.members.factories import MemberFactory, UserFactory
from tests.hostile_corpus import HOSTILE
from tests.learning.conftest import learning_note_data

pytestmark = pytest.mark.django_db


class TagCollector(HTMLParser):
    """Every real tag and attribute in a document, as a browser's parser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.script_text = [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def assert_inert(response, where):
    """No tag, event handler or javascript: link of the attacker's reached the document."""
    assert response.status_code == 200, where
    html = response.content.decode()
    parsed = TagCollector()
    parsed.feed(html)
    for tag, attrs in parsed.tags:
        # The site draws its own icons with <svg>; these tags only the attacker writes.
        assert tag not in {"iframe", "math", "mtext", "mglyph", "circle"}, f"{where} has a raw <{tag}>"
        assert (tag, dict(attrs).get("src")) != ("img", "x"), f"{where} has the attacker's <img>"
        for name, value in attrs:
            assert not name.startswith("on"), f"{where} has an event handler {name}={value!r} on <{tag}>"
            if name in {"href", "src", "action", "formaction"} and value:
                assert not value.strip().lower().startswith("javascript:"), f"{where}: {name}={value!r}"
    assert not any("alert(" in text for text in parsed.script_text), f"{where} runs the attacker's script"
    return html


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_as_text_everywhere(client, learning_index, text):
    member = MemberFactory(user__first_name=text[:150], user__last_name="Okafor", role=text[:120])
    client.force_login(member)
    fields = dict.fromkeys(
        ("title", "summary", "author_name", "what_we_tried", "what_happened", "what_we_learned"), text
    )
    data = learning_note_data(
        **fields,
        what_we_would_advise=text,
        topics="falls",
        photo_1=photo(),
        photo_1_alt=text,
        photo_1_caption=text,
        action="preview",
    )
    response = client.post("/share/learning-note/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    contribution = Contribution.objects.get(author=member)
    preview = assert_inert(client.get(response["Location"]), "the preview")
    assert "Preview" in preview
    assert_inert(client.get("/share/mine/"), "My contributions")
    assert_inert(client.get("/members/profile/"), "the profile")

    page = contribution.page.specific
    page.get_latest_revision().publish()
    page.refresh_from_db()
    Comment.objects.create(page=page, author=member, body=text)
    shown = assert_inert(client.get(page.url), "the published note")
    assert "alt=" in shown and "Okafor" in shown
    assert_inert(client.get("/learning/"), "the learning listing")
    assert_inert(client.get("/search/", {"q": "drinks"}), "search")
    assert_inert(client.get("/search/", {"q": text}), "search for the hostile text itself")
    assert_inert(client.get("/feeds/knowledge/rss/"), "the feed")

    moderator = UserFactory(is_staff=False)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    client.force_login(moderator)
    assert_inert(client.get(reverse("members_admin:index")), "the admin's member list")
    assert_inert(client.get(reverse("members_admin:review", args=[member.member_profile.pk])), "member review")
    assert_inert(client.get(reverse("member_comments:index")), "the admin's comment list")
