"""Every benchmark in one go, printed as one report: ``make bench``.

    .venv/bin/python -m bench.run            # modest sizes: under 8 minutes on a quiet 2-core machine
    .venv/bin/python -m bench.run --full     # the sizes the targets name: 50,000 pages for bulk work

Runs, each in child processes on databases of their own:

* render time per page type at 100 and 10,000 knowledge pages (``bench.render``);
* demo load, bulk import and search index rebuild at 1,000 and 10,000 pages, or 50,000 with
  ``--full`` (``bench.bulk``);
* requests per second under ``wrk`` (``bench.throughput``), when that module is present; if it
  is missing or fails, the report says "not run" and why: first every page type uncached (2 sync
  workers, as a signed-in member too), beside bakerydemo with ``--bakerydemo PATH|URL`` and another
  portal checkout (today's main, say) with ``--against PATH``; then the four cached and uncached
  modes against nginx's limit;
* when ``DATABASE_URL`` names PostgreSQL, the faceted search against the raw backend query at
  10,000 and 100,000 pages (``bench.search``, reusing its databases once built: the first run
  builds them, about 15 minutes). Without it the report says how to run that table.

    make bench BAKERYDEMO=../bakerydemo AGAINST=../portal-main

Results also go to ``bench/results/`` as JSON (ignored by git).
"""

import argparse
import datetime
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import bulk, render
from bench import search as search_bench
from bench.common import BENCH_DIR, RESULTS_DIR, machine


def throughput(full):
    """Rows from ``python -m bench.throughput --quick --json PATH``, or the reason it did not run."""
    if importlib.util.find_spec("bench.throughput") is None:
        return None, "not run: bench/throughput.py is not in this checkout"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "throughput.json"
        command = [sys.executable, "-m", "bench.throughput", "--json", str(path)]
        if not full:
            command.insert(3, "--quick")
        try:
            done = subprocess.run(command, cwd=BENCH_DIR.parent, capture_output=True, text=True)
        except OSError as error:
            return None, f"not run: {error}"
        if done.returncode != 0 or not path.exists():
            reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
            return None, f"not run: {reason}"
        return json.loads(path.read_text()), None


def uncached(full, bakerydemo=None, against=None):
    """The table from ``python -m bench.throughput --uncached``, or the reason it did not run."""
    if importlib.util.find_spec("bench.throughput") is None:
        return "not run: bench/throughput.py is not in this checkout"
    from bench.throughput import uncached_table

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uncached.json"
        command = [sys.executable, "-m", "bench.throughput", "--uncached", "--json", str(path)]
        command += [] if full else ["--quick"]
        command += ["--bakerydemo", bakerydemo] if bakerydemo else []
        command += ["--against", against] if against else []
        try:
            done = subprocess.run(command, cwd=BENCH_DIR.parent, capture_output=True, text=True)
        except OSError as error:
            return f"not run: {error}"
        if done.returncode != 0 or not path.exists():
            reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
            return f"not run: {reason}"
        report = json.loads(path.read_text())
    return f"Command: {report['command']}; wrk {report['wrk']}, {report['rounds']} rounds\n\n" + uncached_table(report)


def search_on_postgresql(full):
    """The search table at 10,000 and 100,000 pages when ``DATABASE_URL`` is PostgreSQL, else how to get it."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return (
            "not run: set DATABASE_URL to a PostgreSQL database (the role needs CREATEDB) to time it at "
            "10,000 and 100,000 pages, or run `python -m bench.search` (bench/README.md)"
        )
    results = search_bench.run(search_bench.SIZES, repeat=20 if full else 10, reuse=True, budget=600 if full else 200)
    return search_bench.table(results)


def as_table(data):
    """The throughput benchmark's results as a Markdown table.

    ``bench.throughput`` writes ``{"results": {page: {mode: {figure: value}}}}``; a flat list of
    records (or ``{"rows": [...]}``) is shown as it is.
    """
    found = data.get("rows", data.get("results", [data])) if isinstance(data, dict) else data
    if isinstance(found, dict):
        found = [
            {"page": page, "mode": mode, **figures}
            for page, modes in found.items()
            if isinstance(modes, dict)
            for mode, figures in modes.items()
            if isinstance(figures, dict)
        ]
    rows = [row for row in found if isinstance(row, dict)]
    if not rows:
        return json.dumps(data, indent=2)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(column, "")) for column in columns) + " |" for row in rows]
    context = {
        key: data[key]
        for key in ("command", "database", "app_cache", "connections")
        if isinstance(data, dict) and key in data
    }
    return "\n".join(lines) + (f"\n\n{context}" if context else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="bulk work at 1,000 and 50,000 pages, more repeats")
    parser.add_argument("--skip", nargs="*", default=[], choices=["render", "bulk", "throughput", "search"])
    parser.add_argument("--bakerydemo", help="an installed bakerydemo checkout, or its URL")
    parser.add_argument("--against", help="another portal checkout (today's main, say) to measure beside this one")
    args = parser.parse_args()
    RESULTS_DIR.mkdir(exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    sections = [f"Safety Learning Portal benchmarks, {started:%Y-%m-%d %H:%M} UTC", f"Machine: {machine()}"]
    sections.append(f"Command: {' '.join(['python -m bench.run', *sys.argv[1:]])}")
    if "render" not in args.skip:
        results = render.run(render.SIZES, repeat=20 if args.full else 10)
        sections += ["\n## Render time per page type (uncached, in process)\n", render.table(results)]
        sections.append(render.verdict(results))
    if "bulk" not in args.skip:
        sizes = bulk.SIZES if args.full else [1_000, 10_000]
        results = bulk.run(sizes)
        sections += ["\n## Demo load, bulk import, search index rebuild\n", bulk.table(results), bulk.verdict(results)]
    if "throughput" not in args.skip:
        sections.append("\n## Uncached throughput per page type, public and signed in\n")
        sections.append(uncached(args.full, args.bakerydemo, args.against))
        data, reason = throughput(args.full)
        sections.append("\n## Throughput under wrk\n")
        sections.append(reason or as_table(data))
    if "search" not in args.skip:
        sections.append("\n## Search on PostgreSQL: faceted service query against the raw backend query\n")
        sections.append(search_on_postgresql(args.full))
    finished = datetime.datetime.now(datetime.UTC)
    sections.append(f"\nFinished in {(finished - started).total_seconds() / 60:.1f} minutes; load now: {machine()}")
    print("\n".join(sections))


if __name__ == "__main__":
    main()
