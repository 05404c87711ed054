"""What readers, editors and operators get when Elasticsearch cannot be reached.

``ELASTICSEARCH_URL`` points at 127.0.0.1:9, a closed port: every request is
refused by the operating system, exactly as when the cluster is down. Nothing
here pretends to be a server.
"""

import logging
import time
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections, transaction
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published

from learning.factories import LearningNotePageFactory
from portal.core.access import MEMBERS_GROUP
from portal.core.factories import restrict_to_members
from search import service
from search.elasticsearch import signals
from search.elasticsearch.client import indexing_client, outbox_client, query_client
from search.models import IndexOutbox
from tests.helpers import card_titles

pytestmark = pytest.mark.django_db

CLOSED_PORT = "http://127.0.0.1:9"


@pytest.fixture
def unreachable(settings):
    settings.ELASTICSEARCH_URL = CLOSED_PORT
    return settings


def handlers_connected():
    return any(key[0] == "search.elasticsearch.on_page_published.any" for key, *_rest in page_published.receivers)


@pytest.fixture
def indexing(unreachable):
    """The page signal handlers, as ``SearchConfig.ready`` connects them when ELASTICSEARCH_URL is set."""
    connected_before = handlers_connected()  # as in a run with ELASTICSEARCH_URL in the environment
    signals.connect()
    yield
    if not connected_before:
        signals.disconnect()


@pytest.fixture
def note(learning_index):
    return LearningNotePageFactory(
        parent=learning_index, title="Night hydration rounds", what_happened="Thirsty residents walked the corridor."
    )


def test_search_answers_from_the_database_and_says_so(unreachable, note, caplog):
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        results = service.query("corridor")
    assert time.perf_counter() - started < 2.5  # refused at once: no retries, no long timeout
    assert results.degraded is True
    assert [hit.title for hit in results.hits] == ["Night hydration rounds"]
    (warning,) = [record for record in caplog.records if record.name == "search.service"]
    assert warning.levelno == logging.WARNING
    assert "ElasticsearchEngine unavailable for search" in warning.getMessage()
    assert "ConnectionError" in warning.getMessage()


def test_the_search_page_shows_database_results_and_says_they_may_be_incomplete(unreachable, note, client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/search/?q=corridor")
    assert response.status_code == 200
    assert card_titles(response) == ["Night hydration rounds"]
    html = response.content.decode()
    assert "Results may be incomplete right now" in html
    assert "Search is running on a back-up while the main search service is unavailable." in html
    assert any(record.name == "search.service" for record in caplog.records)


def test_the_search_page_has_no_notice_when_search_is_working(settings, note, client):
    settings.ELASTICSEARCH_URL = ""
    response = client.get("/search/?q=corridor")
    assert card_titles(response) == ["Night hydration rounds"]
    assert "Results may be incomplete" not in response.content.decode()


def test_suggestions_and_related_pages_come_from_the_database_too(unreachable, note, learning_index, caplog):
    other = LearningNotePageFactory(parent=learning_index, title="Night drinks trolley")
    with caplog.at_level(logging.WARNING):
        titles = {item["title"] for item in service.suggest("night")}
        related = [hit.page_id for hit in service.related(note)]
    assert titles == {"Night drinks trolley", "Night hydration rounds"}
    assert related == [other.pk]
    warnings = [record.getMessage() for record in caplog.records if record.name == "search.service"]
    assert [message.split(",")[0] for message in warnings] == [
        "Search engine ElasticsearchEngine unavailable for autocomplete",
        "Search engine ElasticsearchEngine unavailable for related content",
    ]


def test_readers_wait_at_most_two_seconds_and_editors_five_with_no_retries(unreachable):
    # Private attributes of the client, read here to pin down the promise in search.elasticsearch.client.
    reader, outbox, command = query_client(), outbox_client(), indexing_client()
    assert (reader._request_timeout, reader._max_retries, reader._retry_on_timeout) == (2, 0, False)
    assert (outbox._request_timeout, outbox._max_retries) == (5, 0)
    assert (command._request_timeout, command._max_retries) == (30, 2)


def test_the_search_engine_is_elasticsearch_with_the_database_behind_it_only_when_configured(settings):
    settings.ELASTICSEARCH_URL = ""
    assert type(service.get_engine()).__name__ == "DatabaseEngine"
    settings.ELASTICSEARCH_URL = CLOSED_PORT
    engine = service.get_engine()
    assert (type(engine.primary).__name__, type(engine.fallback).__name__) == ("ElasticsearchEngine", "DatabaseEngine")


# Publishing while the cluster is down ------------------------------------------------


def test_publishing_keeps_the_change_in_the_outbox_with_the_error(
    indexing, note, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        note.save_revision().publish()
    (row,) = IndexOutbox.objects.all()
    assert (row.page_id, row.action, row.done_at, row.attempts) == (note.pk, "upsert", None, 1)
    assert row.last_error.startswith("ConnectionError: ") and row.last_error.endswith("Connection refused")
    assert row.last_attempt_at is not None
    assert any("stay in the outbox" in record.getMessage() for record in caplog.records)


def test_unpublishing_and_deleting_are_kept_too_and_every_run_retries_what_is_pending(
    indexing, note, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        note.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        note.delete()
    rows = list(IndexOutbox.objects.pending().values_list("page_id", "action", "attempts"))
    # Each run (one per commit) tried every row still pending.
    assert rows == [(note.pk, "upsert", 3), (note.pk, "delete", 2), (note.pk, "delete", 1)]
    assert all("ConnectionError" in error for error in IndexOutbox.objects.values_list("last_error", flat=True))


def test_a_renamed_index_page_queues_every_page_below_it(
    indexing, note, learning_index, django_capture_on_commit_callbacks
):
    other = LearningNotePageFactory(parent=learning_index)
    with django_capture_on_commit_callbacks(execute=True):
        learning_index.slug = "notes"
        learning_index.save_revision().publish()
    assert sorted(IndexOutbox.objects.values_list("page_id", flat=True)) == sorted([note.pk, other.pk])


def test_restricting_a_section_queues_every_page_in_it(
    indexing, note, learning_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=learning_index, restriction_type=PageViewRestriction.LOGIN)
    (row,) = IndexOutbox.objects.all()
    assert row.page_id == note.pk  # the sender will delete it from the index: it is no longer public


def test_restricting_a_section_to_members_queues_every_page_in_it_again_once_its_groups_are_set(
    indexing, note, learning_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict_to_members(learning_index)
    assert list(IndexOutbox.objects.values_list("page_id", flat=True)) == [note.pk, note.pk]
    IndexOutbox.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.groups.remove(Group.objects.get(name=MEMBERS_GROUP))
    (row,) = IndexOutbox.objects.all()
    assert row.page_id == note.pk  # no longer member-only: the sender will delete it from the index


def test_a_rolled_back_publish_leaves_nothing_in_the_outbox(indexing, note, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        note.save_revision().publish()
        raise RuntimeError("the editor's request failed after publishing")
    assert not IndexOutbox.objects.exists()


def test_the_app_connects_the_index_handlers_only_when_elasticsearch_url_is_set(
    settings, note, django_capture_on_commit_callbacks
):
    connected_before = handlers_connected()
    config = apps.get_app_config("search")
    signals.disconnect()
    try:
        settings.ELASTICSEARCH_URL = ""
        config.ready()
        assert not handlers_connected()
        with django_capture_on_commit_callbacks(execute=True):
            note.save_revision().publish()
        assert not IndexOutbox.objects.exists()
        settings.ELASTICSEARCH_URL = CLOSED_PORT
        config.ready()
        assert handlers_connected()
    finally:
        if not connected_before:
            signals.disconnect()


# Commands --------------------------------------------------------------------


def run(*argv):
    """Run a command as ``manage.py`` does, returning its exit code."""
    # run_from_argv closes every database connection when the command ends,
    # which on PostgreSQL would close the test's own transaction under it.
    with mock.patch.object(connections, "close_all"):
        try:
            execute_from_command_line(["manage.py", *argv])
        except SystemExit as exit_:
            return exit_.code
    return 0


def test_search_health_exits_non_zero_with_a_clear_message(unreachable, capsys):
    IndexOutbox.objects.create(page_id=7, action="upsert", attempts=2, last_error="ConnectionError: refused")
    assert run("search_health") == 1
    out, err = capsys.readouterr()
    assert "Outbox:    1 change(s) waiting since" in out
    assert "last error: ConnectionError: refused" in out
    assert err.startswith("CommandError: Elasticsearch at http://127.0.0.1:9 is unreachable (ConnectionError: ")
    assert "Connection refused). Search is answering from the database; page changes wait in the outbox." in err
    assert "Traceback" not in err


def test_search_rebuild_fails_cleanly_and_changes_nothing(unreachable, note, capsys):
    assert run("search_rebuild") == 1
    out, err = capsys.readouterr()
    assert err.startswith("CommandError: Elasticsearch at http://127.0.0.1:9 is unreachable (ConnectionError: ")
    assert "Connection refused). Nothing was changed; search keeps answering from the database." in err
    assert "Traceback" not in err
    assert "Created" not in out


def test_search_outbox_replay_fails_and_keeps_the_rows(unreachable, capsys):
    IndexOutbox.objects.create(page_id=7, action="upsert")
    assert run("search_outbox", "--replay") == 1
    out, err = capsys.readouterr()
    assert "Sent 0 change(s); 1 waiting." in out
    assert "CommandError: 1 change(s) could not be sent to http://127.0.0.1:9: ConnectionError" in err
    assert IndexOutbox.objects.get().attempts == 1


def test_search_outbox_lists_what_is_waiting(capsys):
    IndexOutbox.objects.create(page_id=7, action="delete", attempts=3, last_error="ConnectionTimeout: 2s")
    call_command("search_outbox")
    out = capsys.readouterr().out
    assert "1 change(s) waiting for the search index." in out
    assert "delete page 7  3 attempt(s) - ConnectionTimeout: 2s" in out


@pytest.mark.parametrize("command", ["search_health", "search_rebuild"])
def test_commands_say_when_no_cluster_is_configured(settings, command):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL is not set"):
        call_command(command)
