"""What a care home manager sees when she enters, uploads, shares and reads her own figures on a phone.

From a manager's review: a double tap on the save button, an upload that replaced months
without asking, sharing explained only once it was done, a header written as in Excel,
a chart joining months across a gap, and the month box not moving on to the next month.
"""

import re

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


def test_after_saving_the_month_box_offers_the_next_month_not_yet_entered(
    client, care_home, falls, manager, last_month
):
    """Two months back is in; once it is saved the box moves on to last month, the next one to enter."""
    client.force_login(manager)
    client.post(measure_url(), month_data(months_back(last_month, 1)))
    page = client.get(measure_url()).content.decode()
    assert f'<option value="{last_month:%Y-%m}" selected>' in page
    assert "You are up to date" not in page


def test_a_home_that_is_up_to_date_is_offered_last_month_not_an_old_gap(client, care_home, falls, manager, last_month):
    """Months from 3 to 1 back are in, an older one is missing: the box offers last month, not the old gap."""
    for back in (1, 2, 3):
        LocalValueFactory(organisation=care_home, measure=falls, month=months_back(last_month, back - 1))
    client.force_login(manager)
    page = client.get(measure_url()).content.decode()
    assert f'<option value="{last_month:%Y-%m}" selected>' in page
    assert f'<option value="{months_back(last_month, 3):%Y-%m}" selected>' not in page
    assert f"You are up to date: the figures for {last_month:%B %Y} are in." in page


# 2. An upload asks before replacing months already entered ------------------------------


def upload(client, text, slug="falls", **extra):
    return client.post(
        reverse("localmeasures:upload", args=[slug]), {"file": SimpleUploadedFile("data.csv", text.encode()), **extra}
    )


def test_an_upload_refuses_months_already_entered_with_other_figures_and_saves_nothing(
    client, care_home, falls, manager, last_month
):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=9, denominator=900)
    client.force_login(manager)
    before = months_back(last_month, 1)
    text = f"month,numerator,denominator\n{before:%Y-%m},3,880\n{last_month:%Y-%m},2,900\n"
    response = upload(client, text)
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        f'Line 3 ({last_month:%Y-%m})</td><td class="nhsuk-table__cell">{last_month:%B %Y} is already entered with '
        "9 falls and 900 occupied bed days; this line has 2 falls and 900 occupied bed days." in page
    )
    assert "Replace months already entered" in page
    assert list(LocalValue.objects.values_list("month", "numerator")) == [(last_month, 9)]


def test_ticking_replace_lets_them_through_and_the_page_says_what_was_added_and_replaced(
    client, care_home, falls, manager, last_month
):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=9, denominator=900)
    client.force_login(manager)
    before = months_back(last_month, 1)
    text = f"month,numerator,denominator\n{before:%Y-%m},3,880\n{last_month:%Y-%m},2,900\n"
    response = upload(client, text, replace="on")
    assert response.status_code == 302
    assert list(LocalValue.objects.order_by("month").values_list("numerator", "changed")) == [(3, False), (2, True)]
    page = client.get(measure_url()).content.decode()
    assert (
        f"Added: {before:%B %Y}. Replaced: {last_month:%B %Y} (9 falls and 900 occupied bed days → "
        "2 falls and 900 occupied bed days)." in page
    )


def test_months_sent_again_with_the_same_figures_are_fine_and_left_alone(client, care_home, falls, manager, last_month):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=9, denominator=900)
    client.force_login(manager)
    before = months_back(last_month, 1)
    response = upload(client, f"month,numerator,denominator\n{before:%Y-%m},3,880\n{last_month:%Y-%m},9,900\n")
    assert response.status_code == 302
    assert list(LocalValue.objects.order_by("month").values_list("numerator", "changed")) == [(3, False), (9, False)]
    page = client.get(measure_url()).content.decode()
    assert f"Added: {before:%B %Y}." in page and "Replaced:" not in page


# 4. A header as a spreadsheet writes it, an example file, and months beside line numbers ---


@pytest.mark.parametrize(
    "header", ["Month,Falls,Occupied bed days", "MONTH,NUMERATOR,DENOMINATOR", " month , falls , occupied BED days"]
)
def test_the_header_may_use_the_measures_own_names_in_any_case(client, falls, manager, last_month, header):
    client.force_login(manager)
    response = upload(client, f"{header}\n{last_month:%Y-%m},2,840\n")
    assert response.status_code == 302
    assert LocalValue.objects.get().numerator == 2


def test_a_count_measures_own_header_is_accepted(client, events, manager, last_month):
    client.force_login(manager)
    response = upload(client, f"Month,Significant events reported\n{last_month:%Y-%m},3\n", slug="significant-events")
    assert response.status_code == 302
    assert LocalValue.objects.get().numerator == 3


def test_each_line_problem_quotes_the_lines_month_as_well_as_its_number(client, falls, manager, last_month):
    client.force_login(manager)
    response = upload(client, f"Month,Falls,Occupied bed days\n\n{last_month:%Y-%m},two,840\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Line 3 ({last_month:%Y-%m})" in page
    assert "Enter the number of falls in figures" in page


def test_the_upload_page_offers_an_example_file_with_the_measures_header_and_made_up_months(
    client, care_home, falls, manager, outsider, last_month
):
    client.force_login(manager)
    page = client.get(reverse("localmeasures:upload", args=["falls"])).content.decode()
    example_url = reverse("localmeasures:example", args=["falls"])
    assert f'<a href="{example_url}" download>Download an example file for falls</a>' in page
    response = client.get(example_url)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="falls-example.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    before = months_back(last_month, 1)
    assert lines == ["Month,Falls,Occupied bed days", f"{before:%Y-%m},3,868", f"{last_month:%Y-%m},2,840"]
    # The example file uploads as it is.
    assert upload(client, response.content.decode()).status_code == 302
    assert LocalValue.objects.count() == 2
    # Only those who may keep the home's records get it.
    client.force_login(outsider)
    assert client.get(example_url + f"?organisation={care_home.pk}").status_code == 403


# 3. What sharing means, said before sharing as well as after ------------------------------


SHARING_MEANS = [
    "only city-wide totals for care homes, a month shown only once at least 5 organisations have shared it",
    "with small counts hidden and the other counts rounded",
    "Your own chart and your months are never public",
    "Sharing covers the months already entered and every month you enter while you share",
]


def test_what_sharing_means_is_said_beside_the_share_button_and_again_beside_stop_sharing(
    client, care_home, falls, manager
):
    client.force_login(manager)
    page = client.get(measure_url()).content.decode()
    assert "Share with the city-wide totals</button>" in page
    for words in SHARING_MEANS:
        assert words in page
    client.post(reverse("localmeasures:sharing", args=["falls"]), {"share": "yes"})
    page = client.get(measure_url()).content.decode()
    assert "Stop sharing</button>" in page
    for words in SHARING_MEANS:
        assert words in page


# 5. Her chart: gaps said, rates written alike ------------------------------------------


def test_months_missing_between_the_first_and_latest_are_named_under_the_chart(
    client, care_home, falls, manager, last_month
):
    first = months_back(last_month, 3)
    for month in (first, last_month):
        LocalValueFactory(organisation=care_home, measure=falls, month=month, numerator=7, denominator=1000)
    client.force_login(manager)
    page = client.get(measure_url()).content.decode()
    gap = [months_back(last_month, 2), months_back(last_month, 1)]
    assert f"<strong>Months missing:</strong> {gap[0]:%B %Y}, {gap[1]:%B %Y}. The line joins" in page
    assert f'month={gap[0]:%Y-%m}#enter-heading">Enter {gap[0]:%B %Y}</a>' in page


def test_a_chart_with_no_gap_says_nothing_is_missing(client, care_home, falls, manager, last_month):
    for back in range(3):
        LocalValueFactory(organisation=care_home, measure=falls, month=months_back(last_month, back))
    client.force_login(manager)
    assert "Months missing" not in client.get(measure_url()).content.decode()


def test_rates_have_one_decimal_place_in_the_table_and_the_summary(client, care_home, falls, manager, last_month):
    figures = [(7, 1000), (69, 10000), (1001, 100000), (5, 1202)]  # 7.0, 6.9, 10.01, 4.1597 per 1,000
    for back, (numerator, denominator) in zip(range(3, -1, -1), figures, strict=True):
        LocalValueFactory(
            organisation=care_home,
            measure=falls,
            month=months_back(last_month, back),
            numerator=numerator,
            denominator=denominator,
        )
    client.force_login(manager)
    page = client.get(measure_url()).content.decode()
    rates = re.findall(r'aria-hidden="true">Rate</span>([^<]*)</td>', page)
    assert rates == ["4.2", "10.0", "6.9", "7.0"]
    assert re.search(rf"The latest value, 4\.2 for {last_month:%B %Y}, is below the median \(\d+\.\d\)\.", page)
