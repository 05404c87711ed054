"""deploy/nginx/portal.conf in front of gunicorn, for real: cached, purged on publish, bypassed when signed in.

Starts the production server (gunicorn with production settings, deploy/
gunicorn.conf.py) on a migrated database of its own (SQLite, or PostgreSQL when
DATABASE_URL names it, as in CI's second pass) and nginx with the
rendered config, both on free loopback ports, and changes content from a
separate process as an editor would. Required in CI; skipped locally when
nginx is not installed unless REQUIRE_SERVERS=1.
"""

import getpass
import html as html_module
import http.client
import os
import re
import secrets
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from deploy.nginx import render
from portal.members.factories import PASSWORD
from tests.servers import free_port, pg_recreate, pg_urls, redis_server, require_program, stop, wait_for_port

pytestmark = pytest.mark.nginx

ROOT = Path(__file__).resolve().parents[2]
HOST = "localhost"  # the default Site's hostname after migrating


def manage(env, *args):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}"


def shell(env, code):
    manage(env, "shell", "-c", code)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """Redis, as production has it: the workers share one count of sign-in attempts."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def stack(tmp_path_factory, shared_cache):
    nginx = require_program("nginx", "nginx libnginx-mod-http-cache-purge")
    if not Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so").exists():
        require_program("ngx_http_cache_purge_module.so", "libnginx-mod-http-cache-purge")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    tmp = tmp_path_factory.mktemp("stack")
    app_port, nginx_port = free_port(), free_port()
    # The database the suite runs on, as a database of the stack's own: SQLite, or PostgreSQL
    # when DATABASE_URL names it (CI's second pass).
    pg_maintenance = pg_dbname = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        database_url, pg_maintenance, pg_dbname = pg_urls(os.environ["DATABASE_URL"], "_nginx")
        pg_recreate(pg_maintenance, pg_dbname)
    else:
        database_url = f"sqlite:///{tmp / 'db.sqlite3'}"
    env = {
        **{name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": shared_cache,
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "SECURE_SSL_REDIRECT": "0",
        "PORTAL_PAGE_CACHE": "0",  # nginx alone caches here
        "FRONTEND_CACHE_PURGE_URL": f"http://127.0.0.1:{nginx_port}",
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(tmp / "gunicorn-access.log"),
    }
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    shell(
        env,
        "from wagtail.models import Site; from learning.factories import *;"
        "home = Site.objects.get(is_default_site=True).root_page;"
        "index = LearningIndexPageFactory(parent=home, title='Learning notes', slug='learning');"
        "LearningNotePageFactory(parent=index, title='Night checks cut falls', slug='night-checks',"
        " settings=['care-homes'], safety_domains=['past-harm'])",
    )
    (tmp / "nginx").mkdir()
    conf = tmp / "nginx" / "nginx.conf"
    conf.write_text(
        render(
            listen=f"127.0.0.1:{nginx_port}",
            upstream=f"127.0.0.1:{app_port}",
            static_root=tmp / "static",
            prefix=tmp / "nginx",
            user=getpass.getuser(),
        )
    )
    app = subprocess.Popen(
        [gunicorn, "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115 - closed by the fixture when the server stops
    )
    proxy = subprocess.Popen(
        [nginx, "-p", tmp / "nginx", "-e", tmp / "nginx" / "error.log", "-c", conf, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "nginx" / "stderr.log", "w"),  # noqa: SIM115 - closed by the fixture when nginx stops
    )
    try:
        wait_for_port(app_port, app, timeout=120)
        wait_for_port(nginx_port, proxy)
        yield {"env": env, "base": f"http://127.0.0.1:{nginx_port}", "tmp": tmp}
    finally:
        stop(proxy)
        stop(app)
        if pg_dbname is not None:
            pg_recreate(pg_maintenance, pg_dbname, create=False)


def fetch(stack, path, cookie=None):
    request = urllib.request.Request(stack["base"] + path, headers={"Host": HOST})
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return response.headers, response.read().decode()


def test_a_page_is_stored_then_served_by_nginx(stack):
    first, html = fetch(stack, "/learning/night-checks/")
    assert first["X-Cache-Status"] in {"MISS", "EXPIRED"}
    assert "Night checks cut falls" in html
    second, again = fetch(stack, "/learning/night-checks/")
    assert second["X-Cache-Status"] == "HIT"
    assert again == html
    assert "s-maxage=600" in second["Cache-Control"]


def test_publishing_a_change_purges_the_page_and_its_listing(stack):
    for path in ("/learning/night-checks/", "/learning/", "/"):
        fetch(stack, path)
        assert fetch(stack, path)[0]["X-Cache-Status"] == "HIT", path

    shell(
        stack["env"],
        "from learning.models import LearningNotePage;"
        "page = LearningNotePage.objects.get(slug='night-checks');"
        "page.title = 'Hourly night checks cut falls by a third';"
        "page.save_revision().publish()",
    )
    # Production queues the purge as a background task; the worker runs it, as it does beside gunicorn.
    manage(stack["env"], "db_worker", "--batch", "--no-startup-delay")

    for path in ("/learning/night-checks/", "/learning/", "/"):
        headers, html = fetch(stack, path)
        assert headers["X-Cache-Status"] == "MISS", path
        assert "Hourly night checks cut falls by a third" in html, path


def test_a_request_with_a_session_cookie_bypasses_the_cache(stack):
    fetch(stack, "/learning/")
    assert fetch(stack, "/learning/")[0]["X-Cache-Status"] == "HIT"
    headers, _ = fetch(stack, "/learning/", cookie="sessionid=someone-signed-in")
    assert headers["X-Cache-Status"] == "BYPASS"
    assert "private" in headers["Cache-Control"]
    headers, _ = fetch(stack, "/learning/", cookie="csrftoken=abc; messages=waiting")
    assert headers["X-Cache-Status"] == "BYPASS"


def test_static_files_are_compressed_and_kept_for_a_year(stack):
    _, html = fetch(stack, "/")
    css = next(part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("/static/css/portal."))
    request = urllib.request.Request(stack["base"] + css, headers={"Host": HOST, "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


# Sign-in throttling behind nginx (issue 14, item 3) ---------------------------
# Every visitor reaches gunicorn from nginx's address. Loopback has a whole
# /8, so visitors are told apart by connecting from 127.0.0.2, 127.0.0.3, ...

LOCKED = "Too many failed attempts to sign in."


def sign_in_from(stack, address, email, password, forwarded_for=None):
    """Sign in from one client address, with a CSRF token from the sign-in page: the response."""
    port = int(stack["base"].rsplit(":", 1)[1])

    def request(method, path, body=None, headers=()):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
        connection.request(method, path, body=body, headers={"Host": HOST, **dict(headers)})
        response = connection.getresponse()
        return response, response.read().decode()

    extra = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page, html = request("GET", "/accounts/login/", headers=extra)
    cookie = page.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", **extra}
    return request("POST", "/accounts/login/", body=body, headers=headers)


def test_a_visitors_failed_sign_ins_do_not_lock_out_everyone_behind_nginx(stack):
    shell(
        stack["env"],
        "from portal.members.factories import MemberFactory; MemberFactory(user__email='grace@example.org')",
    )
    for number in range(11):
        sign_in_from(stack, "127.0.0.2", f"nobody{number}@example.org", "guess")
    _, refused = sign_in_from(stack, "127.0.0.2", "grace@example.org", PASSWORD)
    assert LOCKED in html_module.unescape(refused)
    # A header the visitor writes themselves does not make them someone else:
    # nginx adds the address it saw, and only that last entry is believed.
    _, forged = sign_in_from(stack, "127.0.0.2", "grace@example.org", PASSWORD, forwarded_for="192.0.2.1")
    assert LOCKED in html_module.unescape(forged)

    response, page = sign_in_from(stack, "127.0.0.3", "grace@example.org", PASSWORD)
    assert LOCKED not in html_module.unescape(page)
    assert response.status == 302 and response.headers["Location"] == "/"
