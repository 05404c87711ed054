"""When something fails, people see a page in the site's design, never a traceback.

Each test injects the fault: a view that raises, or a database cursor that
cannot reach the database or finds it locked.
"""

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import RequestFactory
from django.views.defaults import server_error

from portal.home.models import HomePage

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "database is locked (detail only the log should hold)"


def no_traceback(html):
    return "Traceback" not in html and SECRET_DETAIL not in html and 'File "' not in html


def database_down(error=OperationalError):
    """Every query fails, as when the database server is down or SQLite is locked."""
    return mock.patch.object(CursorWrapper, "execute", side_effect=error(SECRET_DETAIL))


@pytest.fixture
def errors_reach_the_page(client):
    client.raise_request_exception = False
    return client


def test_an_unexpected_error_shows_the_sites_500_page(errors_reach_the_page, home):
    with mock.patch.object(HomePage, "serve", side_effect=RuntimeError(SECRET_DETAIL)):
        response = errors_reach_the_page.get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "press your browser's back button" in html.lower()
    assert 'class="nhsuk-header"' in html
    assert no_traceback(html)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_500_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with database_down(), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_a_database_that_cannot_be_reached_gives_a_friendly_503(errors_reach_the_page, home, caplog):
    with caplog.at_level(logging.ERROR, logger="portal.core.middleware"), database_down():
        response = errors_reach_the_page.get("/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Sorry, the service is unavailable" in html
    assert "Please try again in 1 minute." in html
    assert "has not been saved" not in html
    assert no_traceback(html)
    assert "Content-Security-Policy" in response
    # The detail goes to the log for the people who run the portal.
    assert "Database unavailable for GET /" in caplog.text
    assert SECRET_DETAIL in caplog.text


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_form_sent_while_the_database_is_down_says_nothing_was_saved_and_how_to_keep_it(
    errors_reach_the_page, home, error
):
    with database_down(error):
        response = errors_reach_the_page.post(
            "/accounts/login/", {"login": "grace@example.org", "password": "anything-at-all"}
        )
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "What you sent has not been saved" in html
    assert "Press your browser's Back button to return to the form. What you typed will still be there" in html
    assert no_traceback(html)


def test_other_errors_are_not_mistaken_for_the_database_being_down(errors_reach_the_page, home):
    with mock.patch.object(HomePage, "serve", side_effect=ValueError("not a database problem")):
        response = errors_reach_the_page.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
