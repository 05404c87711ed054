"""Facilitators open their own rounds from the public site, and take their private links away
as printable slips or a download."""

import csv
import datetime
import io
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.culture.models import Invitation, Round

pytestmark = pytest.mark.django_db


def test_an_approved_member_opens_a_round_for_their_organisation_and_facilitates_it(client, staff, practice):
    client.force_login(staff)
    assert reverse("culture:open_round") in client.get(reverse("culture:index")).content.decode()
    today = timezone.localdate()
    data = {"title": "Summer 2027", "opens_on": today.isoformat(), "closes_on": (today + datetime.timedelta(days=20))}
    response = client.post(reverse("culture:open_round"), data)
    round_ = Round.objects.get(title="Summer 2027")
    assert (round_.organisation, round_.facilitator) == (practice, staff)
    assert response["Location"] == f"{reverse('culture:round', args=[round_.pk])}?opened=1"
    page = client.get(response["Location"]).content.decode()
    assert "The round is open. Next, create private links for people to answer." in page
    # Sending the same form again (the back button) makes no second round.
    page = client.post(reverse("culture:open_round"), data).content.decode()
    assert "Weaste Lane Surgery already has a round called" in page
    assert Round.objects.filter(title="Summer 2027").count() == 1


def test_a_name_already_used_links_to_the_existing_round(client, staff, round_):
    client.force_login(staff)
    today = timezone.localdate()
    data = {"title": "spring 2027", "opens_on": f"{today.day} {today.month} {today.year}", "closes_on": ""}
    page = client.post(reverse("culture:open_round"), {**data, "closes_on": data["opens_on"]}).content.decode()
    assert "already has a round called &#x27;Spring 2027&#x27;" in page
    assert f'<a href="{reverse("culture:round", args=[round_.pk])}">Go to Spring 2027</a>' in page


def test_date_boxes_take_day_month_year_as_their_hint_shows(client, staff):
    client.force_login(staff)
    form = client.get(reverse("culture:open_round")).content.decode()
    today = timezone.localdate()
    assert 'type="date"' not in form
    assert "For example, 1 3 2027. Today or later." in form and "2027-03-01" not in form
    assert f'name="opens_on" value="{today.day} {today.month} {today.year}"' in form
    later = today + datetime.timedelta(days=30)
    data = {"title": "Summer 2027", "opens_on": f"{today.day} {today.month} {today.year}"}
    client.post(reverse("culture:open_round"), {**data, "closes_on": f"{later.day}/{later.month}/{later.year}"})
    assert Round.objects.get().closes_on == later


def test_bad_dates_are_explained_next_to_the_field_and_nothing_typed_is_lost(client, staff):
    client.force_login(staff)
    today = timezone.localdate()
    data = {"title": "Winter <b>2027</b>", "opens_on": today.isoformat(), "closes_on": "2020-01-01"}
    page = client.post(reverse("culture:open_round"), data).content.decode()
    assert "<title>Error: Open a safety culture round" in page
    assert 'class="nhsuk-error-summary"' in page
    assert "The last day to answer must be on or after the first day." in page
    assert 'value="Winter &lt;b&gt;2027&lt;/b&gt;"' in page
    page = client.post(reverse("culture:open_round"), {**data, "closes_on": "2027-02-30"}).content.decode()
    assert "Enter a real date as day, month and year, like 21 3 2027." in page
    assert not Round.objects.exists()


def test_a_long_round_name_is_refused_in_the_sites_words_and_kept(client, staff):
    client.force_login(staff)
    today = timezone.localdate()
    name = "Spring round for the night team " * 14  # 448 characters
    data = {"title": name, "opens_on": today.isoformat(), "closes_on": today.isoformat()}
    page = client.post(reverse("culture:open_round"), data).content.decode()

    assert "The name of the round must be 200 characters or fewer (it has 447)." in page
    assert "Ensure this value" not in page
    assert "You can enter up to 200 characters" in page  # the count under the box
    assert f'value="{name}"' in page  # as typed, to the last space
    assert not Round.objects.exists()


def test_only_approved_members_with_an_organisation_open_rounds(client, outsider, moderator, db):
    from portal.members.factories import UserFactory

    assert client.get(reverse("culture:open_round")).status_code == 302  # signed out: sign in first
    client.force_login(UserFactory(username="nobody"))
    response = client.post(reverse("culture:open_round"), {"title": "Sneaky"})
    assert response.status_code == 403 and not Round.objects.exists()
    client.force_login(outsider)
    assert client.get(reverse("culture:open_round")).status_code == 200  # for their own organisation


@pytest.fixture
def made_links(client, round_, facilitator):
    client.force_login(facilitator)
    page = client.post(reverse("culture:links", args=[round_.pk]), {"number": "3"}).content.decode()
    return page, re.findall(r'name="token" value="([^"]+)"', page)


def test_links_are_shown_as_slips_to_cut_out_with_a_print_stylesheet(made_links, round_):
    page, tokens = made_links
    assert len(tokens) == 3
    slips = re.findall(r'<li class="culture-slip">(.*?)</li>', page, re.S)
    assert len(slips) == 3
    for slip, token in zip(slips, tokens, strict=True):
        assert f"/culture/answer/{token}/" in slip
        assert "Weaste Lane Surgery" in slip and round_.closes_on.strftime("%-d %B %Y") in slip
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "portal/static/css/culture.css").read_text()
    assert ".culture-slip {" in css and "dashed" in css
    assert ".culture-no-print" in css.split("@media print", 1)[1]


def test_links_download_as_csv_or_text_without_being_stored(client, made_links, round_):
    _page, tokens = made_links
    url = reverse("culture:links_download", args=[round_.pk])
    response = client.post(url, {"token": tokens, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="private-links-weaste-lane-surgery-spring-2027.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Number", "Organisation", "Round", "Answer by", "Private link"]
    assert [row[4] for row in rows[1:]] == [f"http://testserver/culture/answer/{t}/" for t in tokens]
    text = client.post(url, {"token": tokens, "format": "text"}).content.decode()
    assert all(f"/culture/answer/{t}/" in text for t in tokens)
    # The tokens themselves are still not stored: only their hashes.
    assert not Invitation.objects.filter(token_hash__in=tokens).exists()


def test_a_download_refuses_links_of_another_round_or_from_someone_else(client, made_links, closed_round, outsider):
    _page, tokens = made_links
    other = reverse("culture:links_download", args=[closed_round.pk])
    assert client.post(other, {"token": tokens, "format": "csv"}).status_code == 400
    own = reverse("culture:links_download", args=[made_links and Invitation.objects.first().round_id])
    assert client.post(own, {"token": ["made-up"], "format": "csv"}).status_code == 400
    client.force_login(outsider)
    assert client.post(own, {"token": tokens, "format": "csv"}).status_code == 403


def test_reloading_or_going_back_to_the_links_page_shows_the_same_links_and_makes_none(client, made_links, round_):
    page, tokens = made_links
    url = reverse("culture:links", args=[round_.pk])
    assert Invitation.objects.count() == 3
    # Back, or reloading the address: the same links, nothing new made.
    again = client.get(url).content.decode()
    assert re.findall(r'name="token" value="([^"]+)"', again) == tokens
    assert f'data-replace-history="{url}"' in again
    assert Invitation.objects.count() == 3
    # Each form carries its own batch key; the browser resending a form (reload of the
    # POST, or Back and resubmit) is shown the links that form made, never a fresh set.
    batch = re.search(r'name="batch" value="([^"]+)"', again).group(1)
    made = re.findall(
        r'name="token" value="([^"]+)"', client.post(url, {"number": "2", "batch": batch}).content.decode()
    )
    resent = client.post(url, {"number": "2", "batch": batch}).content.decode()
    assert len(made) == 2 and made != tokens
    assert re.findall(r'name="token" value="([^"]+)"', resent) == made
    assert Invitation.objects.count() == 5
    # A fresh form replaces the links shown.
    fresh = client.post(url, {"number": "1", "batch": "another-form"}).content.decode()
    assert len(re.findall(r'name="token" value="([^"]+)"', fresh)) == 1
    assert Invitation.objects.count() == 6


def test_links_are_shown_for_an_hour_only(client, made_links, round_):
    url = reverse("culture:links", args=[round_.pk])
    later = timezone.now() + datetime.timedelta(hours=1, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client.get(url).content.decode()
    assert "<code>" not in page and "Create links" in page
    assert f"culture_links_{round_.pk}" not in client.session


def test_the_links_page_recommends_slips_at_random_not_emails(made_links):
    page, _tokens = made_links
    assert "paste into emails" not in page
    assert "Whoever hands out links by name knows who got which" in page
    assert "hand out the printed slips at random" in page


def test_opening_the_download_address_goes_to_the_links_page_with_a_message(client, made_links, round_):
    url = reverse("culture:links_download", args=[round_.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("culture:links", args=[round_.pk]) + "?download=get"
    page = response.content.decode()
    assert "Links are downloaded from this page." in page
    assert "Download as a spreadsheet (CSV)" in page
