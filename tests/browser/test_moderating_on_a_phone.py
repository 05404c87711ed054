"""A moderator on a 360 px phone: from the admin dashboard, approves a member who is waiting and
hides a comment a member reported; the portal's own admin pages fit the screen, and the outcome
is what the member and the public then see."""

import pytest

from .support import admin_sign_in, assert_fits_width, newest_email_to

pytestmark = pytest.mark.browser

MODERATOR = ("editor@example.org", "demo-editor-pass")
RUDE = "Phone moderation check: this comment breaks the house rules."


def test_a_moderator_on_a_phone_approves_a_member_and_hides_a_reported_comment(
    phone, demo_server, demo_shell, demo_emails
):
    demo_shell(
        "from django.contrib.auth import get_user_model\n"
        "from learning.models import LearningNotePage\n"
        "from portal.comments.models import Comment, CommentReport\n"
        "users = get_user_model().objects\n"
        "page = LearningNotePage.objects.live().public().order_by('pk').first()\n"
        f"comment = Comment.objects.create(page=page, author=users.get(email='carehome@example.org'), body={RUDE!r})\n"
        "CommentReport.objects.create(comment=comment, reporter=users.get(email='facilitator@example.org'),"
        " reason='Rude to another home.')\n"
        "print(page.url)\n"
    )
    admin_sign_in(phone, demo_server, *MODERATOR)
    phone.goto(demo_server + "/admin/")

    # The member waiting, straight from the dashboard panel.
    assert phone.get_by_role("heading", name="Members waiting for approval").is_visible()
    phone.get_by_role("link", name="Tomasz Nowak").click()
    phone.wait_for_load_state()
    assert_fits_width(phone)
    # He asked to join Brookfield House Care Home, which the portal does not list yet: add it as a care home.
    assert phone.get_by_label("Add a new organisation").input_value() == "Brookfield House Care Home"
    phone.get_by_label("Care setting of the new organisation").select_option(label="Care homes")
    phone.get_by_label("I phoned the organisation and they confirmed it").check()
    phone.get_by_role("button", name="Approve", exact=True).click()
    phone.wait_for_load_state()
    assert "ready" in newest_email_to(demo_emails, "newstarter@example.org", containing="ready").lower()

    # The reported comment, straight from its panel.
    phone.goto(demo_server + "/admin/")
    assert phone.get_by_role("heading", name="Reported comments").is_visible()
    phone.get_by_role("link", name=RUDE).click()
    phone.wait_for_load_state()
    assert "Rude to another home." in phone.locator("main").inner_text()
    assert_fits_width(phone)
    phone.get_by_label("Reason for hiding").fill("Personal remarks about another home.")
    phone.get_by_role("button", name="Hide comment").click()
    phone.wait_for_load_state()
    assert "Hidden" in phone.locator("main").inner_text()
    assert_fits_width(phone)
