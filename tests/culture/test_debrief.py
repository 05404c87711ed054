"""The facilitator's debrief and the team's printable summary."""

import re

import pytest
from django.urls import reverse

from portal.culture.factories import add_response
from portal.culture.models import Action, DebriefItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def debrief_round(client, round_, facilitator):
    for level in (2, 3, 3, 4, 4, 5):
        add_response(round_, level)
    client.force_login(facilitator)
    return round_


def dimension_url(round_, dimension):
    return reverse("culture:debrief_dimension", args=[round_.pk, dimension.pk])


def test_the_agenda_lists_every_dimension_with_its_spread(client, debrief_round, dimensions):
    page = client.get(reverse("culture:debrief", args=[debrief_round.pk])).content.decode()
    for dimension in dimensions:
        assert dimension.name in page
    assert "Not agreed yet" in page


def test_the_facilitator_records_the_agreed_level_and_notes(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[1])
    response = client.post(url, {"form": "agreed", "agreed-agreed_level": "4", "agreed-notes": "Mostly proactive"})
    assert response.status_code == 302
    item = DebriefItem.objects.get()
    assert (item.dimension, item.agreed_level, item.notes) == (dimensions[1], 4, "Mostly proactive")
    assert "The agreed level has been saved." in client.get(response["Location"]).content.decode()


def test_a_missing_or_tampered_level_is_an_error_and_keeps_the_notes(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[1])
    for value, message in (("", "Choose the level the team agreed."), ("9", "Choose one of the five levels shown.")):
        page = client.post(url, {"form": "agreed", "agreed-agreed_level": value, "agreed-notes": "<i>kept</i>"})
        text = page.content.decode()
        assert page.status_code == 200
        assert "There is a problem" in text and message in text
        assert "&lt;i&gt;kept&lt;/i&gt;</textarea>" in text
    assert not DebriefItem.objects.exists()


def test_the_facilitator_adds_an_action_with_an_owner_and_due_date(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[2])
    data = {"form": "action", "action-what": "Thank reporters", "action-owner": "Practice manager"}
    response = client.post(url, {**data, "action-due_on": "2027-02-30"})
    assert "Enter a real date as day, month and year, like 31 3 2027." in response.content.decode()
    assert 'value="Thank reporters"' in response.content.decode()
    assert not Action.objects.exists()
    response = client.post(url, {**data, "action-due_on": "2027-02-28"})
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.dimension, action.owner, str(action.due_on)) == (dimensions[2], "Practice manager", "2027-02-28")


def test_over_long_notes_and_actions_are_refused_naming_the_box_and_kept(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[2])
    data = {
        "form": "action",
        "agreed-agreed_level": "3",
        "agreed-notes": "n" * 4001,
        "action-what": "w" * 301,
        "action-owner": "Practice manager",
        "action-due_on": "2027-02-28",
    }
    page = client.post(url, data).content.decode()

    assert "Keep the notes to 4,000 characters or fewer (it has 4,001)." in page
    assert "Keep the action to 300 characters or fewer (it has 301)." in page
    assert "Ensure this value" not in page
    assert "n" * 4001 + "</textarea>" in page
    assert "w" * 301 in page
    assert not Action.objects.exists()


def test_a_dimension_of_another_framework_is_not_found(client, debrief_round):
    from portal.culture.models import Framework

    other = Framework.objects.create(name="Other").dimensions.create(name="Other thing", covers="x")
    assert client.get(dimension_url(debrief_round, other)).status_code == 404


def test_the_debrief_waits_for_the_threshold(client, round_, dimensions, facilitator):
    add_response(round_, 3)
    client.force_login(facilitator)
    response = client.get(dimension_url(round_, dimensions[0]))
    assert response.status_code == 403
    assert "The debrief opens once the first 5 people" in response.content.decode()
    client.post(reverse("culture:debrief", args=[round_.pk]), {"complete": "yes"})
    round_.refresh_from_db()
    assert not round_.debrief_complete


def test_the_summary_shows_spread_agreed_levels_and_actions_and_prints(client, debrief_round, dimensions, staff):
    DebriefItem.objects.create(round=debrief_round, dimension=dimensions[0], agreed_level=3, notes="Agreed <b>3</b>")
    Action.objects.create(
        round=debrief_round, dimension=dimensions[0], what="Weekly huddle", owner="Dr Shah", due_on="2027-01-15"
    )
    page = client.get(reverse("culture:summary", args=[debrief_round.pk])).content.decode()
    assert "5 people's answers are in these results" in page
    assert "3. Bureaucratic" in page
    assert "Agreed &lt;b&gt;3&lt;/b&gt;" in page
    assert "Weekly huddle" in page and "Dr Shah" in page and "15 January 2027" in page
    assert "Spread: <strong>" in page
    assert "css/culture.css" in page

    client.post(reverse("culture:debrief", args=[debrief_round.pk]), {"complete": "yes", "confirm": "yes"})
    debrief_round.refresh_from_db()
    assert debrief_round.debrief_complete
    client.force_login(staff)
    assert "Weekly huddle" in client.get(reverse("culture:summary", args=[debrief_round.pk])).content.decode()


def test_the_print_stylesheet_hides_the_sites_navigation():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "portal/static/css/culture.css").read_text()
    print_rules = css.split("@media print", 1)[1]
    assert ".nhsuk-header" in print_rules and ".nhsuk-breadcrumb" in print_rules


def test_private_links_are_shown_once_and_each_opens_the_form(client, round_, facilitator):
    client.force_login(facilitator)
    url = reverse("culture:links", args=[round_.pk])
    page = client.post(url, {"number": "abc"}).content.decode()
    assert "Enter a whole number, like 12." in page
    page = client.post(url, {"number": "3"}).content.decode()
    links = re.findall(r"<code>([^<]+)</code>", page)
    assert len(links) == 3
    client.logout()
    assert "How safe is our culture?" in client.get(links[0].replace("http://testserver", "")).content.decode()
    # Another facilitator session (or this one after the links expire) never sees them again.
    client.force_login(facilitator)
    assert "<code>" not in client.get(url).content.decode()


def test_no_links_can_be_made_for_a_closed_round(client, closed_round, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("culture:links", args=[closed_round.pk]), {"number": "3"})
    assert response.status_code == 403
    assert not closed_round.invitations.exists()


def test_adding_an_action_keeps_and_saves_the_agreed_level_and_notes_typed_above_it(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[3])
    typed = {"agreed-agreed_level": "4", "agreed-notes": "Reception felt left out", "action-what": "Share minutes"}
    # A missing owner and date: everything typed, in both parts, comes back.
    page = client.post(url, {**typed, "form": "action", "action-owner": ""}).content.decode()
    assert "Enter who will do it." in page
    assert "Reception felt left out</textarea>" in page
    assert re.search(r'value="4"[^>]* checked', page)
    assert 'value="Share minutes"' in page
    assert not DebriefItem.objects.exists() and not Action.objects.exists()
    # Complete: the action is added and the level and notes are saved with it.
    data = {**typed, "form": "action", "action-owner": "Practice manager", "action-due_on": "2027-03-01"}
    response = client.post(url, data)
    assert response.status_code == 302
    item = DebriefItem.objects.get()
    assert (item.agreed_level, item.notes) == (4, "Reception felt left out")
    assert Action.objects.get().what == "Share minutes"
    page = client.get(response["Location"]).content.decode()
    assert "The agreed level has been saved and the action added." in page
    assert re.search(r'value="4"[^>]* checked', page) and "Reception felt left out</textarea>" in page


def test_saving_the_level_keeps_an_action_typed_but_not_finished(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[3])
    data = {"form": "agreed", "agreed-agreed_level": "2", "action-what": "Half-typed action"}
    page = client.post(url, data).content.decode()
    assert "Enter who will do it." in page and 'value="Half-typed action"' in page
    assert not DebriefItem.objects.exists()


def test_marking_complete_with_topics_not_agreed_warns_and_asks_to_confirm(client, debrief_round, dimensions):
    DebriefItem.objects.create(round=debrief_round, dimension=dimensions[0], agreed_level=3)
    url = reverse("culture:debrief", args=[debrief_round.pk])
    page = client.post(url, {"complete": "yes"}).content.decode()
    debrief_round.refresh_from_db()
    assert not debrief_round.debrief_complete
    assert "8 of 9 topics have no agreed level" in page
    assert dimensions[1].name in page and "Mark complete anyway" in page
    client.post(url, {"complete": "yes", "confirm": "yes"})
    debrief_round.refresh_from_db()
    assert debrief_round.debrief_complete


def test_the_confirmation_and_the_done_banner_are_at_the_top_and_take_focus(client, debrief_round, dimensions):
    """On a phone the agenda is thousands of pixels long: what changed must be at the top, in
    a banner the design system focuses (role="alert"), with the confirm button inside it."""
    url = reverse("culture:debrief", args=[debrief_round.pk])
    page = client.post(url, {"complete": "yes"}).content.decode()
    main = page.split('id="maincontent"', 1)[1] if 'id="maincontent"' in page else page
    before_heading = main.split('<h1 class="nhsuk-heading-l">Debrief</h1>', 1)[0]
    banner = before_heading.split('id="confirm-complete"', 1)[1]
    assert 'role="alert"' in before_heading and 'data-module="nhsuk-notification-banner"' in before_heading
    assert "9 of 9 topics have no agreed level" in banner and "Mark complete anyway" in banner
    assert '<input type="hidden" name="confirm" value="yes">' in banner

    response = client.post(url, {"complete": "yes", "confirm": "yes"})
    assert response["Location"] == f"{url}?done=complete"
    done = client.get(response["Location"]).content.decode().split('<h1 class="nhsuk-heading-l">Debrief</h1>', 1)[0]
    assert "nhsuk-notification-banner--success" in done and 'role="alert"' in done
    assert "The debrief is marked complete." in done

    response = client.post(url, {"complete": "no"})
    reopened = client.get(response["Location"]).content.decode().split('<h1 class="nhsuk-heading-l">Debrief</h1>', 1)[0]
    assert "The debrief is open again." in reopened and 'role="alert"' in reopened


def test_marking_complete_with_every_topic_agreed_needs_no_confirmation(client, debrief_round, dimensions):
    for dimension in dimensions:
        DebriefItem.objects.create(round=debrief_round, dimension=dimension, agreed_level=3)
    client.post(reverse("culture:debrief", args=[debrief_round.pk]), {"complete": "yes"})
    debrief_round.refresh_from_db()
    assert debrief_round.debrief_complete


@pytest.fixture
def action(debrief_round, dimensions):
    return Action.objects.create(
        round=debrief_round,
        dimension=dimensions[2],
        what="Thank reportres",
        owner="Practise manager",
        due_on="2030-02-28",
    )


def change_url(action, name="culture:change_action"):
    return reverse(name, args=[action.round_id, action.dimension_id, action.pk])


def test_a_wrong_action_can_be_corrected_and_the_summary_shows_the_correction(client, debrief_round, action):
    topic = client.get(dimension_url(debrief_round, action.dimension)).content.decode()
    assert f'href="{change_url(action)}"' in topic and f'href="{change_url(action, "culture:remove_action")}"' in topic
    form = client.get(change_url(action)).content.decode()
    assert 'value="Thank reportres"' in form
    data = {"action-what": "Thank reporters", "action-owner": "Practice manager", "action-due_on": "28 2 2030"}
    response = client.post(change_url(action), {**data, "action-what": ""})
    assert "Enter what the team will do." in response.content.decode()
    assert 'value="Practice manager"' in response.content.decode()
    response = client.post(change_url(action), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.what, action.owner) == ("Thank reporters", "Practice manager")
    assert "The action has been changed." in client.get(response["Location"]).content.decode()
    summary = client.get(reverse("culture:summary", args=[debrief_round.pk])).content.decode()
    assert "Thank reporters" in summary and "reportres" not in summary


def test_removing_an_action_asks_first_and_only_a_post_removes_it(client, debrief_round, action):
    url = change_url(action, "culture:remove_action")
    page = client.get(url).content.decode()
    assert "Remove this action?" in page and "Thank reportres" in page and "Yes, remove this action" in page
    assert Action.objects.exists()
    response = client.post(url)
    assert not Action.objects.exists()
    assert "The action has been removed." in client.get(response["Location"]).content.decode()
    assert "Thank reportres" not in client.get(reverse("culture:summary", args=[debrief_round.pk])).content.decode()


def test_only_the_facilitator_changes_or_removes_actions(client, debrief_round, action, staff, moderator):
    for user in (staff, moderator):
        client.force_login(user)
        assert client.post(change_url(action), {"action-what": "Hijacked"}).status_code == 403
        assert client.post(change_url(action, "culture:remove_action")).status_code == 403
    client.logout()
    assert client.post(change_url(action, "culture:remove_action")).status_code == 302  # to sign in
    action.refresh_from_db()
    assert action.what == "Thank reportres"


def test_a_due_date_in_the_past_is_saved_with_a_warning(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[2])
    data = {"form": "action", "action-what": "Audit", "action-owner": "GP lead", "action-due_on": "1 3 2020"}
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The action has been added." in page
    assert "Check the due date: 1 March 2020 is in the past." in page
    assert Action.objects.get().due_on.year == 2020


def test_one_error_summary_lists_every_problem_on_a_topic_page(client, debrief_round, dimensions):
    url = dimension_url(debrief_round, dimensions[1])
    data = {"form": "agreed", "agreed-agreed_level": "", "action-what": "Half typed", "action-due_on": "nonsense"}
    page = client.post(url, data).content.decode()
    assert page.count("There is a problem") == 1
    assert page.count('class="nhsuk-error-summary"') == 1
    summary = page.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert 'href="#id_agreed-agreed_level_0"' in summary
    assert 'href="#id_action-owner"' in summary and 'href="#id_action-due_on"' in summary


def test_each_topic_page_links_to_the_next_and_previous_topic(client, debrief_round):
    from portal.culture.results import round_results

    order = [r.dimension for r in round_results(debrief_round).dimensions]
    first = client.get(dimension_url(debrief_round, order[0])).content.decode()
    assert "Previous topic" not in first
    assert f'href="{dimension_url(debrief_round, order[1])}" rel="next"' in first
    middle = client.get(dimension_url(debrief_round, order[1])).content.decode()
    assert f'href="{dimension_url(debrief_round, order[0])}" rel="prev"' in middle
    assert f'href="{dimension_url(debrief_round, order[2])}" rel="next"' in middle
    last = client.get(dimension_url(debrief_round, order[-1])).content.decode()
    assert "Next topic" not in last and f"Topic {len(order)} of {len(order)}" in last
