"""Hostile strings typed into every field people write, then shown in Chromium: nothing runs.

The demo member (Grace Okafor, ``carehome``) puts a payload from
``tests/hostile_corpus.py`` in her role, in every field of a learning note and
a peer-visit report, in a comment, a report of a comment and the search
box; someone signs up with hostile names. The demo editor publishes the two
posts in the admin, replies to the comment (members cannot report their own)
and opens the admin's member and comment lists. Then every page that shows any of
it is opened in Chromium, listening for dialogs: the test fails if one fires
(each payload calls ``alert`` with its own marker), if the DOM has an event
handler attribute, a ``javascript:`` link or a tag only the attacker writes,
or if a payload's markup appears unescaped in the page. The server-side
checks of the same text are in ``tests/test_hostile_input.py``.
"""

import re
import time

import pytest

from tests.hostile_corpus import CORPUS, MARKERS

from .support import admin_sign_in

pytestmark = pytest.mark.browser

MEMBER = ("carehome@example.org", "demo-carehome-pass")
EDITOR = ("editor@example.org", "demo-editor-pass")

# Every element attribute that could run script or navigate to it, read from the live DOM.
FIND_ACTIVE_CONTENT = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.trim().toLowerCase();
      if (name.startsWith('on')) found.push(`<${element.localName} ${name}>`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && value.replace(/[\\s\\u0000-\\u001f]/g, '').startsWith('javascript:')) {
        found.push(`<${element.localName} ${name}=${attribute.value}>`);
      }
    }
  }
  for (const tag of ['iframe', 'math', 'mglyph', 'mtext', 'animate', 'embed', 'object']) {
    if (document.querySelector(tag)) found.push(`<${tag}>`);
  }
  for (const script of document.querySelectorAll('script')) {
    if (script.textContent.includes('alert(')) found.push('<script> with alert(');
  }
  return found;
}"""


def payload(number, limit=None):
    text = CORPUS[number % len(CORPUS)]
    return text[:limit] if limit else text


def watch_dialogs(page, dialogs):
    def record(dialog):
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", record)


def assert_inert(page, where):
    """Nothing of the attacker's is active on the page now shown."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # let onload, onfocus and animation handlers fire, if any got in
    active = page.evaluate(FIND_ACTIVE_CONTENT)
    assert active == [], f"{where} ({page.url}) has active content: {active}"
    html = page.content()
    raw = [marker for marker in MARKERS if marker in html]
    assert raw == [], f"{where} ({page.url}) shows markup unescaped: {raw}"
    return html


def sign_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_load_state()


def publish_in_admin(page, base, titles):
    """As the demo editor, approve and publish each post sent for review.

    The only use of the Wagtail admin's sign-in and workflow screens: kept in
    one place, so that a second sign-in step (two-factor) changes only this.
    """
    admin_sign_in(page, base, EDITOR[0], EDITOR[1])
    for title in titles:
        page.goto(base + "/admin/pages/search/?q=" + re.sub(r"\W+", " ", title.split("|")[0]).strip())
        page.goto(base + edit_link_for(page, title))
        button = page.get_by_role("button", name="Approve and Publish", exact=True)
        if not button.is_visible():
            page.locator(".w-dropdown-button").get_by_role("button", name="More actions").click()
        button.click()
        page.wait_for_load_state()


def edit_link_for(page, title):
    link = page.locator("a[href*='/admin/pages/'][href$='/edit/']").filter(has_text=title.split("|")[0].strip())
    return link.first.get_attribute("href")


def fill_post(page, fields):
    for field, value in fields.items():
        page.locator(f"#id_{field}").fill(value)
    page.get_by_label("Care homes").check()
    page.get_by_label("Reliability").check()
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_load_state()


def test_no_hostile_string_runs_or_shows_raw_anywhere_it_is_shown(browser, demo_server):
    base = demo_server
    run = str(int(time.time()))
    dialogs = []
    member = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    editor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    stranger = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    for page in (member, editor, stranger):
        watch_dialogs(page, dialogs)

    # The member writes a hostile role, a learning note and a peer-visit report.
    sign_in(member, base, *MEMBER)
    member.goto(base + "/members/profile/")
    member.locator("#id_role").fill(payload(12, 120))
    member.locator("form").filter(has=member.locator("#id_role")).locator("button[type=submit]").first.click()
    member.wait_for_load_state()
    assert_inert(member, "the profile after saving a hostile role")

    note_title = f"Hostile note {run} | {payload(0, 150)}"
    member.goto(base + "/share/learning-note/")
    fill_post(
        member,
        {
            "title": note_title,
            "summary": payload(1),
            "date": "2026-03-01",
            "author_name": payload(2, 100),
            "what_we_tried": payload(3) + " " + payload(8),
            "what_happened": payload(len(CORPUS) - 1),
            "what_we_learned": payload(4) + " " + payload(9),
            "what_we_would_advise": payload(5) + " " + payload(10) + " " + payload(11),
            "topics": payload(13, 90),
        },
    )
    assert "In review" in member.locator("main").inner_text()

    visit_title = f"Hostile visit {run} | {payload(6, 150)}"
    member.goto(base + "/share/peer-visit/")
    member.locator("#id_host_organisation").select_option(index=1)
    fill_post(
        member,
        {
            "title": visit_title,
            "summary": payload(7),
            "date": "2026-03-02",
            "visitors": payload(14),
            "focus": payload(15, 200),
            "what_works_well": payload(16),
            "what_could_be_better": payload(17),
            "ideas_to_take_home": payload(18),
            "agreed_actions": "\n".join(payload(number, 200) for number in range(len(CORPUS) - 1)),
        },
    )
    assert "In review" in member.locator("main").inner_text()
    assert_inert(member, "My contributions")

    # Someone signs up with hostile names; the form is shown again after a mistake, then sent.
    stranger.goto(base + "/accounts/signup/")
    stranger.get_by_label("First name").fill(payload(1, 150))
    stranger.get_by_label("Last name").fill(payload(3, 150))
    stranger.get_by_label("Email address").fill(f"hostile.{run}@example.org")
    stranger.get_by_label("Create a password").fill("a-teapot-by-the-window")
    stranger.get_by_label("Type your password again").fill("a-different-teapot")
    stranger.get_by_label("Name of your organisation, if it is not listed").fill(payload(5, 200))
    stranger.get_by_label("Your role").fill(payload(13, 120))
    stranger.get_by_role("button", name="Create account").click()
    stranger.wait_for_load_state()
    assert_inert(stranger, "the sign-up form shown again with an error")
    stranger.get_by_label("Create a password").fill("a-teapot-by-the-window")
    stranger.get_by_label("Type your password again").fill("a-teapot-by-the-window")
    stranger.get_by_role("button", name="Create account").click()
    stranger.wait_for_load_state()
    assert_inert(stranger, "the page after signing up")

    # The editor publishes both posts and looks at the people and comments screens.
    publish_in_admin(editor, base, [note_title, visit_title])
    for path, where in [
        ("/admin/members/", "the admin's member list"),
        ("/admin/member_comments/", "the admin's comment list"),
    ]:
        editor.goto(base + path)
        assert_inert(editor, where)

    # The member comments on the published note with every payload, then reports her comment.
    member.goto(base + "/learning/")
    member.get_by_role("link", name=re.compile(re.escape(f"Hostile note {run}"))).first.click()
    member.wait_for_load_state()
    note_url = member.url
    member.get_by_label("Your comment").fill("\n".join(payload(number, 300) for number in range(len(CORPUS))))
    member.get_by_role("button", name="Post comment").click()
    member.wait_for_load_state()
    assert_inert(member, "the note with the hostile comment")
    # Members cannot report their own comments, so the editor (a moderator) replies and she reports that.
    editor.goto(note_url)
    editor.get_by_label("Your comment").fill(payload(6) + "\n" + payload(7))
    editor.get_by_role("button", name="Post comment").click()
    editor.wait_for_load_state()
    member.goto(note_url)
    member.locator(".portal-comment").last.get_by_role("link", name=re.compile("Report this comment")).click()
    member.wait_for_load_state()
    member.locator("textarea").first.fill(payload(2) + " " + payload(6))
    member.get_by_role("button", name="Report this comment").click()
    member.wait_for_load_state()
    assert_inert(member, "the page after reporting")

    # Every page that shows the text, to a member, to a visitor and to the editor.
    member.goto(base + "/peer-visits/")
    member.get_by_role("link", name=re.compile(re.escape(f"Hostile visit {run}"))).first.click()
    member.wait_for_load_state()
    visit_url = member.url
    shown = {
        "the published note": note_url,
        "the published peer-visit report": visit_url,
        "the learning listing": base + "/learning/",
        "the peer-visit listing": base + "/peer-visits/",
        "the home page": base + "/",
        "My contributions": base + "/share/mine/",
        "the profile": base + "/members/profile/",
        "search for the note": base + f"/search/?q=Hostile+note+{run}",
    }
    for where, url in shown.items():
        member.goto(url)
        assert_inert(member, where)
    for where in ("the published note", "the published peer-visit report", "the learning listing"):
        stranger.goto(shown[where])
        assert_inert(stranger, f"{where}, to a visitor")
    editor.goto(base + "/admin/member_comments/")
    assert_inert(editor, "the admin's comment list with the report")

    # The search box itself, with each payload typed in.
    for number in range(len(CORPUS) - 1):
        stranger.goto(base + "/search/")
        box = stranger.get_by_role("searchbox").first
        box.fill(payload(number))
        box.press("Enter")
        stranger.wait_for_load_state()
        assert_inert(stranger, f"search results for payload {number}")

    assert dialogs == []
    # The text got there, as text: the note's heading reads exactly what was typed.
    member.goto(note_url)
    assert member.locator("h1").inner_text() == note_title
    member.goto(shown["search for the note"])
    assert f"Hostile note {run}" in member.locator("main").inner_text()
