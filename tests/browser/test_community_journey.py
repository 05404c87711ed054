"""The whole community journey in Chromium, as issue 4 describes it.

A care home manager signs up on a phone and confirms their email; a moderator
approves them in the Wagtail admin; the manager posts a learning note with a
photo; the moderator asks for changes; the manager edits and sends it again;
the moderator approves; the note is live and found by search; and another
member comments on it. Every link a person follows comes from the page or
from the email they were sent, as it would in real life.
"""

import io
import re
import time

import pytest
from PIL import Image

from .support import admin_sign_in, assert_no_axe_violations, newest_email_to

pytestmark = pytest.mark.browser

MODERATOR = ("editor@example.org", "demo-editor-pass")
OTHER_MEMBER = ("carehome@example.org", "demo-carehome-pass")
PASSWORD = "a-teapot-by-the-window"


def link_in(email, path_pattern, base):
    """A link from an email, on this test's server: the links' host comes from settings, the path from the page."""
    return base + re.search(r"https?://[^/\s]+(" + path_pattern + ")", email).group(1)


def sign_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def workflow_action(page, label, comment=""):
    """Use the admin's page footer: the action is a menu item, and actions with a comment open a dialog."""
    button = page.get_by_role("button", name=label, exact=True)
    if not button.is_visible():
        page.locator(".w-dropdown-button").get_by_role("button", name="More actions").click()
    button.click()
    if comment:
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Comment").fill(comment)
        dialog.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_a_manager_joins_posts_is_moderated_and_is_found(browser, demo_server, demo_emails, tmp_path):
    email = f"nadia.{int(time.time() * 1000)}@example.org"
    title = f"Hydration stations on every floor {int(time.time())}"
    manager = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    moderator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    neighbour = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()

    # 1. The manager signs up and confirms their email.
    manager.goto(demo_server + "/")
    manager.get_by_role("link", name="Create an account").click()
    manager.get_by_label("First name").fill("Nadia")
    manager.get_by_label("Last name").fill("Hassan")
    manager.get_by_label("Email address").fill(email)
    manager.get_by_label("Create a password").fill(PASSWORD)
    manager.get_by_label("Type your password again").fill(PASSWORD)
    manager.get_by_label("Organisation", exact=True).select_option(label="Kersal Brook Care Home")
    manager.get_by_label("Your role").fill("Deputy manager")
    manager.get_by_role("button", name="Create account").click()
    manager.wait_for_load_state()
    confirm = link_in(newest_email_to(demo_emails, email), r"/accounts/confirm-email/\S+/", demo_server)
    manager.goto(confirm)
    manager.get_by_role("button", name="Confirm").click()
    manager.wait_for_load_state()

    # 2. The programme team is told, and a moderator approves them from the link in that email.
    told = newest_email_to(demo_emails, "editor@example.org", containing="Nadia Hassan")
    review = link_in(told, r"/admin/members/\S+", demo_server)
    admin_sign_in(moderator, demo_server, *MODERATOR)
    moderator.goto(review)
    moderator.get_by_label("I phoned the organisation and they confirmed it").check()
    moderator.get_by_role("button", name="Approve", exact=True).click()
    moderator.wait_for_load_state()
    assert "approved" in newest_email_to(demo_emails, email, containing="approved").lower()

    # 3. The manager posts a learning note with a photo, from a phone.
    sign_in(manager, demo_server, email, PASSWORD)
    manager.get_by_role("link", name="Share learning").first.click()
    manager.get_by_role("link", name="Share learning").last.click()
    manager.wait_for_load_state()
    assert manager.locator("h1").inner_text() == "Share learning"
    manager.get_by_label("Title").fill(title)
    manager.get_by_label("Summary").fill("Jugs and cups on every landing, refilled each hour.")
    manager.get_by_label("What we tried").fill("A hydration station on each floor with a named person per shift.")
    manager.get_by_label("What happened").fill("Residents drank more; staff liked the clear ownership.")
    manager.get_by_label("What we learned").fill("Visible drinks get drunk.")
    manager.get_by_label("What we would advise").fill("Put the station where people already walk.")
    manager.get_by_label("Care homes").check()
    manager.get_by_label("Reliability").check()
    photo = tmp_path / "station.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 120, 160)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    manager.set_input_files("#id_photo_1", str(photo))
    manager.get_by_label("Describe photo 1").fill("A trolley of water jugs on a landing")
    manager.get_by_role("button", name="Send for review").click()
    manager.wait_for_load_state()
    assert "In review" in manager.locator("main").inner_text()

    # 4. The moderator asks for changes, from the admin link in their email.
    submitted = newest_email_to(demo_emails, "editor@example.org", containing=title)
    edit_link = link_in(submitted, r"/admin/pages/\d+/edit/", demo_server)
    moderator.goto(edit_link)
    workflow_action(moderator, "Request changes", comment="Please say how many floors you have.")
    asked = newest_email_to(demo_emails, email, containing="how many floors")
    assert title in asked

    # 5. The manager sees the comment, edits and sends it again.
    manager.goto(demo_server + "/share/mine/")
    mine = manager.locator("main").inner_text()
    assert "Changes requested" in mine and "Please say how many floors you have." in mine
    manager.get_by_role("link", name=re.compile(re.escape(title))).first.click()
    manager.wait_for_load_state()
    manager.get_by_label("What we tried").fill("A hydration station on each of our three floors.")
    manager.get_by_role("button", name="Send for review").click()
    manager.wait_for_load_state()
    assert "In review" in manager.locator("main").inner_text()

    # 6. The moderator approves; the page is live and the manager is told where.
    moderator.goto(edit_link)
    workflow_action(moderator, "Approve and Publish")
    published = newest_email_to(demo_emails, email, containing="published")
    live_url = link_in(published, r"/learning/\S+/", demo_server)
    manager.goto(live_url)
    assert manager.locator("h1").inner_text() == title
    assert "each of our three floors" in manager.locator("main").inner_text()
    assert manager.get_by_alt_text("A trolley of water jugs on a landing").is_visible()

    # 7. Anyone finds it by searching.
    neighbour.goto(demo_server + "/search/?q=hydration+stations")
    assert title in neighbour.locator("main").inner_text()

    # 8. Another member comments, and the comment shows with their name and organisation.
    sign_in(neighbour, demo_server, *OTHER_MEMBER)
    neighbour.goto(live_url)
    neighbour.get_by_label("Your comment").fill("We are trying this on our ground floor next month.")
    neighbour.get_by_role("button", name="Post comment").click()
    neighbour.wait_for_load_state()
    comment = neighbour.locator(".portal-comment").last
    assert comment.get_by_role("heading").inner_text() == "Grace Okafor, Kersal Brook Care Home"
    assert_no_axe_violations(neighbour)
    told_author = newest_email_to(demo_emails, email, containing="ground floor")
    assert title in told_author
    sign_out(manager)
