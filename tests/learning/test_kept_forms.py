"""A posting form sent after the session ended (signed out, or out and in again, in another tab) loses nothing.

The phone review: a half-written learning note sent after signing out in
another tab led to the sign-in page, then to an empty form; "This form has
expired" advised a reload that emptied it too. What was typed is now kept,
shown back to the person who typed it, marked as not saved, and never saved
or sent for them.
"""

import re
from urllib.parse import quote

import pytest
from django.test import Client

from learning import kept_forms
from learning.models import Contribution, LearningNotePage, PeerVisitReportPage
from portal.members.factories import PASSWORD, MemberFactory
from portal.taxonomy.factories import OrganisationFactory

from .conftest import learning_note_data, peer_visit_data, photo_bytes, upload

pytestmark = pytest.mark.django_db

SIGN_IN_SAYS_KEPT = "What you typed in the form has been kept, not saved."
NOT_SAVED = "<strong>not been saved yet</strong>"
STALE_TOKEN = "a" * 64


def main(response):
    html = response.content.decode()
    return html[html.index('<main class="nhsuk-main-wrapper"') : html.index("</main>")]


def open_form(client, url):
    """Open a form as a signed-in member does; return its address and what it carries."""
    response = client.get(url, follow=True)
    html = response.content.decode()
    fields = {"typed_by": "", **dict(re.findall(r'name="(token|typed_by)" value="([^"]*)"', html))}
    return response.request["PATH_INFO"] + (
        f"?{response.request['QUERY_STRING']}" if response.request["QUERY_STRING"] else ""
    ), fields


def sign_in(client, user, next_url):
    """Sign in through the sign-in form, as a person does, and return where it sends them."""
    response = client.post(
        f"/accounts/login/?next={quote(next_url)}", {"login": user.email, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def revision_in(html):
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


def textarea(html, name):
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    return match.group(1) if match else None


@pytest.mark.parametrize("action", ["draft", "submit"])
def test_a_note_sent_after_signing_out_elsewhere_waits_in_the_form_after_signing_in(client, member, indexes, action):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.logout()  # "Sign out" in tab B
    typed = learning_note_data(
        token=fields["token"],
        typed_by=fields["typed_by"],
        title="Night drinks & <falls>",
        what_we_tried="A drinks round at nine & a <jug> on each table.",
        action=action,
    )
    response = client.post(url, typed)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    sign_in_page = main(client.get(response["Location"]))
    assert SIGN_IN_SAYS_KEPT in sign_in_page
    assert "Sign in with the same account" in sign_in_page

    back_to = sign_in(client, member, url)
    assert back_to == url
    html = main(client.get(back_to))
    assert f"This learning note has {NOT_SAVED}" in html
    assert 'Check it, then select "Save as draft" or "Send for review".' in html
    assert html.index(NOT_SAVED) < html.index("<form")
    assert 'value="Night drinks &amp; &lt;falls&gt;"' in html
    assert textarea(html, "what_we_tried") == "A drinks round at nine &amp; a &lt;jug&gt; on each table."
    assert textarea(html, "what_we_learned") == "Thirst wakes people at night."
    assert 'value="hydration, falls"' in html
    assert f'name="token" value="{fields["token"]}"' in html
    assert "Photos you had chosen" not in html
    # Never saved or sent for her.
    assert not Contribution.objects.exists()
    assert not LearningNotePage.objects.exists()

    # Saving it, deliberately, saves it and forgets what was kept.
    marker = re.search(r'name="kept" value="([^"]+)"', html).group(1)
    response = client.post(back_to, {**typed, "kept": marker, "action": "draft"})
    assert response.status_code == 302
    assert LearningNotePage.objects.get().what_we_tried == "A drinks round at nine & a <jug> on each table."
    assert kept_forms.SESSION_KEY not in client.session
    contribution = Contribution.objects.get()
    assert NOT_SAVED not in main(client.get(f"/share/mine/{contribution.pk}/edit/"))


def test_a_peer_visit_report_sent_after_signing_out_is_kept_with_its_choices(client, member, indexes):
    host, visitor = OrganisationFactory(name="Kersal Brook"), OrganisationFactory(name="Swinton Lodge")
    client.force_login(member)
    url, fields = open_form(client, "/share/peer-visit/")
    client.logout()
    typed = peer_visit_data(host, visitor, token=fields["token"], typed_by=fields["typed_by"], action="draft")
    response = client.post(url, typed)
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    assert SIGN_IN_SAYS_KEPT in main(client.get(response["Location"]))

    html = main(client.get(sign_in(client, member, url)))
    assert f"This peer-visit report has {NOT_SAVED}" in html
    assert textarea(html, "what_works_well") == "Coloured cups."
    assert textarea(html, "agreed_actions") == "Share the timetable\nVisit again in May"
    assert f'<option value="{host.pk}" selected>Kersal Brook</option>' in html
    assert re.search(rf'name="visiting_organisations" type="checkbox" value="{visitor.pk}" checked', html)
    assert not Contribution.objects.exists()
    assert not PeerVisitReportPage.objects.exists()


def test_changes_to_a_draft_sent_after_signing_out_are_shown_back_not_saved(client, member, indexes):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.post(url, learning_note_data(token=fields["token"], typed_by=fields["typed_by"], action="draft"))
    contribution = Contribution.objects.get()
    edit_url = f"/share/mine/{contribution.pk}/edit/"
    _, fields = open_form(client, edit_url)
    opened_with = LearningNotePage.objects.get().latest_revision_id
    client.logout()

    changed = learning_note_data(
        token=fields["token"],
        typed_by=fields["typed_by"],
        revision=str(opened_with),
        what_we_learned="",
        settings=[],
        what_happened="Fewer falls after <midnight>.",
        action="submit",
    )
    response = client.post(edit_url, changed)
    assert response["Location"] == f"/accounts/login/?next={quote(edit_url)}"
    assert SIGN_IN_SAYS_KEPT in main(client.get(response["Location"]))

    html = main(client.get(sign_in(client, member, edit_url)))
    assert f"Your changes have {NOT_SAVED}" in html
    assert textarea(html, "what_happened") == "Fewer falls after &lt;midnight&gt;."
    # A box cleared and a choice unticked come back that way, not as the draft has them.
    assert textarea(html, "what_we_learned") == ""
    assert not re.search(r'name="settings" type="checkbox" value="\d+" checked', html)
    assert re.search(r'name="safety_domains" type="checkbox" value="\d+" checked', html)
    # Still checked against the draft as that tab had it, so a save made since is not undone.
    assert f'name="revision" value="{opened_with}"' in html
    # The saved draft is as it was, and still a draft.
    contribution.refresh_from_db()
    assert contribution.page.specific.get_latest_revision_as_object().what_happened == (
        "Residents drank more and slept better."
    )
    assert Contribution.objects.with_status().get().status == Contribution.Status.DRAFT


def test_photos_chosen_are_not_kept_and_the_form_says_to_choose_them_again(client, member, indexes):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.logout()
    typed = learning_note_data(
        token=fields["token"],
        typed_by=fields["typed_by"],
        photo_1=upload(photo_bytes()),
        photo_1_alt="A trolley with coloured cups",
        action="draft",
    )
    response = client.post(url, typed)
    assert "photo_1" not in str(client.session[kept_forms.SESSION_KEY])

    html = main(client.get(sign_in(client, member, url)))
    assert "Photos you had chosen could not be kept: choose them again below." in html
    assert "A trolley with coloured cups" not in html
    assert response.status_code == 302


def test_another_member_signing_in_on_the_same_browser_does_not_see_the_kept_text(client, member, indexes):
    """A shared care home computer: Grace's note must not open for the next person to sign in."""
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.logout()
    client.post(url, learning_note_data(token=fields["token"], typed_by=fields["typed_by"], what_we_tried="Grace's."))

    colleague = MemberFactory()
    back_to = sign_in(client, colleague, url)
    html = main(client.get(back_to, follow=True))
    assert "Grace&#x27;s." not in html and "Grace's." not in html
    assert NOT_SAVED not in html
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("typed_by", [None, "", "17:forged"])
def test_text_sent_without_a_genuine_typed_by_is_not_kept(client, member, indexes, typed_by):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.logout()
    data = learning_note_data(token=fields["token"])
    if typed_by is not None:
        data["typed_by"] = typed_by
    client.post(url, data)
    assert kept_forms.SESSION_KEY not in client.session
    assert SIGN_IN_SAYS_KEPT not in main(client.get(f"/accounts/login/?next={quote(url)}"))


def test_an_empty_form_sent_signed_out_is_not_said_to_be_kept(client, member, indexes):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.logout()
    client.post(url, {"token": fields["token"], "typed_by": fields["typed_by"], "title": "  ", "action": "draft"})
    assert SIGN_IN_SAYS_KEPT not in main(client.get(f"/accounts/login/?next={quote(url)}"))


def test_a_long_box_comes_back_whole(client, member, indexes):
    """A phone review: 15,010 characters came back as 10,000 after signing in, and saving lost the rest."""
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.logout()
    long_text = "y" * 15_000 + " END-MARKER"
    client.post(url, learning_note_data(token=fields["token"], typed_by=fields["typed_by"], what_we_tried=long_text))
    html = main(client.get(sign_in(client, member, url)))
    assert textarea(html, "what_we_tried") == long_text


def test_what_is_kept_is_cut_to_a_size_a_session_can_hold(client, member, indexes):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.logout()
    long_text = "x" * (kept_forms.MAX_CHARACTERS + 500)
    client.post(url, learning_note_data(token=fields["token"], typed_by=fields["typed_by"], what_we_tried=long_text))
    html = main(client.get(sign_in(client, member, url)))
    assert textarea(html, "what_we_tried") == "x" * kept_forms.MAX_CHARACTERS


# The form had expired (signed out and in again in another tab) ------------------


def test_a_note_sent_after_signing_out_and_in_elsewhere_is_kept_and_linked_from_the_expired_page(member, indexes):
    browser = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    browser.force_login(member)
    url, fields = open_form(browser, "/share/learning-note/")
    typed = learning_note_data(
        token=fields["token"],
        typed_by=fields["typed_by"],
        what_we_tried="Jugs & <cups>.",
        action="draft",
        csrfmiddlewaretoken=STALE_TOKEN,
    )
    response = browser.post(url, typed)
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in html
    assert "What you typed has been kept" in html
    assert f'href="{url.replace("&", "&amp;")}">the page you were on</a>' in html
    assert "reload it" not in html
    assert not Contribution.objects.exists()

    page = main(browser.get(url))
    assert f"This learning note has {NOT_SAVED}" in page
    assert textarea(page, "what_we_tried") == "Jugs &amp; &lt;cups&gt;."


def test_a_draft_whose_form_had_expired_is_kept_for_its_edit_page(member, indexes):
    browser = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    browser.force_login(member)
    url, fields = open_form(browser, "/share/learning-note/")
    token = browser.cookies["csrftoken"].value
    browser.post(
        url,
        learning_note_data(
            token=fields["token"], typed_by=fields["typed_by"], action="draft", csrfmiddlewaretoken=token
        ),
    )
    contribution = Contribution.objects.get()
    edit_url = f"/share/mine/{contribution.pk}/edit/"
    response = browser.post(
        edit_url,
        learning_note_data(
            token=fields["token"],
            typed_by=fields["typed_by"],
            what_happened="Changed on the ward.",
            csrfmiddlewaretoken=STALE_TOKEN,
        ),
    )
    assert response.status_code == 403
    assert f'href="{edit_url}">the page you were on</a>' in response.content.decode()
    page = main(browser.get(edit_url))
    assert f"Your changes have {NOT_SAVED}" in page
    assert textarea(page, "what_happened") == "Changed on the ward."
    assert LearningNotePage.objects.get().get_latest_revision_as_object().what_happened != "Changed on the ward."


def test_an_expired_form_typed_by_someone_else_is_not_kept_for_whoever_is_signed_in_now(member, indexes):
    """Grace's tab, after a colleague signed in on the same computer: the colleague must not get her note."""
    browser = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    browser.force_login(member)
    url, fields = open_form(browser, "/share/learning-note/")
    browser.force_login(MemberFactory())
    response = browser.post(
        url,
        learning_note_data(token=fields["token"], typed_by=fields["typed_by"], csrfmiddlewaretoken=STALE_TOKEN),
    )
    assert "What you typed has been kept" not in response.content.decode()
    assert kept_forms.SESSION_KEY not in browser.session
    assert "Night drinks round" not in browser.get(url, follow=True).content.decode()


def test_a_kept_change_to_a_draft_saved_since_in_another_tab_is_not_saved_over_it(client, member, indexes):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.post(url, learning_note_data(token=fields["token"], typed_by=fields["typed_by"], action="draft"))
    edit_url = f"/share/mine/{Contribution.objects.get().pk}/edit/"
    _, fields = open_form(client, edit_url)
    opened_with = str(LearningNotePage.objects.get().latest_revision_id)
    client.logout()
    kept = learning_note_data(token=fields["token"], typed_by=fields["typed_by"], revision=opened_with, title="Kept")
    client.post(edit_url, kept)
    sign_in(client, member, edit_url)
    client.post(
        edit_url, learning_note_data(token=fields["token"], revision=opened_with, title="Newer", action="draft")
    )

    # The other tab's save did not clear it: it never showed the kept text.
    html = main(client.get(edit_url))
    assert f"Your changes have {NOT_SAVED}" in html
    assert 'value="Kept"' in html
    marker = re.search(r'name="kept" value="([^"]+)"', html).group(1)
    response = client.post(edit_url, {**kept, "kept": marker, "action": "draft"})
    assert response.status_code == 409
    html = main(response)
    assert "in another tab or window" in html
    assert LearningNotePage.objects.get().get_latest_revision_as_object().title == "Newer"

    # Saving again from there, deliberately, saves it and clears what was kept.
    client.post(edit_url, {**kept, "kept": marker, "revision": revision_in(html), "action": "draft"})
    assert LearningNotePage.objects.get().get_latest_revision_as_object().title == "Kept"
    assert kept_forms.SESSION_KEY not in client.session
    assert NOT_SAVED not in main(client.get(edit_url))


def test_a_change_to_a_post_already_in_review_is_not_said_to_be_kept(client, member, indexes):
    client.force_login(member)
    url, fields = open_form(client, "/share/learning-note/")
    client.post(url, learning_note_data(token=fields["token"], typed_by=fields["typed_by"], action="submit"))
    contribution = Contribution.objects.with_status().get()
    assert contribution.status == Contribution.Status.IN_REVIEW
    client.logout()
    edit_url = f"/share/mine/{contribution.pk}/edit/"
    response = client.post(edit_url, learning_note_data(token=fields["token"], typed_by=fields["typed_by"]))
    assert response["Location"] == f"/accounts/login/?next={quote(edit_url)}"
    assert kept_forms.SESSION_KEY not in client.session
    assert SIGN_IN_SAYS_KEPT not in main(client.get(response["Location"]))
