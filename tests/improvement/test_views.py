"""/my-organisation/: who may see and record an organisation's change ideas, and the form's errors."""

import datetime
import html

import pytest
from django.utils import timezone

from learning.factories import LearningNotePageFactory
from portal.improvement.factories import ChangeIdeaStatusFactory
from portal.improvement.models import ChangeIdeaStatus, spread_by_month
from portal.members.factories import (
    MemberFactory,
    MemberProfileFactory,
    ModeratorFactory,
    PendingMemberFactory,
    UserFactory,
)
from portal.members.models import MemberProfile
from portal.roadmap.factories import ChangeIdeaFactory
from portal.taxonomy.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

MINE = "/my-organisation/"
TODAY = timezone.localdate()


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def care_home():
    return OrganisationFactory(name="Kersal Brook Care Home")


@pytest.fixture
def idea():
    return ChangeIdeaFactory(title="Afternoon hydration rounds")


@pytest.fixture
def manager(care_home):
    return MemberFactory(organisation=care_home, user__first_name="Grace", user__last_name="Okafor")


def record(client, url, idea, **fields):
    data = {"change_idea": idea.pk, "status": "testing", "took_effect_on": TODAY.isoformat(), "reason": ""}
    return client.post(url, {**data, **fields})


def test_a_member_records_a_status_and_sees_it_with_its_history(client, manager, care_home, idea):
    client.force_login(manager)
    page = text(client.get(MINE))
    assert "Kersal Brook Care Home" in page and "Record a status" in page
    assert "Nothing recorded yet" in page
    # Monthly counts come from the history, so the page must not say the public sees only the latest status.
    assert "The public sees only" not in page
    assert "counts the organisations testing and adopted it at the end of each month" in page
    assert "Reasons, who recorded what and the rest of your history stay private." in page

    response = record(
        client, MINE, idea, status="planning", took_effect_on=(TODAY - datetime.timedelta(days=40)).isoformat()
    )
    assert response.status_code == 302 and response["Location"] == MINE
    record(client, MINE, idea, status="testing")

    rows = ChangeIdeaStatus.objects.for_organisation(care_home).order_by("took_effect_on")
    assert [row.status for row in rows] == ["planning", "testing"]
    assert {row.recorded_by for row in rows} == {manager}
    page = text(client.get(MINE))
    assert "Afternoon hydration rounds" in page
    assert "History (2 records)" in page
    assert "recorded by Grace Okafor" in page


def test_mistakes_are_shown_next_to_each_field_once_in_the_summary_and_nothing_typed_is_lost(client, manager, idea):
    client.force_login(manager)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = record(client, MINE, idea, status="abandoned", took_effect_on=tomorrow, reason="   ")
    page = text(response)
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert page.count("There is a problem") == 1
    assert page.count("The date cannot be in the future") == 2  # summary and beside the field
    assert page.count("Say why the change idea was abandoned") == 2
    assert 'href="#id_took_effect_on"' in page and 'href="#id_reason"' in page
    assert f'value="{tomorrow}"' in page  # the date typed is kept
    assert f'<option value="{idea.pk}" selected>' in page
    assert '<option value="abandoned" selected>' in page
    assert not ChangeIdeaStatus.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"change_idea": ""}, "Choose a change idea"),
        ({"change_idea": "999999"}, "Choose a change idea from the list"),
        ({"status": ""}, "Choose a status"),
        ({"status": "finished"}, "Choose a status from the list"),
        ({"took_effect_on": ""}, "Enter the date this status began"),
        ({"took_effect_on": "31/02/2026"}, "Enter a real date"),
        ({"reason": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, manager, idea, fields, message):
    client.force_login(manager)
    response = record(client, MINE, idea, **fields)
    assert response.status_code == 200
    assert message in text(response)
    assert not ChangeIdeaStatus.objects.exists()


@pytest.mark.parametrize("typed", ["0001-01-01", "1999-12-31"])
def test_a_date_before_2000_is_refused_next_to_the_field_keeping_what_was_typed(client, manager, idea, typed):
    # Year 1 was accepted, and drew a spread row for every month since then on the public page.
    client.force_login(manager)
    response = record(client, MINE, idea, took_effect_on=typed)
    page = text(response)
    assert response.status_code == 200
    assert page.count("The date cannot be before 1 January 2000") == 2  # summary and beside the field
    assert f'value="{typed}"' in page
    assert not ChangeIdeaStatus.objects.exists()

    assert record(client, MINE, idea, took_effect_on="2000-01-01").status_code == 302
    assert ChangeIdeaStatus.objects.get().took_effect_on == datetime.date(2000, 1, 1)


def test_abandoning_with_a_reason_is_kept_with_the_reason(client, manager, care_home, idea):
    client.force_login(manager)
    record(client, MINE, idea, status="abandoned", reason="Night staff had no time <b>at all</b>.")
    row = ChangeIdeaStatus.objects.get()
    assert row.reason == "Night staff had no time <b>at all</b>."
    page = client.get(MINE).content.decode()
    assert "Night staff had no time &lt;b&gt;at all&lt;/b&gt;." in page


def test_only_the_organisations_own_live_learning_notes_can_be_linked(client, manager, care_home, idea, learning_index):
    own = LearningNotePageFactory(
        parent=learning_index, title="What hydration rounds taught us", organisation=care_home
    )
    draft = LearningNotePageFactory(
        parent=learning_index, title="Draft about rounds", organisation=care_home, live=False
    )
    theirs = LearningNotePageFactory(
        parent=learning_index, title="Another home's note", organisation=OrganisationFactory()
    )
    client.force_login(manager)
    page = text(client.get(MINE))
    assert "What hydration rounds taught us" in page
    assert "Draft about rounds" not in page and "Another home's note" not in page

    response = record(client, MINE, idea, learning_notes=[theirs.pk])
    assert "Choose from your organisation's learning notes" in text(response) or "valid choice" in text(response)
    assert not ChangeIdeaStatus.objects.exists()
    record(client, MINE, idea, learning_notes=[draft.pk])
    assert not ChangeIdeaStatus.objects.exists()

    record(client, MINE, idea, learning_notes=[own.pk])
    assert list(ChangeIdeaStatus.objects.get().learning_notes.all()) == [own]


# Who may see and record ----------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client, care_home, idea):
    for url in (MINE, f"{MINE}{care_home.slug}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
        response = record(client, url, idea)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ChangeIdeaStatus.objects.exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("pending", "usually within two working days"),
        ("declined", "did not approve this account"),
        ("unconfirmed", "have not yet confirmed that you work at"),
        ("no profile", "only approved members"),
    ],
)
def test_people_who_are_not_confirmed_members_get_a_clear_page_and_cannot_record(client, care_home, idea, who, message):
    if who == "pending":
        user = PendingMemberFactory(organisation=care_home)
    elif who == "declined":
        user = MemberProfileFactory(organisation=care_home, status=MemberProfile.Status.DECLINED).user
    elif who == "unconfirmed":
        user = MemberFactory(organisation=care_home, confirmed=False)
    else:
        user = UserFactory()
    client.force_login(user)
    for url in (MINE, f"{MINE}{care_home.slug}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Only approved members can keep these records" in text(response)
        assert record(client, url, idea).status_code == 403
    if who != "no profile":
        assert message in text(client.get(MINE))
    assert not ChangeIdeaStatus.objects.exists()


def test_a_member_of_another_organisation_can_neither_see_nor_record_this_ones(client, care_home, idea):
    other = MemberFactory(organisation=OrganisationFactory(name="Monton Mews"))
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, reason="Private note about our staffing")
    client.force_login(other)
    response = client.get(f"{MINE}{care_home.slug}/")
    assert response.status_code == 403
    assert "Private note about our staffing" not in text(response)
    assert "its public page" in text(response)
    assert record(client, f"{MINE}{care_home.slug}/", idea).status_code == 403
    assert ChangeIdeaStatus.objects.count() == 1
    # Their own page records for their own organisation only, whatever they post.
    record(client, MINE, idea, organisation=care_home.pk)
    assert ChangeIdeaStatus.objects.filter(organisation__name="Monton Mews").count() == 1
    assert ChangeIdeaStatus.objects.filter(organisation=care_home).count() == 1


def test_the_member_may_use_their_organisations_own_address_too(client, manager, care_home, idea):
    client.force_login(manager)
    assert client.get(f"{MINE}{care_home.slug}/").status_code == 200
    assert record(client, f"{MINE}{care_home.slug}/", idea)["Location"] == MINE


def test_the_programme_team_chooses_any_organisation_and_records_for_it(client, care_home, idea):
    moderator = ModeratorFactory(first_name="Ravi", last_name="Chandran")
    client.force_login(moderator)
    page = text(client.get(MINE))
    assert "Choose an organisation" in page and f"{MINE}{care_home.slug}/" in page
    response = record(client, f"{MINE}{care_home.slug}/", idea, status="adopted")
    assert response["Location"] == f"{MINE}{care_home.slug}/"
    row = ChangeIdeaStatus.objects.get()
    assert (row.organisation, row.status, row.recorded_by) == (care_home, "adopted", moderator)


@pytest.mark.parametrize("size", [2, 8])
def test_the_page_costs_the_same_however_many_ideas_and_records(
    client, manager, care_home, size, django_assert_max_num_queries
):
    for _ in range(size):
        idea = ChangeIdeaFactory()
        for status in ("planning", "testing", "adopted"):
            ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, status=status)
    client.force_login(manager)
    client.get(MINE)
    with django_assert_max_num_queries(25):
        response = client.get(MINE)
    assert text(response).count("History (3 records)") == size


def test_the_hub_links_to_the_organisations_local_measures(client, manager, care_home):
    client.force_login(manager)
    page = text(client.get(MINE))
    assert '<a href="/my-organisation/measures/">Your local measures</a>' in page
    client.force_login(ModeratorFactory())
    page = text(client.get(f"{MINE}{care_home.slug}/"))
    assert f'<a href="/my-organisation/measures/?organisation={care_home.pk}">Local measures</a>' in page


def banner(response):
    page = text(response)
    return page[page.index('<div class="nhsuk-notification-banner') :]


def test_a_record_dated_before_the_current_status_is_confirmed_and_said_to_go_into_the_history(
    client, manager, care_home, idea
):
    planning_since = TODAY - datetime.timedelta(days=30)
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, status="planning", took_effect_on=planning_since)
    earlier = TODAY - datetime.timedelta(days=60)
    client.force_login(manager)

    response = record(client, MINE, idea, status="adopted", took_effect_on=earlier.isoformat())
    page = text(response)
    assert response.status_code == 200
    since = f"{planning_since.day} {planning_since:%B %Y}"
    assert f"This date is before the current status, Planning since {since}" in page
    assert f"To make Adopted the current status, give a date on or after {since}" in page
    assert "Yes, add it to the history: Planning stays current" in page
    assert ChangeIdeaStatus.objects.count() == 1

    response = record(client, MINE, idea, status="adopted", took_effect_on=earlier.isoformat(), confirm="on")
    assert response.status_code == 302
    assert ChangeIdeaStatus.objects.count() == 2
    shown = banner(client.get(MINE))
    assert "Added to the history: Kersal Brook Care Home adopted Afternoon hydration rounds" in shown
    assert f"The current status stays Planning since {since}, because that took effect later." in shown
    assert "is adopted at" not in shown


def test_the_current_status_from_an_earlier_date_is_asked_without_suggesting_a_later_date(
    client, manager, care_home, idea
):
    adopted_since = TODAY - datetime.timedelta(days=30)
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, status="adopted", took_effect_on=adopted_since)
    client.force_login(manager)
    earlier = (TODAY - datetime.timedelta(days=90)).isoformat()
    page = text(record(client, MINE, idea, status="adopted", took_effect_on=earlier))
    assert "so this record will go into the history and Adopted stays current." in page
    assert "The history will then show both dates. If that is what you mean, tick the box" in page
    assert "To make Adopted the current status" not in page


def test_a_double_tap_saves_one_record_and_says_it_is_already_recorded(client, manager, care_home, idea):
    client.force_login(manager)
    first = record(client, MINE, idea, status="planning")
    second = record(client, MINE, idea, status="planning")
    assert first.status_code == second.status_code == 302
    assert ChangeIdeaStatus.objects.filter(organisation=care_home, change_idea=idea).count() == 1
    shown = banner(client.get(MINE))
    assert "Recorded: Afternoon hydration rounds is planning at Kersal Brook Care Home." in shown
    assert "Already recorded: Kersal Brook Care Home planning Afternoon hydration rounds from" in shown
    assert "Nothing new was saved." in shown


def test_the_same_status_from_a_later_date_is_refused_next_to_the_status(client, manager, care_home, idea):
    testing_since = TODAY - datetime.timedelta(days=10)
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, status="testing", took_effect_on=testing_since)
    client.force_login(manager)
    response = record(client, MINE, idea, status="testing", reason="Second ward joined")
    page = text(response)
    assert response.status_code == 200
    assert (
        f"Kersal Brook Care Home has been testing with this idea since {testing_since.day} {testing_since:%B %Y}: "
        "that is already recorded." in page
    )
    assert "Second ward joined" in page
    assert ChangeIdeaStatus.objects.count() == 1


@pytest.mark.parametrize(
    ("was", "now", "question"),
    [
        ("adopted", "testing", "This idea is currently adopted here, since"),
        ("abandoned", "planning", "This idea is currently abandoned here, since"),
    ],
)
def test_moving_on_from_adopted_or_abandoned_asks_first(client, manager, care_home, idea, was, now, question):
    ChangeIdeaStatusFactory(
        organisation=care_home,
        change_idea=idea,
        status=was,
        reason="Stopped",
        took_effect_on=TODAY - datetime.timedelta(days=5),
    )
    client.force_login(manager)
    response = record(client, MINE, idea, status=now)
    page = text(response)
    assert response.status_code == 200
    again = "testing" if now == "testing" else "planning"
    assert question in page and f"Tick the box to record that you are {again} it again." in page
    assert (
        '<label class="nhsuk-label nhsuk-checkboxes__label" for="id_confirm">'
        f"Yes, record that we are {again} it again</label>" in page
    )
    assert ChangeIdeaStatus.objects.count() == 1

    assert record(client, MINE, idea, status=now, confirm="on").status_code == 302
    current = ChangeIdeaStatus.objects.current().get(organisation=care_home, change_idea=idea)
    assert current.status == now


def test_moving_forward_from_testing_needs_no_confirmation(client, manager, care_home, idea):
    ChangeIdeaStatusFactory(
        organisation=care_home, change_idea=idea, status="testing", took_effect_on=TODAY - datetime.timedelta(days=5)
    )
    client.force_login(manager)
    assert record(client, MINE, idea, status="adopted").status_code == 302
    assert ChangeIdeaStatus.objects.current().get().status == "adopted"


def withdraw_url(row):
    return f"/my-organisation/records/{row.pk}/withdraw/"


def test_the_person_who_made_a_mistaken_record_withdraws_it_and_it_counts_nowhere(client, manager, care_home, idea):
    ChangeIdeaStatusFactory(
        organisation=care_home, change_idea=idea, status="testing", took_effect_on=TODAY - datetime.timedelta(days=30)
    )
    client.force_login(manager)
    record(client, MINE, idea, status="abandoned", reason="Pressed the wrong status")
    mistake = ChangeIdeaStatus.objects.get(status="abandoned")
    assert "Withdraw this record" in text(client.get(MINE))

    response = client.post(withdraw_url(mistake))
    assert response.status_code == 302 and response["Location"] == MINE
    mistake = ChangeIdeaStatus.all_records.get(pk=mistake.pk)
    assert mistake.withdrawn_at is not None and mistake.withdrawn_by == manager
    page = text(client.get(MINE))
    assert "Withdrawn: Kersal Brook Care Home's record “Abandoned: Afternoon hydration rounds” from" in page
    assert "It is kept, but no longer counted anywhere." in page
    # The history keeps it, marked as withdrawn; the card's status is the record still counted.
    assert "History (2 records)" in page and "Pressed the wrong status" in page
    assert "<strong>Withdrawn</strong> on " in page and "kept here, counted nowhere." in page
    assert '<strong class="nhsuk-tag">Testing</strong>' in page

    # Counted nowhere: current status, counts, spread, the public page, the feed and the API.
    assert ChangeIdeaStatus.objects.current().get().status == "testing"
    assert ChangeIdeaStatus.objects.counts()[idea.pk] == {"testing": 1}
    assert spread_by_month(idea)[-1][1:] == (1, 0)
    client.logout()
    public = text(client.get(f"/roadmap/change-ideas/{idea.slug}/"))
    assert "Testing: 1 organisation" in public and "Abandoned: 0 organisations" in public
    feed = client.get(f"/feeds/change-ideas/{idea.slug}/atom/").content.decode()
    assert "Kersal Brook Care Home: testing" in feed and "abandoned" not in feed
    api = client.get("/api/v2/change-ideas/").json()["items"]
    assert api[0]["spread"] == {"planning": 0, "testing": 1, "adopted": 0, "abandoned": 0}


def test_a_record_cannot_be_withdrawn_by_another_member_or_after_a_day(client, manager, care_home, idea):
    colleague = MemberFactory(organisation=care_home)
    theirs = ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, recorded_by=colleague)
    old = ChangeIdeaStatusFactory(
        organisation=care_home,
        change_idea=idea,
        recorded_by=manager,
        recorded_at=timezone.now() - datetime.timedelta(hours=25),
        took_effect_on=TODAY - datetime.timedelta(days=40),
    )
    client.force_login(manager)
    assert "Withdraw this record" not in text(client.get(MINE))
    for row in (theirs, old):
        client.post(withdraw_url(row))
    assert "You cannot withdraw that record" in text(client.get(MINE))
    assert ChangeIdeaStatus.objects.count() == 2

    outsider = MemberFactory()
    client.force_login(outsider)
    assert client.post(withdraw_url(theirs)).status_code == 403
    client.logout()
    assert client.post(withdraw_url(theirs)).status_code == 302
    assert client.get(withdraw_url(theirs)).status_code in (302, 405)
    assert ChangeIdeaStatus.objects.count() == 2


def test_the_programme_team_may_withdraw_any_record(client, care_home, idea):
    row = ChangeIdeaStatusFactory(
        organisation=care_home, change_idea=idea, recorded_at=timezone.now() - datetime.timedelta(days=90)
    )
    client.force_login(ModeratorFactory())
    response = client.post(withdraw_url(row))
    assert response["Location"] == f"/my-organisation/{care_home.slug}/"
    assert not ChangeIdeaStatus.objects.exists() and ChangeIdeaStatus.all_records.count() == 1


def test_an_idea_whose_only_record_was_withdrawn_stays_in_the_history_with_no_status(client, manager, care_home, idea):
    client.force_login(manager)
    record(client, MINE, idea, status="planning")
    only = ChangeIdeaStatus.objects.get()
    client.post(withdraw_url(only))
    page = text(client.get(MINE))
    assert idea.title in page and "No status: every record was withdrawn." in page
    assert "History (1 record)" in page and "kept here, counted nowhere." in page
    assert ChangeIdeaStatus.objects.counts() == {}
