"""Real servers for tests of the serving set-up: Redis, nginx, gunicorn.

Each test starts its own on a free loopback port, as the current user, in a
temporary directory, and stops it afterwards; nothing system-wide is started.
A missing program skips the test locally and fails it in CI (``CI`` or
``REQUIRE_SERVERS=1``), where ``.ci/run`` installs nginx and redis-server.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.parse

import pytest


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_program(name, package):
    path = shutil.which(name) or next(
        (candidate for candidate in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(candidate)), None
    )
    if path:
        return path
    reason = f"{name} is not installed (apt-get install {package})"
    if os.environ.get("REQUIRE_SERVERS") == "1" or os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(f"{reason}; set REQUIRE_SERVERS=1 to make this an error")


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {timeout} s")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on a free port: its URL."""
    with redis_server(tmp_path) as url:
        yield url


@contextlib.contextmanager
def redis_server(tmp_path):
    """A throwaway redis-server on a free port, for as long as the block runs: its URL."""
    binary = require_program("redis-server", "redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def pg_urls(database_url: str, suffix: str) -> tuple[str, str, str]:
    """A PostgreSQL database of its own beside ``database_url``'s, for a server a test starts.

    Returns (its URL, the maintenance database's conninfo for psycopg, its name).
    """
    parts = urllib.parse.urlsplit(database_url)
    name = urllib.parse.unquote(parts.path.lstrip("/")) or "postgres"
    browser_name = f"{name}_browser{suffix}"
    browser_url = urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(browser_name)))
    # libpq only understands postgres:// and postgresql://
    maintenance = urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return browser_url, maintenance, browser_name


def pg_recreate(maintenance: str, dbname: str, create: bool = True) -> None:
    """Drop ``dbname`` (closing its connections) and, unless ``create`` is false, create it empty."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
