"""What the render and bulk benchmarks share: a database per run, child processes, statistics, the machine."""

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def database_url(name):
    """The benchmark's own database: an SQLite file in bench/results/, or PostgreSQL beside DATABASE_URL's."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{name.replace('-', '_')}"))
    return f"sqlite:///{RESULTS_DIR / f'{name}.sqlite3'}"


def recreate_database(connection):
    """Start from nothing: delete the SQLite file, or drop and create the PostgreSQL database."""
    if connection.vendor == "sqlite":
        connection.close()
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        return
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        quoted = connection.ops.quote_name(name)
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")


def peak_rss_mb():
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Writer:
    """A ``stdout``-like object for ``Progress``: a child's progress goes to stderr, its result to stdout."""

    def write(self, text, ending="\n"):
        sys.stderr.write(text + ending)
        sys.stderr.flush()

    def isatty(self):
        return sys.stderr.isatty()


def run_child(module, args, database, extra_env=None):
    """Run ``python -m module --child ...`` on its own database; return the JSON it prints last."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database,
        "ELASTICSEARCH_URL": "",
        "MEDIA_ROOT": str(RESULTS_DIR / "media"),
        **(extra_env or {}),
    }
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-m", module, "--child", *args],
        env=env,
        cwd=BENCH_DIR.parent,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def machine():
    """The machine, in general terms: processor count and model, memory, Python, load average."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{total_kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, ValueError, IndexError):
        memory = "memory unknown"
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model or platform.machine()}), {memory}, Python {platform.python_version()}, "
        f"load average {load}"
    )
