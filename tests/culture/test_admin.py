"""The 'Safety culture' admin menu: frameworks, dimensions with their levels, and rounds."""

import pytest
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def test_rounds_are_listed_with_links_to_results_and_private_links(client, superuser, round_):
    client.force_login(superuser)
    page = client.get("/admin/snippets/culture/round/").content.decode()
    assert "Spring 2027" in page
    assert reverse("culture:round", args=[round_.pk]) in page
    assert reverse("culture:links", args=[round_.pk]) in page


def test_a_dimension_is_edited_with_its_five_level_descriptions(client, superuser, dimensions):
    client.force_login(superuser)
    page = client.get(f"/admin/snippets/culture/dimension/edit/{dimensions[0].pk}/").content.decode()
    assert "Level descriptions" in page
    assert escape(dimensions[0].levels.get(level=1).text) in page


def test_the_menu_is_called_safety_culture(client, superuser):
    client.force_login(superuser)
    assert "Safety culture" in client.get("/admin/").content.decode()


def test_the_programme_team_opens_a_round_for_a_facilitator_picked_by_name_and_organisation(
    client, moderator, practice, staff, facilitator
):
    staff.first_name, staff.last_name = "Priya", "Kaur"
    staff.save()
    client.force_login(moderator)
    page = client.get("/admin/snippets/culture/round/add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ">Priya Kaur, Weaste Lane Surgery</option>" in html
    assert ">Nadia Brennan</option>" in html  # a facilitator without a member profile: the name alone
    assert ">staffmember</option>" not in html and ">facilitator</option>" not in html


def test_the_rounds_listing_names_the_facilitator(client, moderator, round_):
    client.force_login(moderator)
    page = client.get("/admin/snippets/culture/round/").content.decode()
    assert "Nadia Brennan" in page
