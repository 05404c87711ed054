"""Requests per second and latency of four public pages under load, cached and uncached, beside nginx's limit.

    .venv/bin/python -m bench.throughput                 # 15 s per run, 16 connections
    .venv/bin/python -m bench.throughput --quick         # 3 s per run, for `make bench`
    .venv/bin/python -m bench.throughput --duration 30 --connections 32 --json out.json

Builds the demo site (``load_demo``) in a database of its own under
``bench/results/throughput/`` (kept and reused unless ``--rebuild``), runs
collectstatic, then for the home page, a listing, a knowledge page and a
search runs wrk (Debian's ``wrk``) on loopback against:

* **uncached**: the production server (gunicorn, ``deploy/gunicorn.conf.py``,
  production settings) with the app's page cache off;
* **app cache**: the same with the page cache on, in Redis when
  ``redis-server`` is installed (local memory otherwise);
* **nginx cache**: nginx with ``deploy/nginx/portal.conf`` in front of the
  uncached server;
* **nginx static**: nginx serving the same pages' HTML, saved as files: the
  most this machine can serve, to which every other figure is compared.

Everything, wrk included, shares the machine's cores, so the figures are for
comparison within one run, not capacity planning. Not part of the test suite.

``--uncached`` measures only the uncached server, as the issue's comparison
does (2 sync workers, ``wrk -t2 -c8 -d10s``), for every public page type and
for the same pages and the member-only ones as a signed-in member (who
sends back the CSRF cookie the portal gave it, as a browser does;
``--member-without-csrf-cookie`` sends only the session cookie), in
``--rounds`` interleaved rounds, and reports medians. Beside it, in the same
rounds:

* ``--against PATH``: another checkout of the portal (for example
  ``git worktree add --detach ../portal-main main``), built and served the
  same way from its own code and database;
* ``--bakerydemo PATH`` or ``--bakerydemo URL``: wagtail/bakerydemo, installed
  at PATH (migrated, ``load_initial_data``, ``collectstatic``; its Python in
  ``PATH/.venv``) and started here with its production settings, SQLite and 2
  sync workers, or already running at URL. Its code stays outside this
  repository.

    .venv/bin/python -m bench.throughput --uncached --against ../portal-main --bakerydemo ../bakerydemo
"""

import argparse
import getpass
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "localhost"  # the demo Site's hostname
MODES = ["uncached", "app cache", "nginx cache", "nginx static"]

sys.path.insert(0, str(ROOT))
from deploy.nginx import render  # noqa: E402
from tests.servers import free_port, stop, wait_for_port  # noqa: E402


def log(message):
    print(message, file=sys.stderr, flush=True)


def base_env(work):
    env = {name: value for name, value in os.environ.items() if name not in {"REDIS_URL", "PORTAL_PAGE_CACHE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'db.sqlite3'}",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="/dev/null",
        # Every request comes from this one address: the search page's limit per client would answer 429.
        SITE_SEARCH_RATE_LIMIT="100000000/minute",
    )
    return env


def manage(env, *args, root=ROOT):
    subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, check=True)


def build(work, env, rebuild, root=ROOT):
    ready = work / "built"
    if ready.exists() and not rebuild:
        log(f"Reusing the demo database in {work} (--rebuild to start again); migrating it to this checkout")
        # As a deploy does: a database built before a new migration would fail on its tables.
        manage(env, "migrate", "--noinput", "-v", "1", root=root)
        return
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    log("Migrating and loading the demo site (a few minutes)...")
    manage(env, "migrate", "--noinput", "-v", "0", root=root)
    manage(env, "load_demo", root=root)
    log("Collecting static files...")
    manage(env, "collectstatic", "--noinput", "-v", "0", root=root)
    ready.touch()


def pick_paths(env):
    code = (
        "from learning.models import LearningIndexPage, LearningNotePage;"
        "from portal.core.models import KnowledgePage;"
        "print('PATH', LearningIndexPage.objects.live().first().url);"
        "print('PATH', KnowledgePage.objects.live().public().first().specific.url)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = [line.split()[1] for line in out.splitlines() if line.startswith("PATH ")]
    return {"home": "/", "listing": found[0], "knowledge page": found[1], "search": "/search/?q=falls"}


class Gunicorn:
    def __init__(self, env, work, page_cache, redis_url=None, root=ROOT):
        self.port = free_port()
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "PORTAL_PAGE_CACHE": "1" if page_cache else "0"}
        if redis_url:
            env["REDIS_URL"] = redis_url
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "gunicorn.log", "a"),  # noqa: SIM115
        )
        wait_for_port(self.port, self.process, timeout=180)
        self.workers = env.get("WEB_CONCURRENCY") or str(os.cpu_count() * 2 + 1)

    def stop(self):
        stop(self.process)


class Nginx:
    def __init__(self, binary, prefix, text):
        prefix.mkdir(parents=True, exist_ok=True)
        conf = prefix / "nginx.conf"
        conf.write_text(text)
        self.process = subprocess.Popen(
            [binary, "-p", prefix, "-e", prefix / "error.log", "-c", conf, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(prefix / "stderr.log", "w"),  # noqa: SIM115
        )

    def stop(self):
        stop(self.process)


def static_conf(prefix, port, root):
    """A bare nginx serving files, with the deploy config's worker and gzip settings."""
    return f"""
user {getpass.getuser()};
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    gzip on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        default_type text/html;
    }}
}}
"""


def get(url):
    request = urllib.request.Request(url, headers={"Host": HOST})  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.read(), dict(response.headers)


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, duration, connections, threads):
    out = subprocess.run(
        # A 30 s timeout: wrk's default of 2 s would drop, not time, slow uncached pages.
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency"]
        + ["-H", f"Host: {HOST}", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {pct: float(value) * UNITS[unit] for pct, value, unit in LATENCY.findall(out)}
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "requests_per_second": rps,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def measure(label, base, paths, args, results, static_names=None):
    for page, path in paths.items():
        target = base + (static_names[page] if static_names else path)
        get(target)  # warm: fill the caches, open the connections
        get(target)
        result = wrk(target, args.duration, args.connections, args.threads)
        results.setdefault(page, {})[label] = result
        log(f"  {label:12} {page:15} {result['requests_per_second']:9.1f} req/s  p50 {result['p50_ms']} ms")


# --- Uncached: every public page type, anonymous and signed in, beside other sites ---

# Each portal page type, and the bakerydemo page nearest to it (the issue's
# comparison: home, article, listing, search; then a browse listing for the
# setting and domain pages, a long StreamField page for the roadmap and a page
# with a table of figures for a measure).
BAKERYDEMO_PATHS = {
    "home": "/",
    "case study": "/blog/wild-yeast/",
    "learning note": "/blog/wild-yeast/",
    "listing": "/blog/",
    "search": "/search/?q=bread",
    "setting page": "/breads/",
    "domain page": "/breads/",
    "roadmap": "/recipes/hot-cross-bun/",
    "measure": "/locations/hof/",
}
# Pages only a signed-in member sees.
MEMBER_ONLY_PATHS = {
    "your profile": "/members/profile/",
    "share: choose": "/share/",
    "share form": "/share/learning-note/?form=00000000-0000-4000-8000-000000000001",  # an unused one-time token
    "your contributions": "/share/mine/",
}

PORTAL_PATHS_CODE = """
from casestudies.models import CaseStudyPage
from learning.models import LearningIndexPage, LearningNotePage
from portal.roadmap.models import Measure, RoadmapPage
from portal.taxonomy.models import SafetyDomain, Setting
print('PATH listing', LearningIndexPage.objects.live().first().url)
print('PATH case study', CaseStudyPage.objects.live().public().order_by('path').first().url)
print('PATH learning note', LearningNotePage.objects.live().public().order_by('path').first().url)
print('PATH setting page', Setting.objects.order_by('sort_order', 'name').first().get_absolute_url())
print('PATH domain page', SafetyDomain.objects.order_by('sort_order', 'name').first().get_absolute_url())
roadmap = RoadmapPage.objects.live().first().url
print('PATH roadmap', roadmap)
print('PATH measure', roadmap + 'measures/' + Measure.objects.order_by('pk').first().slug + '/')
"""

MEMBER_CODE = """
from django.conf import settings
from importlib import import_module
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from portal.members.factories import MemberFactory
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
user = get_user_model().objects.filter(email='throughput@example.org').first()
if user is None:
    user = MemberFactory(user__username='throughput-member', user__email='throughput@example.org')
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print('COOKIE', settings.SESSION_COOKIE_NAME + '=' + session.session_key)
"""


def shell(env, code, root=ROOT):
    command = [sys.executable, "manage.py", "shell", "-c", code]
    out = subprocess.run(command, cwd=root, env=env, check=True, capture_output=True, text=True).stdout
    return [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith(("PATH ", "COOKIE "))]


class Site:
    """Something to measure: a base URL, its pages by type, and headers to send (a session cookie)."""

    def __init__(self, label, base, paths, headers=(), process=None, server_pid=None):
        self.label, self.base, self.paths, self.headers, self.process = label, base, paths, list(headers), process
        self.server_pid = server_pid  # the server's master process, whose workers' CPU time is counted


def _cpu_seconds(pid):
    """User and system CPU time of ``pid`` and its children (gunicorn's master and its workers).

    Read from /proc on Linux; ``None`` where there is no /proc or no process (a site given by URL).
    CPU time per request is steadier than requests per second on a shared machine: another job
    slows the server down but does not make it do more work.
    """
    if pid is None or not Path("/proc").is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state, ppid, ... utime is field 14 and stime 15 of stat(5).
        if int(entry.name) == pid:
            # The master's own time, and that of workers it has reaped (gunicorn replaces a worker
            # after max_requests; its time then moves to the master's cutime and cstime).
            total += sum(int(value) for value in fields[11:15])
        elif int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def csrf_cookie_for(base, cookie):
    """The ``csrftoken`` cookie the portal gives a signed-in member, as ``name=value``.

    A browser sends back the CSRF cookie it was given with every later request;
    a member who never does makes Django draw a new CSRF secret for every page
    (the header's sign-out button needs one). So the signed-in member here does
    what a browser does, unless ``--member-without-csrf-cookie`` asks for the
    old way.
    """
    request = urllib.request.Request(base + "/", headers={"Host": HOST, "Cookie": cookie})  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("csrftoken="):
                return header.split(";", 1)[0]
    sys.exit("The portal set no CSRF cookie for the signed-in member")


def portal_sites(label, root, work, workers, browser_cookies=True):
    """The portal at ``root`` served uncached by gunicorn, as the public and as a signed-in member.

    The member sends the session cookie and, as a browser does, the CSRF cookie
    it was given (``csrf_cookie_for``) unless ``browser_cookies`` is false.
    """
    env = {**base_env(work), "WEB_CONCURRENCY": str(workers)}
    build(work, env, rebuild=False, root=root)
    found = dict(line.rsplit(" /", 1) for line in shell(env, PORTAL_PATHS_CODE, root=root) if " /" in line)
    paths = {"home": "/", **{page: "/" + path for page, path in found.items()}, "search": "/search/?q=falls"}
    order = ["home", "case study", "learning note", "listing", "search", "setting page", "domain page"]
    paths = {page: paths[page] for page in [*order, "roadmap", "measure"] if page in paths}
    cookie = shell(env, MEMBER_CODE, root=root)[0]
    app = Gunicorn(env, work, page_cache=False, root=root)
    base = f"http://127.0.0.1:{app.port}"
    if browser_cookies:
        cookie = f"{cookie}; {csrf_cookie_for(base, cookie)}"
    member_paths = {**paths, **MEMBER_ONLY_PATHS}
    return [
        Site(label, base, paths, process=app, server_pid=app.process.pid),
        Site(f"{label}, signed in", base, member_paths, headers=[f"Cookie: {cookie}"], server_pid=app.process.pid),
    ]


def bakerydemo_site(where, workers):
    """wagtail/bakerydemo already running at a URL, or started from an installed checkout."""
    if where.startswith(("http://", "https://")):
        return Site("bakerydemo", where.rstrip("/"), BAKERYDEMO_PATHS)
    root = Path(where).resolve()
    python = next((p for p in (root / ".venv/bin/python", root / "venv/bin/python") if p.exists()), None)
    if python is None:
        sys.exit(f"No Python for bakerydemo: make a virtualenv at {root / '.venv'} with its requirements and gunicorn")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bakerydemo.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "DATABASE_URL": os.environ.get("BAKERYDEMO_DATABASE_URL", f"sqlite:///{root / 'bakerydemodb'}"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "False",  # plain HTTP on loopback, as for the portal
    }
    env.pop("DJANGO_DEBUG", None)
    process = subprocess.Popen(
        [python, "-m", "gunicorn", "bakerydemo.wsgi", "--workers", str(workers), "--worker-class", "sync"]
        + ["--bind", f"127.0.0.1:{port}", "--preload", "--access-logfile", "/dev/null"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(RESULTS_DIR / "bakerydemo-gunicorn.log", "a"),  # noqa: SIM115
    )
    wait_for_port(port, process, timeout=180)
    return Site("bakerydemo", f"http://127.0.0.1:{port}", BAKERYDEMO_PATHS, process=process, server_pid=process.pid)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirects)


def wrk_site(site, page, args):
    url = site.base + site.paths[page]
    extra = [arg for header in site.headers for arg in ("-H", header)]
    request = urllib.request.Request(url, headers={"Host": HOST, **dict(h.split(": ", 1) for h in site.headers)})  # noqa: S310
    for _ in range(2):  # warm: fill the per-process caches; a redirect (to sign in, say) is a mistake
        try:
            with NO_REDIRECTS.open(request, timeout=60) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
    if status != 200:
        sys.exit(f"{site.label} {page}: status {status} for {url}")
    cpu_before = _cpu_seconds(site.server_pid)
    out = subprocess.run(
        ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "30s", "--latency"]
        + ["-H", f"Host: {HOST}", *extra, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cpu_after = _cpu_seconds(site.server_pid)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non_2xx:
        sys.exit(f"{site.label} {page}: {non_2xx.group(1)} responses were not 2xx or 3xx ({url})")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    cpu_ms = None
    if cpu_before is not None and cpu_after is not None and requests:
        cpu_ms = (cpu_after - cpu_before) * 1000 / requests
    return rps, cpu_ms


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def uncached_table(report):
    """Median req/s per page type for each site, and the portal's ratios to the others."""
    medians = report["medians"]
    labels = list(medians)
    portal, anon = labels[0], labels[0]
    member = next((label for label in labels if label == f"{portal}, signed in"), None)
    # The other checkout's label may begin with "portal" too ("portal-before"): compare whole labels.
    against = next(
        (label for label in labels if label not in (portal, member) and not label.startswith("bakerydemo")), None
    )
    if against and against.endswith(", signed in"):
        against = against.removesuffix(", signed in")
    against_label = against
    columns = [portal]
    if member:
        columns.append(member)
    if against:
        columns.append(against)
    if "bakerydemo" in medians:
        columns.append("bakerydemo")
    ratios = []
    if "bakerydemo" in medians:
        ratios.append(("x bakerydemo", anon, "bakerydemo"))
    if against:
        ratios.append((f"x {against_label}", anon, against))
        member_against = next((label for label in labels if label == f"{against}, signed in"), None)
        if member and member_against:
            ratios.append((f"signed in x {against_label}", member, member_against))
    if member:
        ratios.append(("signed in / public", member, anon))
    pages = list(dict.fromkeys(page for label in labels for page in medians[label]))
    head = ["page type", *(f"{c} req/s" for c in columns), *(name for name, _, _ in ratios)]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for page in pages:
        cells = [page]
        for column in columns:
            value = medians[column].get(page)
            cells.append(f"{value:.1f}" if value else "")
        for _, top, bottom in ratios:
            a, b = medians[top].get(page), medians[bottom].get(page)
            cells.append(f"{a / b:.2f}x" if a and b else "")
        lines.append("| " + " | ".join(cells) + " |")
    note = report.get("bakerydemo_pages")
    if note:
        lines.append("\nbakerydemo's page for each type: " + ", ".join(f"{k} {v}" for k, v in note.items()))
    return "\n".join(lines)


def cpu_table(report):
    """CPU milliseconds per request per page type and site, and how many times bakerydemo's the portal's is.

    "x bakerydemo" is bakerydemo's CPU per request over the portal's, so 2.00x means the portal
    does half the work for its page: the same sense as the req/s ratios above.
    """
    cpu = report.get("cpu_ms_per_request") or {}
    labels = [label for label in cpu if cpu[label]]
    if not labels:
        return "(not measured: no /proc, or every site was given by URL)"
    portal = labels[0]
    head = ["page type", *(f"{label} ms" for label in labels)]
    others = [label for label in labels[1:] if not label.endswith("signed in")]
    head += [f"x {label}" for label in others]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    pages = list(dict.fromkeys(page for label in labels for page in cpu[label]))
    for page in pages:
        cells = [page]
        for label in labels:
            value = cpu[label].get(page)
            cells.append(f"{value:.1f}" if value else "")
        for label in others:
            mine, theirs = cpu[portal].get(page), cpu[label].get(page)
            cells.append(f"{theirs / mine:.2f}x" if mine and theirs else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def uncached(args):
    """Interleaved rounds of wrk against each site's pages, uncached; medians per page and site."""
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    RESULTS_DIR.mkdir(exist_ok=True)
    sites = []
    try:
        log("Starting the portal (this checkout)...")
        browser_cookies = not args.member_without_csrf_cookie
        sites += portal_sites("portal", ROOT, RESULTS_DIR / "throughput", args.workers, browser_cookies)
        if args.against:
            root = Path(args.against).resolve()
            log(f"Starting the portal from {root}...")
            sites += portal_sites(
                root.name, root, root / "bench" / "results" / "throughput", args.workers, browser_cookies
            )
        if args.bakerydemo:
            log("Starting bakerydemo...")
            sites.append(bakerydemo_site(args.bakerydemo, args.workers))
        if args.pages:
            for site in sites:
                site.paths = {page: path for page, path in site.paths.items() if page in args.pages}
        runs = {site.label: {} for site in sites}
        cpu = {site.label: {} for site in sites}
        for number in range(1, args.rounds + 1):
            log(f"Round {number} of {args.rounds}")
            pages = list(dict.fromkeys(page for site in sites for page in site.paths))
            for page in pages:
                for site in sites:
                    if page in site.paths:
                        rps, cpu_ms = wrk_site(site, page, args)
                        runs[site.label].setdefault(page, []).append(rps)
                        if cpu_ms is not None:
                            cpu[site.label].setdefault(page, []).append(cpu_ms)
                        shown = f"{cpu_ms:6.1f} ms CPU/request" if cpu_ms is not None else ""
                        log(f"  {site.label:28} {page:20} {rps:8.1f} req/s  {shown}")
    finally:
        for site in sites:
            if site.process is not None:
                if isinstance(site.process, Gunicorn):
                    site.process.stop()
                else:
                    stop(site.process)
    report = {
        "command": " ".join([Path(sys.executable).name, "-m", "bench.throughput", *sys.argv[1:]]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "gunicorn_workers": args.workers,
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
        "rounds": args.rounds,
        "runs": runs,
        "medians": {label: {page: median(values) for page, values in pages.items()} for label, pages in runs.items()},
        "cpu_ms_per_request": {label: {page: median(v) for page, v in pages.items()} for label, pages in cpu.items()},
        "paths": {site.label: site.paths for site in sites},
    }
    if args.bakerydemo:
        report["bakerydemo_pages"] = BAKERYDEMO_PATHS
    print(f"\nUncached, {args.workers} sync workers, wrk {report['wrk']}, median of {args.rounds} interleaved rounds\n")
    print(uncached_table(report))
    print("\nCPU time per request (ms; the server's processes, median of the rounds; lower is better):\n")
    print(cpu_table(report))
    print(f"\nLoad average after: {report['load_average_after']}")
    destination = args.json or RESULTS_DIR / "throughput-uncached.json"
    destination.write_text(json.dumps(report, indent=2))
    print(f"Results written to {destination}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run (default 15)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--quick", action="store_true", help="3 s runs with 8 connections")
    parser.add_argument("--rebuild", action="store_true", help="build the demo database again")
    parser.add_argument("--json", type=Path, help="where to write the results (default bench/results/throughput.json)")
    parser.add_argument("--uncached", action="store_true", help="only the uncached server, every page type")
    parser.add_argument("--against", help="with --uncached: another portal checkout to measure beside this one")
    parser.add_argument("--bakerydemo", help="with --uncached: an installed bakerydemo checkout, or its URL")
    parser.add_argument(
        "--pages", nargs="+", metavar="PAGE", help='with --uncached: only these page types, e.g. roadmap "case study"'
    )
    parser.add_argument("--rounds", type=int, default=2, help="with --uncached: interleaved rounds (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="with --uncached: gunicorn sync workers (default 2)")
    parser.add_argument(
        "--member-without-csrf-cookie",
        action="store_true",
        help="with --uncached: the signed-in member sends only the session cookie (as before 2026-12-06), "
        "not the CSRF cookie a browser sends back",
    )
    args = parser.parse_args()
    if args.uncached:
        if not any(a.startswith("--duration") for a in sys.argv):
            args.duration = 10
        if not any(a.startswith("--connections") for a in sys.argv):
            args.connections = 8
        if args.quick:
            args.duration = 3
        return uncached(args)
    if args.quick:
        args.duration, args.connections = 3, 8
    for program in ("wrk", "nginx"):
        if not (shutil.which(program) or Path(f"/usr/sbin/{program}").exists()):
            sys.exit(
                f"{program} is not installed: apt-get install wrk nginx libnginx-mod-http-cache-purge redis-server"
            )
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"

    work = RESULTS_DIR / "throughput"
    env = base_env(work)
    build(work, env, args.rebuild)
    paths = pick_paths(env)
    log(f"Pages: {paths}")
    results = {}
    running = []
    redis_process = None
    scratch = Path(tempfile.mkdtemp(prefix="throughput-"))
    try:
        # Uncached, directly and behind nginx.
        app = Gunicorn(env, work, page_cache=False)
        running.append(app)
        proxy_port = free_port()
        proxy = Nginx(
            nginx_binary,
            scratch / "proxy",
            render(
                listen=f"127.0.0.1:{proxy_port}",
                upstream=f"127.0.0.1:{app.port}",
                static_root=work / "static",
                media_root=work / "media",
                prefix=scratch / "proxy",
                access_log="off",
                user=getpass.getuser(),
            ),
        )
        running.append(proxy)
        wait_for_port(proxy_port, proxy.process)
        log("Measuring (uncached, nginx cache)...")
        measure("uncached", f"http://127.0.0.1:{app.port}", paths, args, results)
        measure("nginx cache", f"http://127.0.0.1:{proxy_port}", paths, args, results)

        # The same HTML as files.
        html_root = scratch / "html"
        html_root.mkdir()
        static_names = {}
        for page, path in paths.items():
            name = "/" + page.replace(" ", "-") + ".html"
            (html_root / name.lstrip("/")).write_bytes(get(f"http://127.0.0.1:{app.port}{path}")[0])
            static_names[page] = name
        static_port = free_port()
        static = Nginx(nginx_binary, scratch / "static", static_conf(scratch / "static", static_port, html_root))
        running.append(static)
        wait_for_port(static_port, static.process)
        log("Measuring (nginx static)...")
        measure("nginx static", f"http://127.0.0.1:{static_port}", paths, args, results, static_names)
        for process in (proxy, app):
            process.stop()

        # The app's own cache, in Redis when there is one.
        redis_url = None
        redis_binary = shutil.which("redis-server") or (
            "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
        )
        if redis_binary:
            redis_port = free_port()
            redis_process = subprocess.Popen(
                [redis_binary, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", scratch],
                stdout=subprocess.DEVNULL,
            )
            wait_for_port(redis_port, redis_process)
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        cached_app = Gunicorn(env, work, page_cache=True, redis_url=redis_url)
        running.append(cached_app)
        log(f"Measuring (app cache in {'Redis' if redis_url else 'local memory'})...")
        measure("app cache", f"http://127.0.0.1:{cached_app.port}", paths, args, results)
    finally:
        for process in reversed(running):
            process.stop()
        if redis_process:
            stop(redis_process)
        shutil.rmtree(scratch, ignore_errors=True)

    for page in results.values():
        limit = page["nginx static"]["requests_per_second"]
        for result in page.values():
            result["ratio_to_nginx_static"] = round(result["requests_per_second"] / limit, 4) if limit else None

    report = {
        "command": " ".join([Path(sys.executable).name, "-m", "bench.throughput", *sys.argv[1:]]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "database": "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite",
        "app_cache": "Redis" if redis_url else "local memory",
        "gunicorn_workers": cached_app.workers,
        "duration_s": args.duration,
        "connections": args.connections,
        "wrk_threads": args.threads,
        "paths": paths,
        "results": results,
    }
    print(f"\n{'page':15} {'mode':13} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x nginx static':>15}\n" + "-" * 72)
    for page, modes in results.items():
        for mode in MODES:
            if mode in modes:
                r = modes[mode]
                print(
                    f"{page:15} {mode:13} {r['requests_per_second']:9.1f} {r['p50_ms'] or 0:8.2f} "
                    f"{r['p99_ms'] or 0:8.2f} {r['ratio_to_nginx_static'] or 0:15.1%}"
                )
    print(f"\n{args.duration} s per run, {args.connections} connections, load average {report['load_average_after']}")
    destination = args.json or RESULTS_DIR / "throughput.json"
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(json.dumps(report, indent=2))
    print(f"Results written to {destination}")


if __name__ == "__main__":
    main()
