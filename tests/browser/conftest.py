"""Browser-test fixtures (Playwright + Debian's Chromium) and the demo server.

Contract
--------
demo_server (session)  Base URL without trailing slash, e.g. "http://127.0.0.1:41234",
                       of the real demo site: ``manage.py migrate`` + ``load_demo`` into a
                       fresh database, then ``runserver --noreload`` with
                       DJANGO_SETTINGS_MODULE=portal.settings.dev. Database: if
                       DATABASE_URL starts with "postgres", a throw-away database
                       "<name>_browser" (plus "_<xdist worker>" under xdist) on the same
                       server, dropped at the end; otherwise SQLite in a temp dir.
                       MEDIA_ROOT is a temp dir too; the site's emails are files in
                       another (see demo_emails). Any failing step fails the test
                       with that step's output tail. Logs: <pytest basetemp>/demo*/.
demo_shell (session)   ``run(code)``: runs Python in ``manage.py shell`` on the demo server's
                       database, for content a test needs that the demo lacks.
demo_emails (session)  Path of the folder where the demo server writes each email it
                       sends as a file (Django's file-based backend, EMAIL_FILE_PATH).
browser (session)      Playwright sync ``Browser`` (headless Chromium at $CHROMIUM_PATH,
                       default /usr/bin/chromium). Missing/unlaunchable browser: skip,
                       or fail if REQUIRE_BROWSER=1.
page (function)        Fresh ``Page`` in its own context, viewport 1280x900.
phone (function)       Fresh ``Page`` in its own context, viewport 360x740, is_mobile,
                       has_touch, device_scale_factor=2.

Helpers live in ``support.py`` (``from .support import assert_no_axe_violations,
assert_fits_width, assert_valid_html, validate_html, fetch``). Mark tests with
``pytest.mark.browser``.

While Playwright runs, its asyncio loop is "running" in the main thread, so this
module sets DJANGO_ALLOW_ASYNC_UNSAFE=true for the session; otherwise any in-process
Django ORM use (e.g. ``db`` tests that run after a browser test) would raise
SynchronousOnlyOperation. Browser tests should talk to ``demo_server`` only.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.servers import pg_recreate as _pg_recreate
from tests.servers import pg_urls as _pg_urls

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the dir holding manage.py
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60  # seconds until "/" must answer 200
STEP_TIMEOUT = 900  # seconds for migrate / load_demo each


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser or validator (Playwright/Chromium, vnu)")


# --------------------------------------------------------------------------
# Demo server
# --------------------------------------------------------------------------


def _tail(text: str | bytes | None, lines: int = 60) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return "\n".join((text or "").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_step(args: list[str], env: dict, log_dir: Path, name: str) -> None:
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            timeout=STEP_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"demo_server: `manage.py {' '.join(args)}` timed out after {STEP_TIMEOUT}s.\n"
            f"--- stdout tail ---\n{_tail(exc.stdout)}\n--- stderr tail ---\n{_tail(exc.stderr)}",
            pytrace=False,
        )
    (log_dir / f"{name}.stdout.log").write_bytes(proc.stdout)
    (log_dir / f"{name}.stderr.log").write_bytes(proc.stderr)
    if proc.returncode != 0:
        pytest.fail(
            f"demo_server: `manage.py {' '.join(args)}` exited {proc.returncode} "
            f"after {time.monotonic() - started:.0f}s.\n"
            f"--- stderr tail ---\n{_tail(proc.stderr)}\n"
            f"--- stdout tail ---\n{_tail(proc.stdout, 20)}",
            pytrace=False,
        )


def _wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last = "no answer yet"
    bad_answers = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"demo_server: runserver exited with {proc.returncode} before answering.\n"
                f"--- server log tail ---\n{_tail(log.read_text(errors='replace'))}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", errors="replace")
            last = f"HTTP {exc.code}: {' '.join(body.split())[:500]}"
            bad_answers += 1
            if bad_answers >= 3:  # the server is up and keeps refusing: don't wait 60 s
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.5)
    pytest.fail(
        f"demo_server: GET {url} did not answer 200 within {SERVER_START_TIMEOUT}s "
        f"(last: {last}).\n--- server log tail ---\n{_tail(log.read_text(errors='replace'))}",
        pytrace=False,
    )


DEMO_EMAILS = pytest.StashKey[Path]()
DEMO_ENV = pytest.StashKey[tuple]()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory, pytestconfig):
    if not (PROJECT_ROOT / "manage.py").is_file():
        pytest.fail(f"demo_server: no manage.py in {PROJECT_ROOT}", pytrace=False)
    tmp = tmp_path_factory.mktemp("demo")
    media = tmp / "media"
    media.mkdir()
    emails = tmp / "emails"
    emails.mkdir()
    pytestconfig.stash[DEMO_EMAILS] = emails

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    original_url = os.environ.get("DATABASE_URL", "")
    pg_maintenance = pg_dbname = None
    if original_url.startswith("postgres"):
        database_url, pg_maintenance, pg_dbname = _pg_urls(original_url, f"_{worker}" if worker else "")
        try:
            _pg_recreate(pg_maintenance, pg_dbname)
        except Exception as exc:  # noqa: BLE001 - report whatever psycopg raised
            pytest.fail(f"demo_server: cannot create database {pg_dbname!r}: {exc}", pytrace=False)
    else:
        database_url = f"sqlite:///{tmp / 'demo.sqlite3'}"

    port = _free_port()
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        # The links in the demo's emails lead back to this server.
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        PRIVATE_MEDIA_ROOT=str(tmp / "private-media"),
        EMAIL_FILE_PATH=str(emails),
        PYTHONUNBUFFERED="1",
        # Every browser test searches this one server from one address; the limit's own test is in tests/search.
        SITE_SEARCH_RATE_LIMIT="100000/minute",
    )

    pytestconfig.stash[DEMO_ENV] = (env, tmp)
    server = None
    log_handle = None
    try:
        _run_step(["migrate", "--noinput"], env, tmp, "migrate")
        _run_step(["load_demo"], env, tmp, "load_demo")

        log = tmp / "runserver.log"
        log_handle = log.open("wb")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(server, base_url + "/", log)
        yield base_url
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log_handle is not None:
            log_handle.close()
        if pg_dbname is not None:
            try:
                _pg_recreate(pg_maintenance, pg_dbname, create=False)
            except Exception as exc:  # noqa: BLE001 - teardown must not mask results
                print(f"demo_server: could not drop {pg_dbname!r}: {exc}", file=sys.stderr)


@pytest.fixture(scope="session")
def demo_emails(demo_server, pytestconfig):
    return pytestconfig.stash[DEMO_EMAILS]


@pytest.fixture(scope="session")
def demo_shell(demo_server, pytestconfig):
    """Run Python in ``manage.py shell`` against the demo server's database, to add content a test needs."""
    env, tmp = pytestconfig.stash[DEMO_ENV]

    def run(code: str) -> None:
        _run_step(["shell", "-c", code], env, tmp, "shell")

    return run


# --------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------


def _no_browser(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(f"{reason}; set CHROMIUM_PATH, or REQUIRE_BROWSER=1 to make this an error")


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not (os.path.isfile(executable) or shutil.which(executable)):
        _no_browser(f"Chromium not found at {executable!r}")
    executable = executable if os.path.isfile(executable) else shutil.which(executable)

    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            instance = playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=CHROMIUM_ARGS,
                timeout=60_000,
            )
        except Exception as exc:  # noqa: BLE001 - any launch error means "no browser"
            _no_browser(f"Chromium at {executable!r} failed to launch: {exc}")
        yield instance
        instance.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        yield context.new_page()
    finally:
        context.close()
