"""Entering a month, uploading a file and sharing, on the public site: who may, and what bad input does."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.localmeasures.factories import LocalValueFactory, monthly_values
from portal.localmeasures.models import LocalSharing, LocalValue, months_back
from portal.taxonomy.factories import OrganisationFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def measure_url(slug="falls", organisation=None):
    url = reverse("localmeasures:measure", args=[slug])
    return f"{url}?organisation={organisation.pk}" if organisation else url


def month_data(month, numerator="4", denominator="812", **extra):
    return {"month": f"{month:%Y-%m}", "numerator": numerator, "denominator": denominator, **extra}


# Who may see and write ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", "login"), ("pending", 403), ("outsider", 403), ("manager", 200), ("moderator", 200)],
)
def test_only_the_homes_members_and_the_programme_team_see_its_figures(
    client, role, expected, care_home, falls, manager, outsider, pending, moderator, last_month
):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=4167, denominator=900)
    user = {"anonymous": None, "pending": pending, "outsider": outsider, "manager": manager, "moderator": moderator}
    if user[role]:
        client.force_login(user[role])
    response = client.get(measure_url(organisation=care_home))
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == expected
    assert ("4167" in response.content.decode()) is (expected == 200)
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["anonymous", "pending", "outsider"])
def test_nobody_else_can_write_a_homes_figures(client, role, care_home, falls, outsider, pending, last_month):
    user = {"anonymous": None, "pending": pending, "outsider": outsider}[role]
    if user:
        client.force_login(user)
    client.post(measure_url(organisation=care_home), month_data(last_month))
    upload = SimpleUploadedFile("falls.csv", f"month,numerator,denominator\n{last_month:%Y-%m},4,812\n".encode())
    client.post(reverse("localmeasures:upload", args=["falls"]) + f"?organisation={care_home.pk}", {"file": upload})
    client.post(reverse("localmeasures:sharing", args=["falls"]) + f"?organisation={care_home.pk}", {"share": "yes"})
    assert not LocalValue.objects.exists()
    assert not LocalSharing.objects.exists()


def test_a_member_sees_their_own_homes_measures_without_naming_it(
    client, care_home, falls, events, manager, last_month
):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month)
    client.force_login(manager)
    page = client.get(reverse("localmeasures:index")).content.decode()
    assert "Hollins Green Care Home" in page
    assert "Falls" in page and "Significant events" in page
    assert f"Latest month entered: {last_month:%B %Y}" in page
    assert "No months entered yet" in page


def test_the_programme_team_choose_an_organisation_first(client, care_home, falls, moderator):
    client.force_login(moderator)
    page = client.get(reverse("localmeasures:index")).content.decode()
    assert f'?organisation={care_home.pk}"' in page
    page = client.get(reverse("localmeasures:index") + f"?organisation={care_home.pk}").content.decode()
    assert "Hollins Green Care Home" in page and "Falls" in page


def test_a_measure_for_another_setting_is_not_found(client, care_home, manager):
    from portal.localmeasures.factories import LocalMeasureFactory

    LocalMeasureFactory(name="Results not actioned", settings=["general-practice"])
    client.force_login(manager)
    assert client.get(measure_url("results-not-actioned")).status_code == 404


# Entering a month -------------------------------------------------------------------


def test_the_form_says_only_counts_go_here_and_starts_at_last_month(client, care_home, falls, manager, last_month):
    client.force_login(manager)
    page = client.get(measure_url()).content.decode()
    assert f'<option value="{last_month:%Y-%m}" selected>' in page
    assert "Never enter anything about a patient or resident: no names, NHS numbers" in page
    assert "<textarea" not in page


def test_a_member_enters_a_month_and_sees_it_with_who_entered_it(client, care_home, falls, manager, last_month):
    client.force_login(manager)
    response = client.post(measure_url(), month_data(last_month, numerator="4", denominator="1,012"))
    assert response.status_code == 302
    value = LocalValue.objects.get()
    assert (value.organisation, value.month, value.numerator, value.denominator) == (care_home, last_month, 4, 1012)
    assert value.entered_by == manager
    page = client.get(measure_url()).content.decode()
    assert f"Saved the figures for {last_month:%B %Y}" in page
    assert "Entered by Amira Shah" in page


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("month", {"month": "future"}, "has not finished yet"),
        ("month", {"month": "this"}, "has not finished yet"),
        ("month", {"month": "March"}, "Choose a month from the list."),
        ("numerator", {"numerator": "-2"}, "The number of falls cannot be less than 0."),
        ("numerator", {"numerator": "four"}, "Enter the number of falls in figures, like 12."),
        ("numerator", {"numerator": "2.5"}, "Enter the number of falls as a whole number, like 12."),
        ("numerator", {"numerator": ""}, "Enter the number of falls, or 0 if there were none."),
        ("denominator", {"denominator": "0"}, "Occupied bed days cannot be 0"),
        ("denominator", {"denominator": "lots"}, "Enter the number of occupied bed days in figures"),
    ],
)
def test_bad_input_is_refused_next_to_its_box_and_nothing_typed_is_lost(
    client, falls, manager, last_month, field, data, message
):
    this_month = timezone.localdate().replace(day=1)
    months = {"future": months_back(this_month, -2), "this": this_month}
    posted = month_data(last_month, numerator="5", denominator="930")
    if "month" in data:
        posted["month"] = f"{months[data['month']]:%Y-%m}" if data["month"] in months else data["month"]
    else:
        posted.update(data)
    client.force_login(manager)
    response = client.post(measure_url(), posted)
    page = response.content.decode()
    assert response.status_code == 400
    assert not LocalValue.objects.exists()
    assert f'id="id_{field}_error"' in page and message in page
    assert "<title>Error: " in page
    for name in ("numerator", "denominator"):
        assert f'value="{posted[name]}"' in page or posted[name] == ""


def test_rates_may_have_more_events_than_denominator(client, falls, manager, last_month):
    """Falls per 1,000 bed days can exceed 1,000 in a tiny unit in a bad month: unusual, not impossible."""
    client.force_login(manager)
    assert client.post(measure_url(), month_data(last_month, numerator="40", denominator="30")).status_code == 302


def test_a_month_already_entered_is_refused_with_an_offer_to_correct_it(
    client, care_home, falls, manager, moderator, last_month
):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=4, denominator=812)
    client.force_login(manager)
    response = client.post(measure_url(), month_data(last_month, numerator="6", denominator="812"))
    page = response.content.decode()
    assert response.status_code == 400
    assert f"You have already entered {last_month:%B %Y}: 4 falls and 812 occupied bed days" in page
    assert "Replace the figures already entered for this month" in page
    assert LocalValue.objects.get().numerator == 4

    # The programme team correct it; the record keeps who changed it.
    client.force_login(moderator)
    response = client.post(
        measure_url(organisation=care_home), month_data(last_month, numerator="6", denominator="812", replace="on")
    )
    assert response.status_code == 302
    value = LocalValue.objects.get()
    assert (value.numerator, value.changed, value.entered_by) == (6, True, moderator)
    page = client.get(measure_url(organisation=care_home)).content.decode()
    assert "Changed by Priya Nair" in page


def test_correct_link_fills_the_form_with_the_months_figures(client, care_home, falls, manager, last_month):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=4, denominator=812)
    client.force_login(manager)
    page = client.get(measure_url() + f"?month={last_month:%Y-%m}").content.decode()
    assert 'value="812"' in page and "Replace the figures already entered for this month" in page


# Uploading a file -------------------------------------------------------------------


def upload(client, text, slug="falls", **extra):
    return client.post(
        reverse("localmeasures:upload", args=[slug]), {"file": SimpleUploadedFile("data.csv", text.encode()), **extra}
    )


def test_an_upload_with_bad_lines_saves_nothing_and_lists_each_line(client, falls, manager, last_month):
    client.force_login(manager)
    future = months_back(last_month, -3)
    before = months_back(last_month, 1)
    text = (
        "month,numerator,denominator\n"
        f"{before:%Y-%m},3,900\n"
        f"{future:%Y-%m},2,900\n"
        f"{last_month:%Y-%m},-1,900\n"
        f"{last_month:%Y-%m},1,0\n"
        "March,two,900\n"
    )
    response = upload(client, text)
    page = response.content.decode()
    assert response.status_code == 400
    assert not LocalValue.objects.exists()
    assert "has not finished yet" in page
    assert "The number of falls cannot be less than 0." in page
    assert "Occupied bed days cannot be 0" in page
    assert f"{last_month:%Y-%m} appears more than once: it is also on line 4." in page
    assert "‘March’ is not a month written as YYYY-MM" in page
    assert "Enter the number of falls in figures" in page


def test_an_upload_adds_new_months_and_replaces_months_already_there(client, care_home, falls, manager, last_month):
    LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=9, denominator=900)
    client.force_login(manager)
    before = months_back(last_month, 1)
    response = upload(
        client, f"month,numerator,denominator\n{before:%Y-%m},3,880\n{last_month:%Y-%m},2,900\n", replace="on"
    )
    assert response.status_code == 302
    assert list(LocalValue.objects.order_by("month").values_list("numerator", "changed")) == [(3, False), (2, True)]


def test_a_count_measures_file_has_month_and_count(client, events, manager, last_month):
    client.force_login(manager)
    response = upload(client, f"month,count\n{last_month:%Y-%m}-01,3\n", slug="significant-events")
    assert response.status_code == 302
    assert LocalValue.objects.get().numerator == 3


# Sharing ----------------------------------------------------------------------------


def test_a_member_shares_and_unshares_and_the_programme_team_cannot_choose_for_them(
    client, care_home, falls, manager, moderator
):
    sharing = reverse("localmeasures:sharing", args=["falls"])
    client.force_login(manager)
    assert "<strong>Private.</strong>" in client.get(measure_url()).content.decode()
    client.post(sharing, {"share": "yes"})
    assert LocalSharing.objects.get().shared is True
    assert "<strong>Shared.</strong>" in client.get(measure_url()).content.decode()
    client.post(sharing, {"share": "no"})
    assert LocalSharing.objects.get().shared is False

    client.force_login(moderator)
    response = client.post(sharing + f"?organisation={care_home.pk}", {"share": "yes"})
    assert response.status_code == 403
    assert LocalSharing.objects.get().shared is False


# Cost -------------------------------------------------------------------------------


def test_the_measure_page_costs_the_same_however_many_months_and_organisations(client, care_home, falls, manager):
    client.force_login(manager)
    start = months_back(timezone.localdate().replace(day=1), 30)
    monthly_values(care_home, falls, [3, 4], start=start)
    client.get(measure_url())  # the first view fills the caches every page shares
    few = count_queries(client, measure_url())
    few_index = count_queries(client, reverse("localmeasures:index"))
    monthly_values(care_home, falls, [5] * 20, start=months_back(start, -2))
    for _ in range(5):
        monthly_values(OrganisationFactory(), falls, [2] * 12, start=start)
    client.get(measure_url())  # the change replaced the generation: the kept header and footer are read again
    client.get(reverse("localmeasures:index"))
    assert count_queries(client, measure_url()) == few
    assert count_queries(client, reverse("localmeasures:index")) == few_index


# Change ideas on the chart (issue 18) ---------------------------------------------------


def test_the_chart_marks_when_the_homes_change_ideas_started_testing(client, care_home, other_home, falls, manager):
    from portal.improvement.factories import ChangeIdeaStatusFactory
    from portal.roadmap.factories import ChangeIdeaFactory

    start = months_back(timezone.localdate().replace(day=1), 12)
    monthly_values(care_home, falls, [4, 5, 3, 4, 6, 5, 4, 3, 5, 4], start=start)  # ten months from a year ago
    rounds = ChangeIdeaFactory(title="Afternoon <hydration> rounds")
    huddles = ChangeIdeaFactory(title="Falls safety huddles")
    tested_on = months_back(start, -4).replace(day=12)
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=rounds, status="planning", took_effect_on=start)
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=rounds, status="testing", took_effect_on=tested_on)
    ChangeIdeaStatusFactory(  # before the chart's first month
        organisation=care_home, change_idea=huddles, status="testing", took_effect_on=months_back(start, 2)
    )
    ChangeIdeaStatusFactory(  # another home's
        organisation=other_home,
        change_idea=ChangeIdeaFactory(title="Someone else's idea"),
        status="testing",
        took_effect_on=tested_on,
    )
    client.force_login(manager)
    page = client.get(measure_url()).content.decode()

    label = "Started testing: Afternoon &lt;hydration&gt; rounds"
    assert f'<time datetime="{tested_on:%Y-%m-%d}">{tested_on.day} {tested_on:%B %Y}</time>: {label}' in page
    assert page.count('class="spc-annotation"') == 2  # one on each layout of the drawing
    assert f"1. {tested_on:%B %Y}: {label}" in page  # the marker's own text in the SVG
    assert "Falls safety huddles" not in page and "Someone else" not in page
    assert "Afternoon <hydration>" not in page


def test_the_measure_page_costs_the_same_however_many_change_ideas_were_tested(client, care_home, falls, manager):
    from portal.improvement.factories import ChangeIdeaStatusFactory

    client.force_login(manager)
    start = months_back(timezone.localdate().replace(day=1), 12)
    monthly_values(care_home, falls, [3, 4, 5, 4, 3, 4], start=start)
    ChangeIdeaStatusFactory(organisation=care_home, status="testing", took_effect_on=months_back(start, -1))
    client.get(measure_url())
    few = count_queries(client, measure_url())
    for n in range(5):
        ChangeIdeaStatusFactory(organisation=care_home, status="testing", took_effect_on=months_back(start, -n))
    client.get(measure_url())  # the change replaced the generation: the kept header and footer are read again
    assert count_queries(client, measure_url()) == few
    assert client.get(measure_url()).content.decode().count('<span class="nhsuk-u-visually-hidden">Event ') == 6


def test_the_measures_pages_link_back_to_the_organisations_change_ideas(client, care_home, falls, manager, moderator):
    client.force_login(manager)
    for url in (reverse("localmeasures:index"), measure_url()):
        assert '<a href="/my-organisation/">Your change ideas</a>' in client.get(url).content.decode()
    client.force_login(moderator)
    for url in (f"{reverse('localmeasures:index')}?organisation={care_home.pk}", measure_url(organisation=care_home)):
        page = client.get(url).content.decode()
        assert f'<a href="/my-organisation/{care_home.slug}/">Change ideas</a>' in page


# What a security review found -------------------------------------------------------

ABSURD = "1" * 4301  # one digit past what Python's int() will read from text


@pytest.mark.parametrize("field", ["numerator", "denominator"])
@pytest.mark.parametrize("typed", [ABSURD, "1" * 4299, "0" * 4301 + "1" * 8])
def test_a_count_of_absurd_length_is_refused_next_to_its_box_and_kept(client, falls, manager, last_month, field, typed):
    posted = month_data(last_month, numerator="5", denominator="930")
    posted[field] = typed
    client.force_login(manager)
    response = client.post(measure_url(), posted)
    page = response.content.decode()
    assert response.status_code == 400
    assert not LocalValue.objects.exists()
    name = "falls" if field == "numerator" else "occupied bed days"
    assert f'id="id_{field}_error"' in page
    assert f"The number of {name} must be 1,000,000 or fewer: check for an extra digit." in page
    assert f'value="{typed}"' in page


def test_leading_zeros_do_not_make_a_count_too_long(client, falls, manager, last_month):
    client.force_login(manager)
    response = client.post(measure_url(), month_data(last_month, numerator="0" * 4301 + "4", denominator="0812"))
    assert response.status_code == 302
    assert (LocalValue.objects.get().numerator, LocalValue.objects.get().denominator) == (4, 812)


@pytest.mark.parametrize("column", ["numerator", "denominator"])
def test_an_upload_line_with_an_absurdly_long_count_gets_a_line_error(client, falls, manager, column):
    client.force_login(manager)
    line = f"2023-11,{ABSURD},900" if column == "numerator" else f"2023-11,4,{ABSURD}"
    response = upload(client, f"month,numerator,denominator\n2023-10,3,900\n{line}\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert not LocalValue.objects.exists()
    name = "falls" if column == "numerator" else "occupied bed days"
    problem = f"The number of {name} must be 1,000,000 or fewer: check for an extra digit."
    assert f'<td class="nhsuk-table__cell">Line 3 (2023-11)</td><td class="nhsuk-table__cell">{problem}</td>' in page


@pytest.mark.parametrize("organisation", ["1" * 4301, "99999999999999999999", "²"])
def test_an_absurd_organisation_number_is_not_found_not_a_crash(client, falls, moderator, organisation):
    client.force_login(moderator)
    response = client.get(reverse("localmeasures:measure", args=["falls"]) + f"?organisation={organisation}")
    assert response.status_code == 404


TOO_LONG_AGO = "is too long ago: enter months from January 2000 onwards. Check the year."


@pytest.mark.parametrize(
    ("month", "words"), [("1800-01", "January 1800"), ("1900-01", "January 1900"), ("1999-12", "December 1999")]
)
def test_the_form_refuses_a_month_before_2000_with_the_files_words(client, falls, manager, month, words):
    client.force_login(manager)
    response = client.post(measure_url(), {"month": month, "numerator": "4", "denominator": "812"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_month_error"' in page and f"{words} {TOO_LONG_AGO}" in page
    assert not LocalValue.objects.exists()


@pytest.mark.parametrize(
    ("month", "words"), [("0001-01", "January 1"), ("1900-01", "January 1900"), ("1999-12", "December 1999")]
)
def test_a_file_refuses_a_month_before_2000_with_the_forms_words(client, falls, manager, month, words):
    client.force_login(manager)
    response = upload(client, f"month,numerator,denominator\n{month},4,812\n")
    page = response.content.decode()
    assert response.status_code == 400
    line = f'<td class="nhsuk-table__cell">Line 2 ({month})</td>'
    assert line + f'<td class="nhsuk-table__cell">{words} {TOO_LONG_AGO}</td>' in page
    assert not LocalValue.objects.exists()


def test_january_2000_is_accepted_by_the_form_and_the_file(client, falls, events, manager):
    client.force_login(manager)
    response = client.post(measure_url(), {"month": "2000-01", "numerator": "4", "denominator": "812"})
    assert response.status_code == 302
    assert upload(client, "month,count\n2000-01,3\n", slug="significant-events").status_code == 302
    assert sorted(LocalValue.objects.values_list("measure__slug", "month", "numerator")) == [
        ("falls", datetime.date(2000, 1, 1), 4),
        ("significant-events", datetime.date(2000, 1, 1), 3),
    ]


@pytest.mark.parametrize("posted", [{"share": "maybe"}, {}, {"share": ""}, {"share": "YES"}])
@pytest.mark.parametrize("shared", [True, False])
def test_sharing_changes_only_for_one_of_the_two_buttons(client, care_home, falls, manager, posted, shared):
    sharing = reverse("localmeasures:sharing", args=["falls"])
    client.force_login(manager)
    client.post(sharing, {"share": "yes" if shared else "no"})
    before = LocalSharing.objects.values_list("shared", "changed_at").get()
    response = client.post(sharing, posted)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was changed" in page
    assert "Whether Hollins Green Care Home shares its falls figures is still as it was." in page
    assert LocalSharing.objects.values_list("shared", "changed_at").get() == before


def test_a_bad_sharing_choice_makes_no_record_when_there_was_none(client, falls, manager):
    client.force_login(manager)
    response = client.post(reverse("localmeasures:sharing", args=["falls"]), {"share": "maybe"})
    assert response.status_code == 400
    assert not LocalSharing.objects.exists()


def test_correcting_a_month_to_the_same_figures_changes_nothing_and_keeps_the_site_as_drawn(
    client, care_home, falls, manager, last_month
):
    """Saving the same figures again is not a change: no "Changed by", and every kept page stays kept."""
    from portal.core import pagecache

    original = LocalValueFactory(organisation=care_home, measure=falls, month=last_month, numerator=4, denominator=812)
    client.force_login(manager)
    generation = pagecache.current_generation()
    response = client.post(measure_url(), month_data(last_month, numerator="4", denominator="812", replace="on"))
    assert response.status_code == 302
    value = LocalValue.objects.get()
    assert (value.numerator, value.changed, value.entered_by) == (4, False, original.entered_by)
    assert pagecache.current_generation() == generation
    assert "Changed by" not in client.get(measure_url()).content.decode()

    client.post(measure_url(), month_data(last_month, numerator="5", denominator="812", replace="on"))
    assert LocalValue.objects.get().numerator == 5
    assert pagecache.current_generation() != generation
