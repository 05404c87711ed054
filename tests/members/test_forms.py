"""Creating an account: what a person sees when they get it right, and when they do not."""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache

from portal.members.factories import MemberFactory
from portal.members.models import MemberProfile
from portal.taxonomy.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


@pytest.fixture
def kersal(db):
    return OrganisationFactory(name="Kersal Brook Care Home")


def signup_data(listed, **changes):
    data = {
        "first_name": "Amina",
        "last_name": "Begum",
        "email": "amina.begum@example.org",
        "password1": "a-kettle-on-the-hob",
        "password2": "a-kettle-on-the-hob",
        "organisation": str(listed.pk),
        "requested_organisation": "",
        "role": "Deputy manager",
    }
    data.update(changes)
    return data


def page_text(response):
    return html.unescape(response.content.decode())


def test_signing_up_creates_a_pending_member_and_emails_a_confirmation_link(client, kersal):
    response = client.post(SIGNUP, signup_data(kersal))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get(email="amina.begum@example.org")
    assert (user.first_name, user.last_name) == ("Amina", "Begum")
    assert user.username  # made up by allauth, never typed
    profile = user.member_profile
    assert profile.status == MemberProfile.Status.PENDING
    assert profile.organisation == kersal and profile.requested_organisation == ""
    assert profile.role == "Deputy manager"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina.begum@example.org"]
    assert mail.outbox[0].subject == "Safety Learning Portal: Confirm your email address"
    assert "/accounts/confirm-email/" in mail.outbox[0].body

    confirmation_page = page_text(client.get(response["Location"]))
    assert "Confirm your email address" in confirmation_page
    assert "the programme team will check your details" in confirmation_page


def test_the_organisation_list_is_in_name_order_with_not_listed_at_the_end(client, db):
    OrganisationFactory(name="Walkden Grange Nursing Home")
    OrganisationFactory(name="Cadishead Lodge Care Home")
    text = page_text(client.get(SIGNUP))
    options = [text.index(f">{label}</option>") for label in ("Choose your organisation", "Cadishead Lodge Care Home")]
    options += [
        text.index(f">{label}</option>") for label in ("Walkden Grange Nursing Home", "My organisation is not listed")
    ]
    assert options == sorted(options)


def test_someone_whose_organisation_is_not_listed_types_its_name(client, kersal):
    client.post(
        SIGNUP,
        signup_data(kersal, organisation="not-listed", requested_organisation="  Brookfield   House Care Home "),
    )
    profile = MemberProfile.objects.get(user__email="amina.begum@example.org")
    assert profile.organisation is None
    assert profile.requested_organisation == "Brookfield House Care Home"


def assert_error_next_to(response, field, message):
    """The message is in the error summary, linked to the field, and in the field's own group."""
    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert f'href="#id_{field}">{message}' in text
    group = text[: text.index(f'id="id_{field}"', text.index("<form"))]
    group = group[group.rindex('<div class="nhsuk-form-group') :]
    assert "nhsuk-form-group--error" in group
    assert f'<span class="nhsuk-error-message" id="id_{field}_error">' in group
    assert message in group
    assert text.startswith("<!DOCTYPE html>") and "<title>Error: Create an account" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter your first name"),
        ({"role": ""}, "role", "Enter your role"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"password2": "something-else-entirely"}, "password2", "You must type the same password each time."),
        ({"password1": "short", "password2": "short"}, "password1", "This password is too short."),
        ({"organisation": ""}, "organisation", "Choose your organisation"),
        ({"organisation": "not-listed"}, "requested_organisation", "Type the name of your organisation"),
        (
            {"requested_organisation": "Brookfield House"},
            "requested_organisation",
            "You chose an organisation from the list. Leave this box empty",
        ),
    ],
)
def test_each_mistake_is_shown_next_to_its_field_and_nothing_typed_is_lost(client, kersal, changes, field, message):
    data = signup_data(kersal, **changes)
    response = client.post(SIGNUP, data)

    assert_error_next_to(response, field, message)
    assert not get_user_model().objects.filter(email="amina.begum@example.org").exists()
    text = page_text(response)
    for name in ("first_name", "last_name", "email", "role", "requested_organisation"):
        if data[name]:
            assert re.search(rf'<input type="\w+" name="{name}" value="{re.escape(data[name])}"', text), name
    if data["organisation"]:
        assert f'<option value="{data["organisation"]}" selected>' in text


def test_an_email_address_already_in_use_makes_no_second_account(client, kersal):
    client.post(SIGNUP, signup_data(kersal))
    mail.outbox.clear()
    cache.clear()  # allauth sends one email per address every few minutes at most
    response = client.post(SIGNUP, signup_data(kersal, first_name="Someone", last_name="Else"))

    assert get_user_model().objects.filter(email="amina.begum@example.org").count() == 1
    # allauth does not say on the page that the address is taken (that would
    # tell a stranger who has an account); it emails the owner instead.
    assert response["Location"] == "/accounts/confirm-email/"
    assert "You already have an account" in mail.outbox[0].subject


def test_names_with_markup_are_stored_as_typed_and_shown_inert(client, kersal):
    response = client.post(SIGNUP, signup_data(kersal, first_name="<script>alert(1)</script>", role=""))
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_forgotten_password_is_reset_through_the_emailed_link(client):
    member = MemberFactory()
    page = page_text(client.get("/accounts/password/reset/"))
    assert "Reset your password" in page and 'for="id_email">Email address</label>' in page

    response = client.post("/accounts/password/reset/", {"email": member.email}, follow=True)
    assert "Check your email" in page_text(response)
    [email] = mail.outbox
    assert email.to == [member.email] and email.subject == "Safety Learning Portal: Reset your password"
    link = re.search(r"http://127.0.0.1:8000(/accounts/password/reset/key/\S+)", email.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in page_text(form_page)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    mismatch = client.post(action, {"password1": "a-brand-new-secret", "password2": "something-else"})
    assert 'href="#id_password2">You must type the same password each time.' in page_text(mismatch)
    done = client.post(action, {"password1": "a-brand-new-secret", "password2": "a-brand-new-secret"}, follow=True)
    assert "Your password has been changed" in page_text(done)

    client.post("/accounts/login/", {"login": member.email, "password": "a-brand-new-secret"})
    assert "_auth_user_id" in client.session


def test_changing_a_password_asks_for_the_current_one(client):
    member = MemberFactory()
    client.force_login(member)
    page = page_text(client.get("/accounts/password/change/"))
    assert 'for="id_oldpassword">Current password</label>' in page
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "a-brand-new-secret", "password2": "a-brand-new-secret"},
    )
    assert 'href="#id_oldpassword">' in page_text(response)
    member.refresh_from_db()
    assert not member.check_password("a-brand-new-secret")


def test_an_empty_sign_up_form_names_each_missing_field_in_the_error_summary(client, kersal):
    response = client.post(SIGNUP, {})
    page = response.content.decode()
    assert "<title>Error: Create an account" in page
    assert "This field is required." not in page
    assert 'data-module="nhsuk-error-summary"' in page
    for target, message in [
        ("id_first_name", "Enter your first name"),
        ("id_last_name", "Enter your last name"),
        ("id_email", "Enter your email address"),
        ("id_password1", "Create a password"),
        ("id_password2", "Type your password again"),
        ("id_organisation", "Choose your organisation"),
        ("id_role", "Enter your role"),
    ]:
        assert f'<li><a href="#{target}">{message}</a></li>' in page
        assert f'<span class="nhsuk-u-visually-hidden">Error:</span> {message}</span>' in page


def test_an_empty_sign_in_form_names_each_missing_field(client):
    cache.clear()
    page = client.post("/accounts/login/", {}).content.decode()
    assert "<title>Error: " in page
    assert "This field is required." not in page
    assert '<li><a href="#id_login">Enter your email address</a></li>' in page
    assert '<li><a href="#id_password">Enter your password</a></li>' in page


def test_opening_a_confirmation_link_a_second_time_says_you_may_already_be_confirmed(client, kersal):
    """People tap an email's link twice; the second visit used to read as a failure."""
    client.post(SIGNUP, signup_data(kersal))
    link = re.search(r"http\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(email="amina.begum@example.org").verified

    again = page_text(client.get(link))
    assert "If you have already confirmed your address, you are all set" in again
    assert "expired or is not valid" not in again
