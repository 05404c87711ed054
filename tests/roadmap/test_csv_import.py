"""Uploading a measure's data points as CSV: every problem named by line, all or nothing."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.roadmap.csv_import import MAX_UPLOAD_BYTES, parse_data_points
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory
from portal.roadmap.views import upload_url

D = datetime.date


def errors_in(text):
    parsed = parse_data_points(text.encode() if isinstance(text, str) else text)
    assert parsed.rows == [] or not parsed.errors
    return parsed.errors


# Reading the file (no database) -------------------------------------------------------------


def test_a_good_file_gives_its_rows_in_order():
    parsed = parse_data_points(b"date,value\r\n2024-01-01,12.5\r\n2024-02-01,-3\r\n2024-03-01, 7 \r\n\r\n")
    assert parsed.ok
    assert parsed.rows == [(D(2024, 1, 1), 12.5), (D(2024, 2, 1), -3.0), (D(2024, 3, 1), 7.0)]


def test_the_header_may_differ_in_case_and_carry_excels_byte_order_mark():
    parsed = parse_data_points("\ufeffDate, Value\n2024-01-01,1\n".encode())
    assert parsed.rows == [(D(2024, 1, 1), 1.0)]


@pytest.mark.parametrize(
    "row, message",
    [
        ("2024-02-01,", "Missing value."),
        ("2024-02-01", "Missing value."),
        (",4", "Missing date."),
        ("01/02/2024,4", "‘01/02/2024’ is not a date written as YYYY-MM-DD, for example 2024-03-01."),
        ("2024-02-30,4", "‘2024-02-30’ is not a real date."),
        ("2024-02-01,four", "‘four’ is not a number."),
        ('2024-02-01,"1,234"', "‘1,234’ is not a number. Leave out thousands separators."),
        ("2024-02-01,nan", "‘nan’ is not a number that can be charted."),
        (
            "2024-02-01,4,extra",
            "This line has 3 columns; it should have 2, the date and the value. "
            "Remove the extra columns (or the comma at the end of the line).",
        ),
        ("2024-01-01,9", "2024-01-01 appears more than once: it is also on line 2."),
    ],
)
def test_each_bad_row_is_reported_with_its_line_number_and_reason(row, message):
    assert errors_in(f"date,value\n2024-01-01,3\n\n{row}\n2024-03-01,5\n") == [(4, message)]


def test_every_problem_in_the_file_is_reported_at_once():
    text = "date,value\n2024-01-01,x\n2024-13-01,\n2024-01-01,2,3\n"
    assert errors_in(text) == [
        (2, "‘x’ is not a number."),
        (3, "‘2024-13-01’ is not a real date."),
        (3, "Missing value."),
        (
            4,
            "This line has 3 columns; it should have 2, the date and the value. "
            "Remove the extra columns (or the comma at the end of the line).",
        ),
        (4, "2024-01-01 appears more than once: it is also on line 2."),
    ]


@pytest.mark.parametrize(
    "content, error",
    [
        (b"", (None, "The file is empty. It needs the header date,value and then one line for each date.")),
        (b"\n \n", (None, "The file is empty. It needs the header date,value and then one line for each date.")),
        (b"date,value\n", (None, "The file has the header date,value but no data under it.")),
        (
            b"2024-01-01,3\n2024-02-01,4\n",
            (1, "The first line must be the header date,value, but it looks like data. Add the header line above it."),
        ),
        (b"month,count\n2024-01-01,3\n", (1, "The first line must be the header date,value, not ‘month,count’.")),
        (
            b"date,value\n2024-01-01,3\n2024-02-01,4\n" + "2024-03-01,café\n".encode("latin-1"),
            (
                None,
                "The file is not UTF-8 text (the first character that is not is on line 4). "
                "Save it again as 'CSV UTF-8' (in Excel: File, Save a copy, CSV UTF-8) and upload that.",
            ),
        ),
        (
            b"date,value\n" + b"2024-01-01,1\n" * (MAX_UPLOAD_BYTES // 13),
            (None, "The file is larger than the limit of 1.0\xa0MB. Split it into smaller files and upload each."),
        ),
    ],
)
def test_problems_with_the_whole_file_are_reported(content, error):
    assert errors_in(content) == [error]


def test_a_line_that_is_not_csv_is_reported():
    assert errors_in(b'date,value\n2024-01-01,1\n2024-02-01,"2"3\n') == [
        (3, "This line cannot be read as CSV (',' expected after '\"')."),
    ]


def test_unprintable_characters_are_shown_as_replacement_marks():
    assert errors_in(b"date,value\n2024-01-01,1\x00\n") == [(2, "‘1\ufffd’ is not a number.")]


# The admin view -------------------------------------------------------------------------------


@pytest.fixture
def measure(db):
    return MeasureFactory(name="Falls in care homes", data_points=[(D(2024, 1, 1), 1), (D(2024, 2, 1), 2)])


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def csv_file(text, name="falls.csv"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


def values(measure):
    return {point.date: point.value for point in measure.data_points.all()}


def test_upload_adds_new_dates_replaces_existing_ones_and_says_how_many(client, superuser, measure):
    client.force_login(superuser)
    form = client.get(upload_url(measure))
    assert form.status_code == 200
    assert "Falls in care homes" in form.content.decode()
    response = client.post(
        upload_url(measure), {"file": csv_file("date,value\n2024-02-01,20\n2024-03-01,3\n2024-04-01,4\n")}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"/admin/snippets/roadmap/measure/edit/{measure.pk}/")
    assert "Uploaded falls.csv to ‘Falls in care homes’: 2 data points added and 1 replaced." in (
        response.content.decode()
    )
    assert values(measure) == {D(2024, 1, 1): 1, D(2024, 2, 1): 20, D(2024, 3, 1): 3, D(2024, 4, 1): 4}
    entry = ModelLogEntry.objects.get(action="roadmap.upload_data_points")
    assert entry.user == superuser
    assert entry.object_id == str(measure.pk)
    assert entry.data == {"file": "falls.csv", "added": 2, "replaced": 1}
    assert entry.message == "Uploaded falls.csv: 2 added, 1 replaced"


def test_a_file_with_any_bad_row_saves_nothing_and_lists_every_problem(client, superuser, measure):
    client.force_login(superuser)
    response = client.post(
        upload_url(measure), {"file": csv_file("date,value\n2024-02-01,20\n2024-03-01,three\n2024-04-01\n")}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file was not uploaded: 2 problems to fix" in html
    assert "Line 3: ‘three’ is not a number." in html
    assert "Line 4: Missing value." in html
    assert "Nothing was saved" in html
    assert values(measure) == {D(2024, 1, 1): 1, D(2024, 2, 1): 2}
    assert not ModelLogEntry.objects.filter(action="roadmap.upload_data_points").exists()


def test_hostile_text_in_a_file_is_shown_as_text(client, superuser, measure):
    client.force_login(superuser)
    html = client.post(upload_url(measure), {"file": csv_file("date,value\n2024-02-01,<b>x</b>\n")}).content.decode()
    assert "‘&lt;b&gt;x&lt;/b&gt;’ is not a number." in html


def test_the_upload_needs_a_file(client, superuser, measure):
    client.force_login(superuser)
    response = client.post(upload_url(measure), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, measure):
    response = client.get(upload_url(measure))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("carehome", password="pw")


def test_a_member_without_permission_to_change_measures_is_turned_away(client, member, measure):
    Group.objects.get(name="Editors").user_set.add(member)  # admin access, but no roadmap permissions
    client.force_login(member)
    for response in (
        client.get(upload_url(measure)),
        client.post(upload_url(measure), {"file": csv_file("date,value\n2024-05-01,5\n")}),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    assert values(measure) == {D(2024, 1, 1): 1, D(2024, 2, 1): 2}


def test_the_programme_team_can_upload_data(client, moderator, measure):
    # Moderators (the programme team) are granted the roadmap permissions by a migration.
    client.force_login(moderator)
    response = client.post(upload_url(measure), {"file": csv_file("date,value\n2024-05-01,5\n")}, follow=True)
    assert "1 data point added and 0 replaced." in response.content.decode()
    assert values(measure)[D(2024, 5, 1)] == 5


def test_an_unknown_measure_is_not_found(client, superuser, db):
    client.force_login(superuser)
    assert client.get("/admin/roadmap/measures/999999/upload/").status_code == 404


def test_the_measure_listing_and_edit_view_offer_the_upload(client, superuser, measure):
    client.force_login(superuser)
    listing = client.get("/admin/snippets/roadmap/measure/").content.decode()
    assert f'href="{upload_url(measure)}"' in listing
    edit = client.get(f"/admin/snippets/roadmap/measure/edit/{measure.pk}/").content.decode()
    assert f'href="{upload_url(measure)}"' in edit
    assert "Upload data points (CSV)" in edit


# Absurd values: refused at upload and in the admin's data point form ------------------------

ABSURD = (
    "‘{}’ is too far from zero to be a value for a measure: values must lie between -1,000,000,000,000 and "
    "1,000,000,000,000 (a million million). Check for a slip such as an extra digit or an exponent."
)


@pytest.mark.parametrize(
    "value, message",
    [
        ("1e308", ABSURD.format("1e308")),
        ("-2000000000000", ABSURD.format("-2000000000000")),
        ("1e13", ABSURD.format("1e13")),
        ("inf", "‘inf’ is not a number that can be charted."),
        ("-Infinity", "‘-Infinity’ is not a number that can be charted."),
        ("NaN", "‘NaN’ is not a number that can be charted."),
    ],
)
def test_non_finite_and_absurd_values_are_refused_by_line(value, message):
    assert errors_in(f"date,value\n2024-01-01,3\n2024-02-01,{value}\n") == [(3, message)]


def test_values_up_to_a_million_million_either_way_are_accepted():
    parsed = parse_data_points(b"date,value\n2024-01-01,1e12\n2024-02-01,-1000000000000\n2024-03-01,0.0001\n")
    assert parsed.rows == [(D(2024, 1, 1), 1e12), (D(2024, 2, 1), -1e12), (D(2024, 3, 1), 0.0001)]


@pytest.mark.parametrize("value", ["1e308", "-1e13", "inf", "nan"])
def test_the_admins_data_point_form_refuses_them_too(db, value):
    from wagtail.admin.panels import get_edit_handler

    from portal.roadmap.models import Measure

    data_point_form = get_edit_handler(Measure).get_form_class().formsets["data_points"].form
    form = data_point_form(data={"date": "2024-02-01", "value": value})
    assert not form.is_valid()
    [message] = form.errors["value"]
    assert message in (
        "Enter a number.",
        "Enter a value between -1,000,000,000,000 and 1,000,000,000,000 (a million million): "
        "a bigger one is almost certainly a slip.",
    )
    assert data_point_form(data={"date": "2024-02-01", "value": "1e12"}).is_valid()


def test_a_value_for_a_month_still_to_come_is_refused_by_line():
    """An upload of 2027-06-01 showed on the public dashboard as the latest figure (moderator's walk-through)."""
    parsed = parse_data_points(b"date,value\n2026-11-01,4\n2027-06-01,3\n", today=D(2026, 12, 6))
    assert parsed.errors == [
        (3, "2027-06-01 is in the future: a value can only be for a date that has passed (today is 2026-12-06).")
    ]
    assert parse_data_points(b"date,value\n2026-12-06,4\n", today=D(2026, 12, 6)).ok


@pytest.mark.parametrize("value", ["-3", "100.5", "250"])
def test_a_percentage_outside_0_to_100_is_refused_by_line(value):
    parsed = parse_data_points(f"date,value\n2024-01-01,{value}\n".encode(), unit="%")
    assert parsed.errors == [
        (2, f"‘{value}’ is not a percentage: this measure is in %, so its values lie between 0 and 100.")
    ]
    assert parse_data_points(b"date,value\n2024-01-01,0\n2024-02-01,100\n", unit="%").ok
    assert parse_data_points(f"date,value\n2024-01-01,{value}\n".encode(), unit="falls per 1,000 bed days").ok


def test_the_upload_refuses_a_future_month_and_a_negative_percentage_and_saves_nothing(client, superuser, measure):
    measure.unit = "%"
    measure.save()
    client.force_login(superuser)
    next_year = D.today().year + 1
    response = client.post(upload_url(measure), {"file": csv_file(f"date,value\n{next_year}-06-01,-3\n")})
    html = response.content.decode()
    assert f"Line 2: {next_year}-06-01 is in the future" in html
    assert "Line 2: ‘-3’ is not a percentage" in html
    assert "Nothing was saved" in html
    assert values(measure) == {D(2024, 1, 1): 1, D(2024, 2, 1): 2}


def test_the_upload_page_links_back_to_the_measure_and_the_measures_list(client, superuser, measure):
    client.force_login(superuser)
    page = client.get(upload_url(measure)).content.decode()
    measure_url = reverse("wagtailsnippets_roadmap_measure:edit", args=[measure.pk])
    # Wagtail folds the header's breadcrumbs away behind a button: the links are in the page itself.
    assert f'<a href="{measure_url}">Back to ‘{measure.name}’</a>' in page
    assert f'<a href="{reverse("wagtailsnippets_roadmap_measure:list")}">All measures</a>' in page


def test_an_upload_shows_on_the_measure_page_at_once(client, home, superuser, measure):
    roadmap = RoadmapPageFactory(parent=home)
    url = f"{roadmap.url}measures/{measure.slug}/"
    assert "February 2024" in client.get(url).content.decode()
    assert "April 2024" not in client.get(url).content.decode()  # viewed twice: the chart is kept
    client.force_login(superuser)
    client.post(upload_url(measure), {"file": csv_file("date,value\n2024-03-01,3\n2024-04-01,4\n")})
    client.logout()
    page = client.get(url).content.decode()
    assert "April 2024" in page and "of 4 points" in page


def test_an_upload_purges_the_measure_page_and_dashboard_from_the_proxy(
    client, home, superuser, measure, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The upload writes in bulk, without a row's save signal; the proxy in front must drop its copies too."""
    from portal.core import purge

    settings.WAGTAILFRONTENDCACHE = {"nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend"}}
    purged = []
    monkeypatch.setattr(purge, "purge_urls_from_cache", lambda urls: purged.extend(urls))
    roadmap = RoadmapPageFactory(parent=home)
    client.force_login(superuser)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(upload_url(measure), {"file": csv_file("date,value\n2024-03-01,3\n2024-04-01,4\n")})
    for path in (f"measures/{measure.slug}/", "dashboard/", "milestones/"):
        assert any(url.endswith(roadmap.url + path) for url in purged), path
