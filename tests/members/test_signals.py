"""The programme team hears about a new member once they have confirmed their email."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail

from portal.mail.models import OutboxEmail
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def confirm(client, address):
    key = EmailConfirmationHMAC(address).key
    return client.post(f"/accounts/confirm-email/{key}/")


@pytest.fixture
def moderators():
    away = ModeratorFactory(email="away@example.org", is_active=False)
    return ModeratorFactory(email="ravi@example.org"), ModeratorFactory(email="lena@example.org"), away


def unconfirmed_pending_member(**kwargs):
    user = PendingMemberFactory(user__verified_email=False, **kwargs)
    return user, EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)


def test_confirming_an_email_address_tells_every_active_moderator(
    client, moderators, django_capture_on_commit_callbacks
):
    MemberFactory(user__email="member@example.org")
    user, address = unconfirmed_pending_member(
        user__first_name="Tomasz",
        user__last_name="Nowak",
        organisation=None,
        requested_organisation="Brookfield House Care Home",
        role="Deputy manager",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, address)

    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified
    [email] = mail.outbox
    assert sorted(email.to) == ["lena@example.org", "ravi@example.org"]
    assert email.subject == "New member waiting for approval: Tomasz Nowak"
    assert "Organisation: Brookfield House Care Home (not in the list yet)" in email.body
    assert "Role: Deputy manager" in email.body
    assert f"http://127.0.0.1:8000/admin/members/review/{user.member_profile.pk}/" in email.body


def test_confirming_a_second_address_later_does_not_tell_them_again(client, moderators):
    user = PendingMemberFactory()
    second = EmailAddress.objects.create(user=user, email="other@example.org", verified=False)
    confirm(client, second)
    assert not mail.outbox and not OutboxEmail.objects.exists()


def test_people_without_a_member_profile_are_not_announced(client, moderators):
    user = UserFactory(verified_email=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    confirm(client, address)
    assert not mail.outbox and not OutboxEmail.objects.exists()
