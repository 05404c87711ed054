"""Demo load, bulk import and search index rebuild: items per second and peak memory, at 1,000 and 50,000 pages.

    .venv/bin/python -m bench.bulk                        # 1,000 and 50,000 pages, SQLite
    .venv/bin/python -m bench.bulk --sizes 1000 10000
    DATABASE_URL=postgres://.../portal .venv/bin/python -m bench.bulk   # PostgreSQL

Each step runs in a child process of its own, so that its peak memory is its own: the peak
resident set size (``getrusage``'s ``ru_maxrss``) when the step ends, and how far it rose during
the step ("rise"), which is what must stay flat as the page count grows.

* **demo load**: ``manage.py load_demo`` on a freshly migrated database (the demo is one fixed
  size); items are the pages, roadmap snippets and images it creates.
* **bulk import**: ``bench.loader.BulkLoader`` writing ``size`` knowledge pages (with their
  settings, domains, tags and organisations) on a freshly migrated database.
* **search index rebuild**: Wagtail's ``update_index`` into the database search backend (what a
  site without Elasticsearch uses), over the pages just imported.
* **search documents**: building the Elasticsearch document for every indexable page, as
  ``search_rebuild`` does (``search.elasticsearch.indexing``), without sending them anywhere: the
  project's own code, which reads the pages in chunks.

Each size gets its own database (``bench/results/bulk-<size>.sqlite3`` or ``<name>_bulk_<size>``).
Not part of the test suite.
"""

import argparse
import json
import sys
import time

from bench.common import RESULTS_DIR, Writer, database_url, machine, peak_rss_mb, recreate_database, run_child

SIZES = [1_000, 50_000]
STEPS = ["demo", "import", "index", "documents"]


def item_count():
    from wagtail.images.models import Image
    from wagtail.models import Page

    from portal.roadmap.models import ChangeIdea, Driver, Measure, Milestone, Workstream

    return sum(m.objects.count() for m in (Page, Image, Workstream, Driver, ChangeIdea, Milestone, Measure))


def step(name, size):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.core.models import KnowledgePage

    if name in ("demo", "import"):
        recreate_database(connection)
        call_command("migrate", verbosity=0)
    before_items = item_count() if name == "demo" else 0
    start_rss = peak_rss_mb()
    started = time.perf_counter()
    if name == "demo":
        call_command("load_demo", stdout=sys.stderr)
        items = item_count() - before_items
    elif name == "import":
        from bench.loader import BulkLoader

        BulkLoader(size, Writer()).run()
        items = KnowledgePage.objects.count()
    elif name == "index":
        call_command("update_index", stdout=sys.stderr, chunk_size=1000)
        items = KnowledgePage.objects.count()
    else:
        from search.elasticsearch.indexing import index_actions, indexable_pages

        items = sum(1 for _ in index_actions(indexable_pages(), "benchmark"))
    seconds = time.perf_counter() - started
    end_rss = peak_rss_mb()
    return {
        "step": name,
        "size": size,
        "vendor": connection.vendor,
        "items": items,
        "seconds": round(seconds, 2),
        "per_second": round(items / seconds, 1) if seconds else None,
        "peak_mb": round(end_rss, 1),
        "rise_mb": round(end_rss - start_rss, 1),
    }


def run(sizes, demo=True):
    RESULTS_DIR.mkdir(exist_ok=True)
    results = []
    if demo:
        results.append(run_child("bench.bulk", ["1", "--step", "demo"], database_url("bulk-demo")))
    for size in sizes:
        database = database_url(f"bulk-{size}")
        for name in ("import", "index", "documents"):
            print(f"bulk: {name} at {size:,} pages", file=sys.stderr)
            results.append(run_child("bench.bulk", [str(size), "--step", name], database))
            print(f"bulk: {json.dumps(results[-1])}", file=sys.stderr)
    name = "-".join(str(size) for size in sizes)
    (RESULTS_DIR / f"bulk-{name}.json").write_text(json.dumps(results, indent=2))
    return results


LABELS = {
    "demo": "demo load",
    "import": "bulk import",
    "index": "search index rebuild",
    "documents": "search documents",
}


def table(results):
    lines = [
        "| step | pages | items | seconds | items/s | peak RSS | rise during step |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        pages = "demo" if r["step"] == "demo" else f"{r['size']:,}"
        lines.append(
            f"| {LABELS[r['step']]} | {pages} | {r['items']:,} | {r['seconds']:.1f} | {r['per_second']:,.0f} | "
            f"{r['peak_mb']:.0f} MB | {r['rise_mb']:.0f} MB |"
        )
    return "\n".join(lines)


def verdict(results):
    """Memory must stay flat as the count grows: the rise at the largest size against the smallest."""
    lines = []
    for name in ("import", "index", "documents"):
        rows = sorted((r for r in results if r["step"] == name), key=lambda r: r["size"])
        if len(rows) < 2:
            continue
        small, large = rows[0], rows[-1]
        ratio = large["size"] / small["size"]
        grew = large["peak_mb"] / small["peak_mb"]
        flat = "flat" if grew < 1.5 else "NOT flat"
        lines.append(
            f"Memory, {LABELS[name]}: peak {small['peak_mb']:.0f} MB at {small['size']:,} pages, "
            f"{large['peak_mb']:.0f} MB at {large['size']:,} ({ratio:.0f}x the pages, {grew:.2f}x the memory): {flat}."
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=SIZES, help="knowledge pages to import and index")
    parser.add_argument("--no-demo", action="store_true", help="skip timing the demo load")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(step(args.step, args.child)))
        return
    print(machine())
    results = run(args.sizes, demo=not args.no_demo)
    print(table(results))
    print(verdict(results))


if __name__ == "__main__":
    main()
