"""What a care home manager sees when she enters, uploads, shares and reads her own figures on a phone.

From a manager's review: a double tap on the save button, an upload that replaced months
without asking, sharing explained only once it was done, a header written as in Excel,
a chart joining months across a gap, and the month box not moving on to the next month.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.localmeasures.factories import LocalValueFactory
from portal.localmeasures.models import LocalValue, months_back

pytestmark = pytest.mark.django_db


def measure_url(slug="falls"):
    return reverse("localmeasures:measure", args=[slug])


def month_data(month, numerator="4", denominator="812", **extra):
    return {"month": f"{month:%Y-%m}", "numerator": numerator, "denominator": denominator, **extra}


# 1. A double tap on "Save the month" --------------------------------------------------


def test_the_same_figures_sent_twice_are_saved_once_and_said_once_with_no_error(
    client, care_home, falls, manager, last_month
):
    client.force_login(manager)
    first = client.post(measure_url(), month_data(last_month))
    second = client.post(measure_url(), month_data(last_month))
    assert (first.status_code, second.status_code) == (302, 302)
    value = LocalValue.objects.get()
    assert (value.numerator, value.denominator, value.changed) == (4, 812, False)
    page = client.get(measure_url()).content.decode()
    assert page.count(f"Saved the figures for {last_month:%B %Y}.") == 1
    assert "There is a problem" not in page
    assert "You have already entered" not in page


def test_different_figures_for_a_month_already_entered_are_still_refused(client, care_home, falls, manager, last_month):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=4, denominator=812)
    client.force_login(manager)
    response = client.post(measure_url(), month_data(last_month, numerator="5"))
    assert response.status_code == 400
    assert f"You have already entered {last_month:%B %Y}" in response.content.decode()
    assert LocalValue.objects.get().numerator == 4


# 6. The month box moves on to the next empty month ------------------------------------


def test_after_saving_the_month_box_offers_the_latest_month_not_yet_entered(
    client, care_home, falls, manager, last_month
):
    client.force_login(manager)
    client.post(measure_url(), month_data(last_month))
    page = client.get(measure_url()).content.decode()
    before = months_back(last_month, 1)
    assert f'<option value="{before:%Y-%m}" selected>' in page
    assert f'<option value="{last_month:%Y-%m}" selected>' not in page
