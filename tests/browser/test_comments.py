"""Comments and the digest unsubscribe page in Debian's Chromium, against the demo site.

A member signs in on a phone, makes a mistake, posts a comment and reports
another; every page they pass through is checked with axe-core, at 360 px,
and by the Nu HTML Checker. The demo's approved member, Grace Okafor
(``carehome``), signs in with her email address as members do.
"""

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from .conftest import PROJECT_ROOT, _pg_urls
from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html, fetch

pytestmark = pytest.mark.browser

MEMBER = ("carehome@example.org", "demo-carehome-pass")


def first_learning_note(base_url):
    match = re.search(r'class="nhsuk-card__link" href="([^"]+)"', fetch(base_url + "/learning/"))
    assert match, "no learning notes in the demo"
    return match.group(1)


def check_page(page, documents, label=None):
    """axe and the 360 px check now; the HTML kept for one validator run at the end.

    A page reached by GET is validated from its source, fetched again with the
    browser's cookies; a page that answers a POST (an error, a confirmation)
    cannot be fetched again, so its DOM is validated instead.
    """
    assert_no_axe_violations(page)
    assert_fits_width(page)
    if label is None:
        documents[page.url] = page.request.get(page.url).text()
    else:
        documents[label] = page.content()


def sign_in_from(page, link_name):
    page.get_by_role("link", name=link_name).click()
    page.wait_for_url("**/accounts/login/**")
    page.locator("input[name=login]").fill(MEMBER[0])
    page.locator("input[name=password]").fill(MEMBER[1])
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()


def test_a_member_comments_on_a_phone_and_reports_a_comment(phone, demo_server):
    documents = {}
    note = first_learning_note(demo_server)
    phone.goto(demo_server + note)
    comments = phone.locator("#comments")
    assert "Sign in to comment" in comments.inner_text()
    check_page(phone, documents)

    sign_in_from(phone, "Sign in to comment")
    phone.wait_for_url(re.compile(re.escape(note) + r"#comments$"))
    box = phone.get_by_label("Your comment")

    # Nothing typed: the message appears next to the box, on a page of its own.
    phone.get_by_role("button", name="Post comment").click()
    phone.wait_for_url("**/comments/*/add/")
    assert phone.locator(".nhsuk-error-summary").get_by_role("link", name="Enter your comment").is_visible()
    assert "Enter your comment" in phone.locator("#id_body_error").inner_text()
    check_page(phone, documents, "the comment form with an error")

    typed = "We tried this on our night shift.\nThe teatime round made the biggest difference. <b>Thank you</b>"
    box.fill(typed)
    phone.get_by_role("button", name="Post comment").click()
    phone.wait_for_url(re.compile(re.escape(note) + r"#comment-\d+$"))
    assert "Your comment has been posted." in phone.locator(".nhsuk-notification-banner").inner_text()
    posted = phone.locator(".portal-comment").last
    assert posted.get_by_role("heading").inner_text() == "Grace Okafor, Kersal Brook Care Home"
    assert posted.locator(".nhsuk-card__description").inner_text() == typed
    check_page(phone, documents)

    # Another member's comment can be reported; ask the browser for the report page directly,
    # since the demo has only the one commenter.
    comment_id = posted.get_attribute("id").removeprefix("comment-")
    phone.goto(f"{demo_server}/comments/{comment_id}/report/")
    assert phone.locator("h1").inner_text() == "Report a comment"
    check_page(phone, documents)
    phone.get_by_label("What is wrong with this comment? (optional)").fill("Testing the report form.")
    phone.get_by_role("button", name="Report this comment").click()
    expect(phone.locator("main")).to_contain_text("Thank you, the programme team will look at this comment")
    check_page(phone, documents, "the report confirmation")

    assert_valid_html(documents)


def test_a_comment_with_a_long_url_and_address_fits_a_phone(phone, demo_server):
    """A 300-character URL, a long email address and an unbroken word wrap inside the comment at 360 px."""
    note = first_learning_note(demo_server)
    phone.goto(demo_server + note)
    sign_in_from(phone, "Sign in to comment")
    phone.wait_for_url(re.compile(re.escape(note) + r"#comments$"))
    long_url = "https://example.org/" + "falls-prevention-" * 16 + "x" * (300 - 20 - 17 * 16)
    assert len(long_url) == 300
    address = "night.shift.lead.kersal.brook.care.home@example.org"
    typed = f"See {long_url}\nWrite to {address}\n{'Pneumonoultramicroscopic' * 4}"
    phone.get_by_label("Your comment").fill(typed)
    phone.get_by_role("button", name="Post comment").click()
    phone.wait_for_url(re.compile(re.escape(note) + r"#comment-\d+$"))

    posted = phone.locator(".portal-comment").last
    assert posted.locator(".nhsuk-card__description").inner_text() == typed
    assert posted.bounding_box()["width"] <= 360
    assert_fits_width(phone)
    assert_no_axe_violations(phone)


def demo_database_url(demo_server, tmp_path_factory):
    """The demo server's database, found the way ``demo_server`` chose it.

    On SQLite it sits in the demo's temporary folder: the one whose server log
    names this server's address.
    """
    original = os.environ.get("DATABASE_URL", "")
    if original.startswith("postgres"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        return _pg_urls(original, f"_{worker}" if worker else "")[0]
    # pytest also links the newest folder as "democurrent": resolve to count each once.
    candidates = {db.resolve() for db in tmp_path_factory.getbasetemp().glob("demo*/demo.sqlite3")}
    found = [db for db in candidates if demo_server in (db.parent / "runserver.log").read_text(errors="replace")]
    assert len(found) == 1, f"cannot tell which demo database serves {demo_server}: {found}"
    return f"sqlite:///{found[0]}"


MAKE_DIGEST_READER = """
from django.contrib.auth import get_user_model
from portal.members.digests import unsubscribe_token
from portal.members.models import MemberProfile
user = get_user_model().objects.get(username="carehome")
MemberProfile.objects.filter(user=user).update(wants_digest=True)
print(unsubscribe_token(user))
"""


@pytest.fixture
def unsubscribe_path(demo_server, tmp_path_factory):
    """An unsubscribe link for the demo member, signed with the demo server's own key."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=demo_database_url(demo_server, tmp_path_factory),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", MAKE_DIGEST_READER],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return f"/digests/unsubscribe/{result.stdout.strip().splitlines()[-1]}/"


def test_the_unsubscribe_pages_pass_the_checks_on_a_phone(phone, demo_server, unsubscribe_path):
    documents = {}
    phone.goto(demo_server + unsubscribe_path)
    assert phone.locator("h1").inner_text() == "Stop getting email digests"
    check_page(phone, documents)

    phone.get_by_role("button", name="Stop my email digests").click()
    expect(phone.locator("main")).to_contain_text("You will not get digests any more.")
    check_page(phone, documents, "the unsubscribe confirmation")

    broken = demo_server + unsubscribe_path[:-6] + "xxxxx/"
    response = phone.goto(broken)
    assert response.status == 400
    assert phone.locator("h1").inner_text() == "This unsubscribe link does not work"
    check_page(phone, documents, "a broken unsubscribe link")

    assert_valid_html(documents)
