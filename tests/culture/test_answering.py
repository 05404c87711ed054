"""Answering through a private link or as a member: saving, resuming, sending, and every
kind of bad input (closed round, reused link, tampered values) changing nothing."""

import logging

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from portal.culture.models import Answer, Framework, Invitation, Response, hash_token

from .conftest import level_data

pytestmark = pytest.mark.django_db


def link(round_):
    return reverse("culture:answer_link", args=[round_.create_links(1)[0]])


def stored():
    return (
        list(Invitation.objects.values_list("used", flat=True).order_by("pk")),
        list(Response.objects.values_list("submitted", flat=True).order_by("pk")),
        list(Answer.objects.values_list("dimension_id", "level", "comment").order_by("pk")),
    )


def test_the_form_offers_five_described_levels_and_a_comment_for_each_dimension(client, round_, dimensions):
    page = client.get(link(round_)).content.decode()
    assert page.count('type="radio"') == 5 * len(dimensions)
    first = dimensions[0]
    assert f'name="level_{first.pk}"' in page
    assert first.levels.get(level=5).text in page
    assert f'name="comment_{first.pk}"' in page
    assert "Save and finish later" in page and "Send my answers" in page


def test_each_comment_box_counts_its_characters_and_takes_line_breaks_as_one(client, round_, dimensions):
    url = link(round_)
    page = client.get(url).content.decode()
    assert page.count('data-module="nhsuk-character-count" data-maxlength="2000"') == len(dimensions)
    assert page.count("You can enter up to 2,000 characters") == len(dimensions)
    assert " maxlength=" not in page  # a paste is never cut off: the count says how many are over

    first, second = dimensions[0], dimensions[1]
    full = "a" * 999 + "\r\n" + "b" * 1000  # 2,000 characters as the box counts them
    data = {"action": "save", f"comment_{first.pk}": full, f"comment_{second.pk}": "x" * 2001}
    page = client.post(url, data).content.decode()
    assert f"Keep your comment on {second.name.lower()} to 2,000 characters or fewer (it has 2,001)." in page
    assert f"Keep your comment on {first.name.lower()}" not in page
    assert "x" * 2001 + "</textarea>" in page
    assert not Response.objects.exists()

    client.post(url, {**data, f"comment_{second.pk}": "Short"})
    assert Answer.objects.get(dimension=first).comment == "a" * 999 + "\n" + "b" * 1000


def test_saving_keeps_a_draft_that_the_same_link_reopens(client, round_, dimensions):
    url = link(round_)
    data = {"action": "save", f"level_{dimensions[0].pk}": "4", f"comment_{dimensions[0].pk}": "Huddles help"}
    page = client.post(url, data).content.decode()
    assert "Your answers are saved" in page
    response = Response.objects.get()
    assert not response.submitted
    assert list(response.answers.values_list("level", "comment")) == [(4, "Huddles help")]

    reopened = client.get(url).content.decode()
    assert "Welcome back" in reopened
    assert reopened.count(" checked>") == 1
    assert f'type="radio" value="4" aria-describedby="id_level_{dimensions[0].pk}_3-hint" checked>' in reopened
    assert "Huddles help</textarea>" in reopened


def test_sending_needs_a_level_for_every_dimension_and_keeps_what_was_typed(client, round_, dimensions):
    url = link(round_)
    data = level_data(dimensions[:3], level=2, comment="Kept <b>as typed</b>")
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page
    assert f"Choose the level that best describes your team for {dimensions[5].name.lower()}." in page
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;</textarea>" in page
    assert Response.objects.count() == 0


def test_sending_marks_the_link_used_and_a_second_use_changes_nothing(client, round_, dimensions):
    url = link(round_)
    page = client.post(url, level_data(dimensions, level=4, comment="Fine")).content.decode()
    assert "Your answers have been sent" in page
    assert Invitation.objects.get().used and Response.objects.get().submitted
    before = stored()

    again = client.get(url)
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    resent = client.post(url, level_data(dimensions, level=1, comment="Changed"))
    assert "This link has already been used" in resent.content.decode()
    assert stored() == before


def test_an_unknown_link_is_a_clear_not_found(client, round_):
    response = client.get(reverse("culture:answer_link", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link is not recognised" in response.content.decode()


@pytest.mark.parametrize("which", ["closed", "not_yet_open"])
def test_a_round_outside_its_dates_refuses_answers_and_stores_nothing(client, round_, closed_round, dimensions, which):
    import datetime

    target = closed_round
    if which == "not_yet_open":
        target = round_
        target.opens_on = target.closes_on = target.closes_on + datetime.timedelta(days=30)
        target.save()
    url = link(target)
    response = client.post(url, level_data(dimensions))
    assert response.status_code == 403
    assert ("This round has closed" if which == "closed" else "This round is not open yet") in response.content.decode()
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_a_level_outside_one_to_five_is_an_error_next_to_the_field(client, round_, dimensions):
    url = link(round_)
    data = level_data(dimensions)
    data[f"level_{dimensions[2].pk}"] = "9"
    page = client.post(url, data).content.decode()
    assert "Choose one of the five levels shown." in page
    assert f'id="id_level_{dimensions[2].pk}-error"' in page
    assert f'href="#id_level_{dimensions[2].pk}_0"' in page
    assert Response.objects.count() == 0


def test_a_dimension_from_another_framework_is_refused_and_nothing_is_saved(client, round_, dimensions):
    other = Framework.objects.create(name="Another framework")
    foreign = other.dimensions.create(name="Something else", covers="Not this round's")
    url = link(round_)
    data = level_data(dimensions)
    data[f"level_{foreign.pk}"] = "3"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert Response.objects.count() == 0 and not Invitation.objects.get().used


def test_a_link_for_one_round_cannot_answer_another(client, round_, closed_round):
    """The token decides the round: there is no round id in the form to tamper with."""
    url = link(round_)
    client.post(url, {"action": "save", "round": str(closed_round.pk)})
    assert list(Response.objects.values_list("round_id", flat=True)) == [round_.pk]


def test_a_member_answers_without_anything_stored_that_names_them(client, round_, dimensions, staff):
    client.force_login(staff)
    url = reverse("culture:answer_member", args=[round_.pk])
    assert client.get(url).status_code == 200
    assert Invitation.objects.count() == 0, "just looking creates nothing"
    client.post(url, {"action": "save", f"level_{dimensions[0].pk}": "2"})
    assert "Welcome back" in client.get(url).content.decode()
    client.post(url, level_data(dimensions, level=3))
    invitation = Invitation.objects.get()
    assert invitation.kind == Invitation.Kind.MEMBER and invitation.used
    assert invitation.token_hash == hash_token(round_.member_token(staff))
    again = client.get(url)
    assert again.status_code == 410
    assert "You have already answered this round" in again.content.decode()


def test_a_member_of_another_organisation_cannot_answer(client, round_, dimensions, outsider):
    client.force_login(outsider)
    response = client.post(reverse("culture:answer_member", args=[round_.pk]), level_data(dimensions))
    assert response.status_code == 403
    assert "This round is for another organisation" in response.content.decode()
    assert Response.objects.count() == 0


def test_signing_in_is_asked_for_before_a_member_answers(client, round_):
    response = client.get(reverse("culture:answer_member", args=[round_.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_log_line_or_audit_entry_names_the_token_or_the_member(client, round_, dimensions, staff, caplog):
    token = round_.create_links(1)[0]
    url = reverse("culture:answer_link", args=[token])
    audit_before = ModelLogEntry.objects.count(), PageLogEntry.objects.count()
    with caplog.at_level(logging.DEBUG):
        client.get(url)
        client.post(url, {"action": "save", f"level_{dimensions[0].pk}": "9"})
        client.post(url, level_data(dimensions))
        client.get(url)  # reused: a 410
        client.post(url, level_data(dimensions))
        client.get(reverse("culture:answer_link", args=[token + "x"]))  # unknown: a 404
        client.force_login(staff)
        member_url = reverse("culture:answer_member", args=[round_.pk])
        client.post(member_url, level_data(dimensions))
        client.get(member_url)  # already answered: a 410
    logged = "\n".join(f"{r.name} {r.getMessage()} {getattr(r, 'request', '')}" for r in caplog.records)
    assert token not in logged
    assert staff.username not in logged and staff.email not in logged
    assert round_.member_token(staff) not in logged
    assert (ModelLogEntry.objects.count(), PageLogEntry.objects.count()) == audit_before


def test_a_saved_draft_is_shown_only_in_the_browser_that_saved_it(client, round_, dimensions, django_user_model):
    """The facilitator holds every link: opening a colleague's link in another browser must
    not show (or let them quietly edit) that colleague's unsent answers."""
    from django.test import Client

    url = link(round_)
    data = {"action": "save", f"level_{dimensions[0].pk}": "4", f"comment_{dimensions[0].pk}": "Private worry"}
    saved = client.post(url, data)
    cookie = saved.cookies["culture_draft"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == url
    assert cookie["max-age"]
    assert Response.objects.get().resume_key_hash == hash_token(cookie.value)
    assert cookie.value not in str(Response.objects.values_list())

    elsewhere = Client().get(url).content.decode()
    assert "Private worry" not in elsewhere
    assert " checked>" not in elsewhere
    assert "Welcome back" not in elsewhere
    assert "they are not shown here" in elsewhere

    again = client.get(url).content.decode()
    assert "Welcome back" in again and "Private worry</textarea>" in again


def test_saving_from_another_browser_replaces_the_draft_and_hides_it_from_the_first(client, round_, dimensions):
    from django.test import Client

    url = link(round_)
    client.post(url, {"action": "save", f"comment_{dimensions[0].pk}": "First draft"})
    other = Client()
    other.post(url, {"action": "save", f"comment_{dimensions[0].pk}": "Second draft"})
    assert list(Answer.objects.values_list("comment", flat=True)) == ["Second draft"]
    first_again = client.get(url).content.decode()
    assert "Second draft" not in first_again and "First draft" not in first_again
    assert "Second draft</textarea>" in other.get(url).content.decode()


def test_sending_spends_the_resume_key(client, round_, dimensions):
    url = link(round_)
    client.post(url, {"action": "save", f"comment_{dimensions[0].pk}": "Draft"})
    sent = client.post(url, level_data(dimensions))
    assert sent.cookies["culture_draft"]["max-age"] == 0
    assert Response.objects.get().resume_key_hash == ""
    assert client.get(url).status_code == 410
