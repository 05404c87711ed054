"""Email digests: who gets one, which pages it lists, that a rerun sends nothing twice,
and the one-click unsubscribe link."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.core.access import MEMBERS_GROUP
from portal.members.digests import unsubscribe_token
from portal.members.factories import MemberFactory, PendingMemberFactory
from portal.members.models import MemberProfile
from portal.taxonomy.models import SafetyDomain, Setting
from portal.updates.factories import UpdatePageFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def digest_member(settings=(), domains=(), wants_digest=True, decided_days_ago=30, **kwargs):
    user = MemberFactory(wants_digest=wants_digest, decided_at=days_ago(decided_days_ago), **kwargs)
    profile = user.member_profile
    profile.followed_settings.set(Setting.objects.filter(slug__in=settings))
    profile.followed_domains.set(SafetyDomain.objects.filter(slug__in=domains))
    return user


def published(factory, parent, title, days, settings=("acute-hospital",), domains=("reliability",), **kwargs):
    """A live page first published ``days`` ago, tagged with settings and domains nobody follows by default."""
    when = days_ago(days)
    return factory(
        parent=parent,
        title=title,
        settings=list(settings),
        safety_domains=list(domains),
        first_published_at=when,
        last_published_at=when,
        **kwargs,
    )


def send(*args):
    out = StringIO()
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def care_home_reader(db):
    return digest_member(settings=["care-homes"], user__email="reader@example.org", user__first_name="Nia")


# Who gets a digest and what is in it ------------------------------------------


def test_a_digest_lists_new_pages_in_followed_settings_or_domains_only(
    care_home_reader, learning_index, case_study_index, peer_visit_index, update_index
):
    profile = care_home_reader.member_profile
    profile.followed_domains.set(SafetyDomain.objects.filter(slug="past-harm"))
    published(LearningNotePageFactory, learning_index, "Care home note", 2, settings=["care-homes"])
    published(CaseStudyPageFactory, case_study_index, "Past harm case study", 2, domains=["past-harm"])
    published(UpdatePageFactory, update_index, "Care home update", 1, settings=["care-homes"])
    published(PeerVisitReportPageFactory, peer_visit_index, "Hospital visit", 1)
    published(LearningNotePageFactory, learning_index, "Draft care home note", 1, settings=["care-homes"], live=False)
    published(LearningNotePageFactory, learning_index, "Old care home note", 10, settings=["care-homes"])

    send()

    [message] = sent_to("reader@example.org")
    assert "Care home note" in message.body
    assert "Past harm case study" in message.body
    assert "Care home update" in message.body
    assert "Hospital visit" not in message.body  # neither its setting nor its domain is followed
    assert "Draft care home note" not in message.body
    assert "Old care home note" not in message.body  # before the first digest's seven days
    assert message.subject == "New learning for you on the Safety Learning Portal (3 new pages)"


def test_a_first_digest_starts_at_approval_when_that_is_within_the_week(learning_index):
    digest_member(settings=["care-homes"], decided_days_ago=2, user__email="new@example.org")
    published(LearningNotePageFactory, learning_index, "Before approval", 3, settings=["care-homes"])
    published(LearningNotePageFactory, learning_index, "After approval", 1, settings=["care-homes"])
    send()
    [message] = sent_to("new@example.org")
    assert "After approval" in message.body
    assert "Before approval" not in message.body


def test_only_approved_active_members_who_asked_get_one(learning_index):
    digest_member(settings=["care-homes"], user__email="yes@example.org")
    digest_member(settings=["care-homes"], wants_digest=False, user__email="no-thanks@example.org")
    gone = digest_member(settings=["care-homes"], user__email="gone@example.org")
    gone.is_active = False
    gone.save()
    pending = PendingMemberFactory(wants_digest=True, user__email="pending@example.org")
    pending.member_profile.followed_settings.set(Setting.objects.filter(slug="care-homes"))
    digest_member(user__email="follows-nothing@example.org")
    published(LearningNotePageFactory, learning_index, "Care home note", 1, settings=["care-homes"])

    output = send()

    assert [message.to for message in mail.outbox] == [["yes@example.org"]]
    assert "2 member(s) want a digest: 1 sent one, 1 had nothing new, 0 failed." in output


def test_nothing_new_sends_nothing_and_keeps_the_window(care_home_reader, learning_index):
    profile = care_home_reader.member_profile
    profile.last_digest_at = days_ago(3)
    profile.save()
    send()
    assert mail.outbox == []
    profile.refresh_from_db()
    assert abs(profile.last_digest_at - days_ago(3)) < timedelta(seconds=5)


def test_member_only_pages_are_included_but_password_protected_ones_are_not(care_home_reader, learning_index):
    members_only = published(LearningNotePageFactory, learning_index, "For members", 1, settings=["care-homes"])
    restriction = PageViewRestriction.objects.create(page=members_only, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name=MEMBERS_GROUP)])
    secret = published(LearningNotePageFactory, learning_index, "Behind a password", 1, settings=["care-homes"])
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")
    moderators_only = published(LearningNotePageFactory, learning_index, "Team only", 1, settings=["care-homes"])
    restriction = PageViewRestriction.objects.create(page=moderators_only, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name="Moderators")])

    send()

    [message] = mail.outbox
    assert "For members" in message.body
    assert "Behind a password" not in message.body
    assert "Team only" not in message.body


# Safe to run twice ---------------------------------------------------------


def test_running_twice_sends_each_digest_once_and_the_next_run_picks_up_only_new_pages(
    care_home_reader, learning_index
):
    published(LearningNotePageFactory, learning_index, "First note", 1, settings=["care-homes"])
    send()
    send()
    assert len(mail.outbox) == 1

    profile = MemberProfile.objects.get(user=care_home_reader)
    assert profile.last_digest_at is not None

    published(LearningNotePageFactory, learning_index, "Second note", 0, settings=["care-homes"])
    send()
    assert len(mail.outbox) == 2
    assert "Second note" in mail.outbox[1].body
    assert "First note" not in mail.outbox[1].body


def test_a_failed_send_is_retried_next_run_without_resending_to_the_others(learning_index):
    digest_member(settings=["care-homes"], user__email="first@example.org")
    digest_member(settings=["care-homes"], user__email="second@example.org")
    published(LearningNotePageFactory, learning_index, "Care home note", 1, settings=["care-homes"])

    real_send = mail.EmailMultiAlternatives.send

    def fail_for_second(message, *args, **kwargs):
        if message.to == ["second@example.org"]:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, *args, **kwargs)

    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", fail_for_second),
        pytest.raises(CommandError, match="1 digest"),
    ):
        send()
    assert [message.to for message in mail.outbox] == [["first@example.org"]]
    assert MemberProfile.objects.get(user__email="second@example.org").last_digest_at is None

    send()
    assert [message.to for message in mail.outbox] == [["first@example.org"], ["second@example.org"]]


def test_a_dry_run_sends_nothing_and_moves_no_window(care_home_reader, learning_index):
    published(LearningNotePageFactory, learning_index, "Care home note", 1, settings=["care-homes"])
    output = send("--dry-run")
    assert "1 would get one" in output
    assert mail.outbox == []
    assert MemberProfile.objects.get(user=care_home_reader).last_digest_at is None


# The email itself ----------------------------------------------------------


def test_the_email_has_each_items_title_type_summary_and_link_in_text_and_html(care_home_reader, learning_index):
    note = published(
        LearningNotePageFactory,
        learning_index,
        "Teatime <drinks> round",
        1,
        settings=["care-homes"],
        summary="A jug on every table & a tick chart.",
    )
    send()
    [message] = mail.outbox
    link = f"http://127.0.0.1:8000{note.url}"

    assert message.body.startswith("Hello Nia ")
    assert "Teatime <drinks> round\nLearning note\nA jug on every table & a tick chart.\n" + link in message.body

    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{link}" style="color:#005eb8;">Teatime &lt;drinks&gt; round</a>' in html
    assert "A jug on every table &amp; a tick chart." in html
    assert "Learning note" in html

    token = unsubscribe_token(care_home_reader)
    unsubscribe = f"http://127.0.0.1:8000{reverse('digests:unsubscribe', args=[token])}"
    assert unsubscribe in message.body and unsubscribe in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# Unsubscribing -------------------------------------------------------------


def unsubscribe_path(user):
    return reverse("digests:unsubscribe", args=[unsubscribe_token(user)])


def test_opening_the_link_changes_nothing_until_the_button_is_pressed(client, care_home_reader):
    html = client.get(unsubscribe_path(care_home_reader)).content.decode()
    assert "Press the button and you will not get digests any more." in html
    assert "Stop my email digests</button>" in html
    assert MemberProfile.objects.get(user=care_home_reader).wants_digest

    html = client.post(unsubscribe_path(care_home_reader)).content.decode()
    assert "You will not get digests any more." in html
    assert not MemberProfile.objects.get(user=care_home_reader).wants_digest
    assert "there is nothing to stop" in client.get(unsubscribe_path(care_home_reader)).content.decode()


def test_a_mail_programs_one_click_post_works_without_a_form_token(care_home_reader):
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_path(care_home_reader), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not MemberProfile.objects.get(user=care_home_reader).wants_digest


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: unsubscribe_token(user)[:-3] + "abc",  # signature changed
        lambda user: unsubscribe_token(user).replace(":", "", 1),  # cut about when copied
        lambda user: signing.dumps({"digest_user": user.pk}, salt="some-other-purpose"),
        lambda user: signing.dumps(user.pk, salt="portal.members.digest-unsubscribe"),  # an old format
        lambda user: "not-a-token",
    ],
    ids=["tampered", "mangled", "wrong salt", "old format", "rubbish"],
)
def test_a_bad_link_says_so_and_changes_nothing(client, care_home_reader, make_token):
    url = reverse("digests:unsubscribe", args=[make_token(care_home_reader)])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This unsubscribe link does not work" in response.content.decode()
    assert MemberProfile.objects.get(user=care_home_reader).wants_digest


def test_after_unsubscribing_no_digest_is_sent(client, care_home_reader, learning_index):
    client.post(unsubscribe_path(care_home_reader))
    published(LearningNotePageFactory, learning_index, "Care home note", 1, settings=["care-homes"])
    send()
    assert mail.outbox == []


# Spread: "homes like yours started testing ..." (issue 18) -------------------------


def test_a_digest_says_which_organisations_in_followed_settings_started_testing_a_change_idea(care_home_reader):
    from portal.improvement.factories import ChangeIdeaStatusFactory
    from portal.roadmap.factories import ChangeIdeaFactory
    from portal.taxonomy.factories import OrganisationFactory

    idea = ChangeIdeaFactory(title="Afternoon hydration rounds")
    monton = OrganisationFactory(name="Monton Mews")
    surgery = OrganisationFactory(name="Ordsall Surgery", setting=Setting.objects.get(slug="general-practice"))
    ChangeIdeaStatusFactory(organisation=monton, change_idea=idea, status="testing", recorded_at=days_ago(2))
    ChangeIdeaStatusFactory(organisation=surgery, change_idea=idea, status="testing", recorded_at=days_ago(2))
    moved_on = OrganisationFactory(name="Brookfield House")
    ChangeIdeaStatusFactory(organisation=moved_on, change_idea=idea, status="testing", recorded_at=days_ago(3))
    ChangeIdeaStatusFactory(
        organisation=moved_on,
        change_idea=idea,
        status="abandoned",
        recorded_at=days_ago(1),
        took_effect_on=timezone.localdate(),
    )
    own = care_home_reader.member_profile.organisation
    ChangeIdeaStatusFactory(organisation=own, change_idea=idea, status="testing", recorded_at=days_ago(2))

    send()

    [email] = sent_to("reader@example.org")  # sent though no page was published
    assert "Organisations like yours started testing:" in email.body
    assert "Monton Mews (Care homes): Afternoon hydration rounds" in email.body
    assert f"/roadmap/change-ideas/{idea.slug}/" in email.body
    html = email.alternatives[0][0]
    assert "Monton Mews (Care homes)" in html
    for left_out in ("Ordsall Surgery", "Brookfield House", own.name):
        assert left_out not in email.body
