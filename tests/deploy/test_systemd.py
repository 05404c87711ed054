"""deploy/systemd/: the task worker's unit runs `manage.py db_worker` with production settings, and restarts.

systemd itself is not run here; the units are read as systemd reads them
(INI sections) and their commands are checked against the portal's own
management commands.
"""

import configparser
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def command_options(command):
    """The options `manage.py help <command>` lists."""
    done = subprocess.run(
        [sys.executable, "manage.py", "help", command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_worker_unit_runs_the_database_task_worker_with_production_settings_and_restarts():
    service = unit("portal-worker.service")["Service"]
    python, manage, command, *options = shlex.split(service["ExecStart"])
    assert (Path(python).name, manage, command) == ("python", "manage.py", "db_worker")
    assert service["Environment"] == "DJANGO_SETTINGS_MODULE=portal.settings.production"
    assert service["Restart"] == "always" and service["KillSignal"] == "SIGTERM"
    listed = command_options("db_worker")
    assert options and all(option in listed for option in options)


def test_a_timer_retries_waiting_emails_every_five_minutes():
    service = unit("portal-send-outbox.service")["Service"]
    python, manage, command, *options = shlex.split(service["ExecStart"])
    assert (manage, command) == ("manage.py", "send_outbox")
    assert service["Environment"] == "DJANGO_SETTINGS_MODULE=portal.settings.production"
    listed = command_options("send_outbox")
    assert all(option in listed for option in options if option.startswith("--"))
    assert unit("portal-send-outbox.timer")["Timer"]["OnUnitActiveSec"] == "5min"
