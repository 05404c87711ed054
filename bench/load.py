"""Readers and posters at once against the production server: errors, lost or doubled posts, latency.

    .venv/bin/python -m bench.load                       # 2 minutes, SQLite
    .venv/bin/python -m bench.load --duration 30 --readers 10 --posters 2
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal .venv/bin/python -m bench.load

It builds a throw-away database (``bench/results/load.sqlite3``, or
``<name>_load`` beside the PostgreSQL database ``DATABASE_URL`` names),
migrates it, loads the demo site, collects the static files and adds the
bench's members; then starts gunicorn with ``portal.settings.production`` on
127.0.0.1 and runs, for ``--duration`` seconds:

* ``--readers`` threads (50) that read the home page, the listings, knowledge
  pages (from the sitemap) and search results, one request after another;
* ``--posters`` threads (5), each signing in as its own members through the
  real sign-in form and posting learning notes through the real ``/share/``
  form with its CSRF token, each "sent for review". A member may start 10 posts
  a day (``learning.moderation.POSTS_PER_DAY``), so each poster moves on to its
  next member after 10; answers that are refused for the limit anyway (429)
  are counted on their own.

Afterwards it counts, in the database, the posts with the bench's one-time
form tokens: every acknowledged post must be there exactly once (none lost),
no token may have made two pages (none doubled), and each must be waiting for
review. It prints responses by status, those counts, and latency percentiles
per kind of request, and writes them to ``bench/results/load-<engine>-<time>.json``
(ignored by git). The exit code is 1 if any answer was a 5xx or a post was
lost or doubled. Not part of the test suite.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PASSWORD = "bench-member-password-not-secret"  # noqa: S105 - a throw-away database
POSTS_PER_MEMBER = 10
SEARCHES = ["falls", "hydration", "medicines", "handover", "care homes", "pressure ulcers"]
LISTINGS = ["/learning/", "/case-studies/", "/peer-visits/", "/updates/"]


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def database_url():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_load"))
    return f"sqlite:///{RESULTS_DIR / 'load.sqlite3'}"


def server_environment(db_url, work_dir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": db_url,
        "STATIC_ROOT": str(work_dir / "static"),
        "MEDIA_ROOT": str(work_dir / "media"),
        "ELASTICSEARCH_URL": "",
        "EMAIL_HOST": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # The simulated readers all search from this one address; the per-client limit would refuse them.
        "SITE_SEARCH_RATE_LIMIT": "100000000/minute",
    }
    return env


def manage(env, *args, log):
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True, stdout=log, stderr=log)


def build_site(env, members, log):
    """A fresh database with the demo site, static files and the bench's members."""
    print("Building the throw-away database (migrate, load_demo, collectstatic, members)...", flush=True)
    code = "from bench.load import recreate_database; recreate_database()"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, check=True, stdout=log, stderr=log)
    for step in (["migrate", "--noinput"], ["load_demo"], ["collectstatic", "--noinput"]):
        print(f"  manage.py {' '.join(step)}", flush=True)
        manage(env, *step, log=log)
    code = f"from bench.load import create_members; create_members({members})"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, check=True, stdout=log, stderr=log)
    print(f"  {members} members added", flush=True)


def recreate_database():
    """Run in a child with the bench's environment: an empty database to migrate."""
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        return
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        quoted = connection.ops.quote_name(name)
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")


def create_members(count):
    """Run in a child: approved members bench-1@example.org ... with one password, hashed once."""
    import django

    django.setup()
    from django.conf import settings

    # Hash with MD5 while creating (production's hasher takes a good fraction
    # of a second each time), then give every member the one real hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from portal.members.factories import MemberFactory

    members = [
        MemberFactory(user__email=f"bench-{number}@example.org", user__first_name="Bench", user__last_name=str(number))
        for number in range(1, count + 1)
    ]
    real_hash = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    get_user_model().objects.filter(pk__in=[member.pk for member in members]).update(password=real_hash)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port, workers, threads, log):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode}); see {log.name}")
        try:
            if requests.get(base + "/", timeout=5).status_code == 200:
                return server, base
        except requests.RequestException:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer within 2 minutes; see {log.name}")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Tally:
    """Every answer and its time, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.latency = defaultdict(list)
        self.failures = Counter()
        self.attempted = []
        self.acknowledged = []
        self.rate_limited = 0
        self.examples = {}

    def record(self, kind, status, seconds):
        with self.lock:
            self.statuses[status] += 1
            self.latency[kind].append(seconds * 1000)

    def failed(self, kind, error):
        with self.lock:
            self.failures[f"{kind}: {type(error).__name__}"] += 1


class Browser:
    """A person's session: cookies kept by hand, since production marks them Secure and this is plain HTTP."""

    def __init__(self, base, tally):
        self.base = base
        self.tally = tally
        self.http = requests.Session()
        self.http.trust_env = False
        self.cookies = {}

    def request(self, kind, method, path, **kwargs):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        started = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, headers=headers, allow_redirects=False, timeout=120, **kwargs
            )
        except requests.RequestException as error:
            self.tally.failed(kind, error)
            return None
        self.tally.record(kind, response.status_code, time.perf_counter() - started)
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.http.cookies.clear()
        if response.status_code >= 500:
            with self.tally.lock:
                self.tally.examples.setdefault(response.status_code, f"{method} {path}: {response.text[:300]}")
        return response

    def csrf_token(self, html):
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else ""


def reader(base, tally, stop, pages, number):
    browser = Browser(base, tally)
    step = number
    while not stop.is_set():
        step += 1
        choice = step % 4
        if choice == 0:
            browser.request("home", "GET", "/")
        elif choice == 1:
            browser.request("listing", "GET", LISTINGS[step % len(LISTINGS)])
        elif choice == 2 and pages:
            browser.request("knowledge page", "GET", pages[step % len(pages)])
        else:
            browser.request("search", "GET", f"/search/?q={SEARCHES[step % len(SEARCHES)]}")


def sign_in(browser, email):
    page = browser.request("sign in", "GET", "/accounts/login/")
    if page is None or page.status_code != 200:
        return False
    data = {"csrfmiddlewaretoken": browser.csrf_token(page.text), "login": email, "password": PASSWORD}
    answer = browser.request("sign in", "POST", "/accounts/login/", data=data)
    return answer is not None and answer.status_code == 302


def note_data(form_html, browser, title, token, setting, domain):
    return {
        "csrfmiddlewaretoken": browser.csrf_token(form_html),
        "token": token,
        "title": title,
        "summary": "A short note posted by the load benchmark.",
        "date": "2026-03-01",
        "author_name": "Bench poster",
        "what_we_tried": "A drinks round at nine in the evening.",
        "what_happened": "Residents drank more and slept better.",
        "what_we_learned": "Thirst wakes people at night.",
        "what_we_would_advise": "Start small with one corridor.",
        "settings": [setting],
        "safety_domains": [domain],
        "topics": "hydration",
        "action": "submit",
    }


def choice_value(html, name):
    match = re.search(rf'name="{name}" value="(\d+)"', html)
    return match.group(1) if match else ""


def poster(base, tally, stop, emails, number):
    members = iter(emails)
    browser, posted = None, POSTS_PER_MEMBER
    while not stop.is_set():
        if posted >= POSTS_PER_MEMBER:
            email = next(members, None)
            if email is None:
                return
            browser, posted = Browser(base, tally), 0
            if not sign_in(browser, email):
                posted = POSTS_PER_MEMBER
                continue
        form = browser.request("share form", "GET", "/share/learning-note/")
        if form is None or form.status_code != 200:
            continue
        token = str(uuid.uuid4())
        title = f"Bench note {number}-{token[:8]}"
        data = note_data(form.text, browser, title, token, choice_value(form.text, "settings"), "")
        data["safety_domains"] = [choice_value(form.text, "safety_domains")]
        with tally.lock:
            tally.attempted.append(token)
        answer = browser.request("post note", "POST", "/share/learning-note/", data=data)
        posted += 1
        if answer is None:
            continue
        if answer.status_code == 302 and answer.headers.get("Location", "").endswith("/share/mine/"):
            with tally.lock:
                tally.acknowledged.append(token)
        elif answer.status_code == 429:
            with tally.lock:
                tally.rate_limited += 1
            posted = POSTS_PER_MEMBER


def knowledge_pages(base):
    """Paths of knowledge pages from the sitemap (the first 200)."""
    sitemap = requests.get(base + "/sitemap.xml", timeout=60).text
    paths = [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    return [path for path in paths if path.count("/") >= 3][:200]


def count_posts(env, tokens):
    """Run a child against the bench's database: how many pages each token made, and their states."""
    code = (
        "import json, sys, django; django.setup()\n"
        "from learning.models import Contribution\n"
        "tokens = json.load(sys.stdin)\n"
        "rows = Contribution.objects.filter(token__in=tokens).with_status()\n"
        "from learning.models import LearningNotePage\n"
        "titles = LearningNotePage.objects.filter(title__startswith='Bench note ').values_list('title', flat=True)\n"
        "out = {'rows': [[str(r.token), r.page_id, str(r.status)] for r in rows], 'titles': list(titles)}\n"
        "json.dump(out, sys.stdout)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=env,
        input=json.dumps(tokens),
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(result.stdout)
    return answer["rows"], answer["titles"]


def load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=120, help="Seconds of load (default 120).")
    parser.add_argument("--readers", type=int, default=50, help="Concurrent readers (default 50).")
    parser.add_argument("--posters", type=int, default=5, help="Concurrent posters (default 5).")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker (default 4).")
    parser.add_argument(
        "--members-per-poster", type=int, default=30, help="Members each poster can sign in as (default 30)."
    )
    parser.add_argument("--reuse", action="store_true", help="Skip building the database (a previous run's).")
    options = parser.parse_args(argv)

    RESULTS_DIR.mkdir(exist_ok=True)
    work_dir = RESULTS_DIR / "load-site"
    db_url = database_url()
    engine = "postgresql" if db_url.startswith("postgres") else "sqlite"
    env = server_environment(db_url, work_dir)
    members = options.posters * options.members_per_poster
    log_path = RESULTS_DIR / "load-server.log"
    with open(log_path, "w") as log:
        if not options.reuse:
            shutil.rmtree(work_dir, ignore_errors=True)
            build_site(env, members, log)
        port = free_port()
        print(f"Starting gunicorn ({options.workers} workers x {options.threads} threads) on 127.0.0.1:{port}")
        server, base = start_server(env, port, options.workers, options.threads, log)
        try:
            pages = knowledge_pages(base)
            tally, stop = Tally(), threading.Event()
            emails = [f"bench-{number}@example.org" for number in range(1, members + 1)]
            threads = [
                threading.Thread(target=reader, args=(base, tally, stop, pages, number), daemon=True)
                for number in range(options.readers)
            ]
            threads += [
                threading.Thread(
                    target=poster,
                    args=(base, tally, stop, emails[number :: options.posters], number),
                    daemon=True,
                )
                for number in range(options.posters)
            ]
            load_before = load_average()
            print(
                f"{options.readers} readers and {options.posters} posters for {options.duration}s "
                f"({len(pages)} knowledge pages; load average before {load_before})...",
                flush=True,
            )
            started = time.monotonic()
            for thread in threads:
                thread.start()
            while time.monotonic() - started < options.duration:
                time.sleep(min(10, options.duration - (time.monotonic() - started)))
                elapsed = time.monotonic() - started
                with tally.lock:
                    done = sum(tally.statuses.values())
                print(f"  {elapsed:5.0f}s  {done} responses, {len(tally.acknowledged)} posts acknowledged", flush=True)
            stop.set()
            for thread in threads:
                thread.join(timeout=150)
            elapsed = time.monotonic() - started
            load_after = load_average()
        finally:
            stop_server(server)

    rows, titles = count_posts(env, tally.attempted)
    made = Counter(token for token, page_id, _status in rows if page_id)
    pages_by_title = Counter(titles)
    lost = sorted(set(tally.acknowledged) - set(made))
    # A token is unique in the database; a doubled post would be a second page with the same title.
    doubled = sorted(title for title, count in pages_by_title.items() if count > 1)
    not_in_review = sorted(
        token for token, _page, status in rows if token in tally.acknowledged and status != "in_review"
    )
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.load", *(argv or sys.argv[1:])]),
        "database": engine,
        "duration_s": round(elapsed, 1),
        "readers": options.readers,
        "posters": options.posters,
        "gunicorn": {"workers": options.workers, "threads": options.threads},
        "machine": {"cpus": os.cpu_count(), "load_average_before": load_before, "load_average_after": load_after},
        "python": platform.python_version(),
        "responses_by_status": dict(sorted(tally.statuses.items())),
        "server_errors": sum(count for status, count in tally.statuses.items() if status >= 500),
        "client_errors": dict(tally.failures),
        "example_server_errors": tally.examples,
        "posts": {
            "attempted": len(tally.attempted),
            "acknowledged": len(tally.acknowledged),
            "rate_limited": tally.rate_limited,
            "in_database": len(made),
            "bench_pages_in_database": len(titles),
            "lost": len(lost),
            "saved_but_not_acknowledged": len(set(made) - set(tally.acknowledged)),
            "doubled": len(doubled),
            "acknowledged_but_not_waiting_for_review": len(not_in_review),
        },
        "latency_ms": {
            kind: {
                "count": len(samples),
                "p50": round(percentile(samples, 0.50), 1),
                "p95": round(percentile(samples, 0.95), 1),
                "p99": round(percentile(samples, 0.99), 1),
                "max": round(max(samples), 1),
            }
            for kind, samples in sorted(tally.latency.items())
        },
    }
    print_report(report)
    path = RESULTS_DIR / f"load-{engine}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(PROJECT_DIR)}; server log in {log_path.relative_to(PROJECT_DIR)}")
    failed = report["server_errors"] or lost or doubled or not_in_review
    return 1 if failed else 0


def print_report(report):
    print(f"\n{report['database']}, {report['duration_s']}s, load average {report['machine']}")
    print("Responses by status: " + ", ".join(f"{s}: {n}" for s, n in report["responses_by_status"].items()))
    if report["client_errors"]:
        print(f"Requests that got no answer: {report['client_errors']}")
    posts = report["posts"]
    print(
        f"Posts: {posts['attempted']} attempted, {posts['acknowledged']} acknowledged, "
        f"{posts['rate_limited']} refused for the daily limit, {posts['in_database']} in the database, "
        f"{posts['lost']} lost, {posts['doubled']} doubled, "
        f"{posts['saved_but_not_acknowledged']} saved although the poster was shown an error"
    )
    print(f"\n{'request':<16}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, row in report["latency_ms"].items():
        print(f"{kind:<16}{row['count']:>8}{row['p50']:>10}{row['p95']:>10}{row['p99']:>10}{row['max']:>10}")


if __name__ == "__main__":
    sys.exit(main())
