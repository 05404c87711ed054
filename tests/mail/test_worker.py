"""`make serve` runs the task worker beside gunicorn, and the worker sends what a request queued.

Starts `make serve` for real (collectstatic, migrate, then gunicorn and
`manage.py db_worker` with production settings) on a throwaway SQLite
database, with EMAIL_HOST at a mail server on loopback that this test
starts. A visitor asks for a password reset through gunicorn; the email
arrives at the mail server, sent by the worker: with production's database
task backend nothing else runs tasks. Slow (migrating a new database takes
most of a minute), so it is one test.
"""

import http.cookies
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.mail.smtp import LoopbackSMTPServer
from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def manage_shell(env, code):
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def processes_in_group(group):
    """The command lines of the running processes in a process group (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == group:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ProcessLookupError):
            continue
    return found


def ask_for_a_password_reset(base, email):
    with urllib.request.urlopen(base + "/accounts/password/reset/", timeout=30) as response:  # noqa: S310 - loopback
        page = response.read().decode()
        cookies = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie"):
            cookies.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    request = urllib.request.Request(
        base + "/accounts/password/reset/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": email}).encode(),
        # The CSRF cookie is marked Secure; a browser on plain HTTP to loopback would not send it back.
        headers={"Cookie": f"csrftoken={cookies['csrftoken'].value}"},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location")
    pytest.fail("the password reset form did not redirect")


@pytest.mark.servers
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_make_serve_runs_a_worker_that_sends_the_email_a_request_queued(tmp_path):
    mail_server = LoopbackSMTPServer(answering=True).start()
    port = free_port()
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("EMAIL_", "DATABASE_", "REDIS_"))},
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
        "SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_server.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (tmp_path / "serve.log").open("wb")
    # -o: the virtualenv is installed already; `make serve` must not reinstall it.
    serve = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    group = serve.pid
    try:
        try:
            wait_for_port(port, serve, timeout=600)  # collectstatic and migrate come first
        except RuntimeError as error:
            pytest.fail(f"{error}\n{(tmp_path / 'serve.log').read_text()[-3000:]}")
        assert any("manage.py db_worker" in command for command in processes_in_group(group))

        shell_env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings.production"}
        manage_shell(
            shell_env,
            # An approved member with a confirmed address (the factory confirms it).
            "from portal.members.factories import MemberFactory\n"
            "MemberFactory(user__email='ravi.chandran@example.org')",
        )
        status, location = ask_for_a_password_reset(f"http://127.0.0.1:{port}", "ravi.chandran@example.org")
        assert (status, location) == (302, "/accounts/password/reset/done/")

        [sent] = mail_server.wait_for_messages(1, timeout=120)
        assert sent.rcpt_to == ["ravi.chandran@example.org"]
        assert sent.subject == "Safety Learning Portal: Reset your password"
        assert "/accounts/password/reset/key/" in sent.text

        tasks = json.loads(
            manage_shell(
                shell_env,
                "import json; from django_tasks_db.models import DBTaskResult;"
                "print(json.dumps(list(DBTaskResult.objects.filter(task_path='portal.mail.tasks.send_outbox')"
                ".values_list('status', 'worker_ids'))))",
            )
            .strip()
            .splitlines()[-1]
        )
        assert tasks and all(status == "SUCCESSFUL" and workers for status, workers in tasks), tasks
        assert "Email outbox: 1 sent" in manage_shell(
            shell_env,
            "from portal.mail.models import OutboxEmail;"
            "print(f'Email outbox: {OutboxEmail.objects.sent().count()} sent')",
        )
    finally:
        if serve.poll() is None:
            os.killpg(group, signal.SIGTERM)
            try:
                serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(group, signal.SIGKILL)
                serve.wait()
        log.close()
        mail_server.stop()
    # Stopping `make serve` stopped the worker too: nothing of it is left running.
    assert not [command for command in processes_in_group(group) if "db_worker" in command or "gunicorn" in command]
