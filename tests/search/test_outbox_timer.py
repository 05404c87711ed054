"""The systemd timer in deploy/ runs the outbox replay, and the command it runs works as the timer needs."""

import configparser
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.models import IndexOutbox
from tests.search.es_fault_server import bulk_accepted

pytestmark = pytest.mark.django_db

SYSTEMD = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(SYSTEMD / name)
    return parser


def replay_arguments():
    """The manage.py command and arguments the service runs."""
    argv = shlex.split(unit("portal-search-outbox.service")["Service"]["ExecStart"])
    assert argv[1] == "manage.py"
    return argv[2:]


def test_the_timer_starts_the_replay_service_every_five_minutes():
    timer = unit("portal-search-outbox.timer")
    assert timer["Timer"]["Unit"] == "portal-search-outbox.service"
    assert timer["Timer"]["OnUnitActiveSec"] == "5min"
    assert timer["Install"]["WantedBy"] == "timers.target"
    service = unit("portal-search-outbox.service")
    assert service["Service"]["Type"] == "oneshot"
    assert replay_arguments() == ["search_outbox", "--replay"]


def test_the_timers_command_fails_while_the_cluster_refuses_and_sends_once_it_accepts(fault_server, learning_index):
    from learning.factories import LearningNotePageFactory

    page = LearningNotePageFactory(parent=learning_index)
    IndexOutbox.objects.create(page_id=page.pk, action="upsert")
    with pytest.raises(CommandError, match="1 change\\(s\\) could not be sent"):
        call_command(*replay_arguments())
    assert IndexOutbox.objects.pending().count() == 1
    fault_server.script("PUT", "/_bulk", bulk_accepted)
    call_command(*replay_arguments())
    assert not IndexOutbox.objects.pending().exists()
