"""Render time per public page type, with 100 and with 10,000 knowledge pages in the site.

    .venv/bin/python -m bench.render                       # 100 and 10,000 pages, SQLite
    .venv/bin/python -m bench.render --sizes 100 1000 --repeat 10
    DATABASE_URL=postgres://.../portal .venv/bin/python -m bench.render   # PostgreSQL

For each size a child process builds a database of its own (``bench/results/render-<size>.sqlite3``,
or ``<name>_render_<size>`` beside the PostgreSQL database ``DATABASE_URL`` names): it migrates,
loads the demo site (``load_demo``: home page, navigation, roadmap, measures, pictures, the demo's
own knowledge pages), tops it up to ``size`` knowledge pages with ``bench.loader`` under the demo's
index pages, and indexes them all into Wagtail's database search backend.

A second child process, started afresh as a server process would be, then requests each page with
Django's test client, in process, under the test settings (``DEBUG`` off). Any whole-page cache
middleware is taken out of ``MIDDLEWARE``, so every request renders the page afresh, database
queries included: these are uncached renders. Wagtail's own small lookups (the site's root paths)
stay in the local-memory cache, as in production. Each page is fetched twice to warm up, then
``--repeat`` times; the table gives the median and 95th percentile of the wall-clock time in
milliseconds, the median CPU time of the process (which, on SQLite, includes the database's work,
and which a busy shared machine disturbs less), and the growth of the medians from the smallest size
to the largest. The knowledge pages measured are the demo's own (the same page at every size), so
growth comes from the site around them. The home page keeps its counts of pages per setting and
domain, a knowledge page its related learning, and a listing its count and the ids on each of its
pages, until content changes, so each is timed twice: as most views see it, and as the first view
after a change ("home, after a change", "case study, after a change", "listing, after a change",
"care setting page, after a change": the content generation is replaced before each request, as
publishing does). Not part of
the test suite."""

import argparse
import json
import statistics
import sys
import time

from bench.common import RESULTS_DIR, Writer, database_url, machine, percentile, recreate_database, run_child

SIZES = [100, 10_000]
TARGET_MEDIAN_MS = 50  # uncached knowledge page at 10,000 pages
TARGET_GROWTH = 1.5  # from 100 to 10,000 pages
KNOWLEDGE_TYPES = ["case study", "learning note", "peer visit", "update"]
# Rows timed as the first view after content changed: the home page's counts of pages per
# setting and domain, and a knowledge page's related learning, are kept until then
# (portal.core.memo.remember).
AFTER_A_CHANGE = {
    "home, after a change",
    "case study, after a change",
    "listing, after a change",
    "care setting page, after a change",
}


def build(size):
    """Migrate, load the demo site, top it up to ``size`` knowledge pages, and index them for search."""
    from django.core.management import call_command
    from django.db import connection

    from bench.loader import BulkLoader
    from bench.search import build_search_index
    from casestudies.models import CaseStudyIndexPage, CaseStudyPage
    from learning.models import LearningIndexPage, LearningNotePage, PeerVisitIndexPage, PeerVisitReportPage
    from portal.core.models import KnowledgePage
    from portal.updates.models import UpdateIndexPage, UpdatePage

    recreate_database(connection)
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=sys.stderr)
    more = size - KnowledgePage.objects.count()
    if more > 0:
        indexes = {
            CaseStudyPage: CaseStudyIndexPage.objects.get(),
            LearningNotePage: LearningIndexPage.objects.get(),
            PeerVisitReportPage: PeerVisitIndexPage.objects.get(),
            UpdatePage: UpdateIndexPage.objects.get(),
        }
        BulkLoader(more, Writer(), indexes=indexes, organisations=20).run()
    build_search_index(Writer())


def urls():
    """(page type, address) for every public page type, the knowledge pages being the demo's first of each."""
    from casestudies.models import CaseStudyPage
    from learning.models import LearningNotePage, PeerVisitReportPage
    from portal.roadmap.models import Measure
    from portal.updates.models import UpdatePage

    first = {
        "case study": CaseStudyPage,
        "learning note": LearningNotePage,
        "peer visit": PeerVisitReportPage,
        "update": UpdatePage,
    }
    pages = [(kind, model.objects.live().public().order_by("pk").first().url) for kind, model in first.items()]
    pages.insert(1, ("case study, after a change", pages[0][1]))
    measure = Measure.objects.order_by("pk").first()
    return [
        ("home", "/"),
        ("home, after a change", "/"),
        ("listing", "/learning/"),
        ("listing, after a change", "/learning/"),
        ("listing, filtered", "/case-studies/?setting=care-homes&domain=past-harm"),
        *pages,
        ("care setting page", "/settings/care-homes/"),
        ("care setting page, after a change", "/settings/care-homes/"),
        ("safety domain page", "/domains/past-harm/"),
        ("search", "/search/?q=falls"),
        ("search, filtered", "/search/?q=medication&setting=care-homes&type=learning-note"),
        ("roadmap", "/roadmap/"),
        ("milestones", "/roadmap/milestones/"),
        ("dashboard", "/roadmap/dashboard/"),
        ("measure", f"/roadmap/measures/{measure.slug}/"),
        ("feed", "/feeds/knowledge/rss/"),
        ("API pages", "/api/v2/pages/"),
    ]


def measure_one(size, repeat, reuse, build_only=False):
    import django

    django.setup()
    from django.db import DatabaseError, connection
    from django.test import Client, override_settings

    from portal.core.models import KnowledgePage
    from portal.core.pagecache import bump_generation

    try:
        built = reuse and KnowledgePage.objects.count() >= size
    except DatabaseError:
        built = False
    build_seconds = 0.0
    if not built:
        started = time.perf_counter()
        build(size)
        build_seconds = time.perf_counter() - started
    else:  # a database built before a migration is brought up to date, saying what it applies
        from django.core.management import call_command

        print("Migrating the reused database (nothing to do if it is up to date) ...", file=sys.stderr)
        call_command("migrate", verbosity=1, stdout=sys.stderr)
    if build_only:
        return {"size": size, "build_seconds": round(build_seconds, 1)}

    rows = {}
    client = Client()
    from django.conf import settings

    uncached = [name for name in settings.MIDDLEWARE if "cache" not in name.lower()]
    with override_settings(MIDDLEWARE=uncached, PORTAL_PAGE_CACHE=False):
        for kind, url in urls():
            for _ in range(2):
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            samples, cpu = [], []
            for _ in range(repeat):
                if kind in AFTER_A_CHANGE:
                    bump_generation()  # as a publish does: what was counted or cached is counted again
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            rows[kind] = {
                "url": url,
                "median": round(statistics.median(samples), 1),
                "p95": round(percentile(samples, 0.95), 1),
                "cpu_median": round(statistics.median(cpu), 1),
            }
            row = rows[kind]
            print(f"  {kind:<20} {row['median']:7.1f} ms, CPU {row['cpu_median']:7.1f} ms", file=sys.stderr)
    return {
        "size": size,
        "pages": KnowledgePage.objects.count(),
        "vendor": connection.vendor,
        "build_seconds": round(build_seconds, 1),
        "repeat": repeat,
        "rows": rows,
    }


def table(results):
    results = sorted(results, key=lambda r: r["size"])
    small, large = results[0], results[-1]
    head = " | ".join(f"{r['pages']:,} pages: median | p95 | CPU median" for r in results)
    lines = [
        f"| page type | {head} | growth (median) | growth (CPU) |",
        "|---|" + "---:|---:|---:|" * len(results) + "---:|---:|",
    ]
    for kind in small["rows"]:
        cells = " | ".join(
            f"{r['rows'][kind]['median']:.1f} ms | {r['rows'][kind]['p95']:.1f} ms | "
            f"{r['rows'][kind].get('cpu_median', 0):.1f} ms"
            for r in results
        )
        growth = large["rows"][kind]["median"] / small["rows"][kind]["median"]
        cpu_growth = large["rows"][kind].get("cpu_median", 0) / (small["rows"][kind].get("cpu_median") or 1)
        lines.append(f"| {kind} | {cells} | {growth:.2f}x | {cpu_growth:.2f}x |")
    return "\n".join(lines)


def verdict(results):
    """The targets: knowledge pages under 50 ms median at the largest size; growth under 1.5x."""
    results = sorted(results, key=lambda r: r["size"])
    small, large = results[0], results[-1]
    lines = []
    worst = max(large["rows"][kind]["median"] for kind in KNOWLEDGE_TYPES)
    worst_cpu = max(large["rows"][kind].get("cpu_median", 0) for kind in KNOWLEDGE_TYPES)
    met = "met" if worst < TARGET_MEDIAN_MS else "MISSED"
    lines.append(
        f"Target: knowledge pages under {TARGET_MEDIAN_MS} ms median at {large['pages']:,} pages: "
        f"slowest {worst:.1f} ms, {met} (CPU time of the slowest: {worst_cpu:.1f} ms)."
    )
    if "case study, after a change" in large["rows"]:
        cold = large["rows"]["case study, after a change"]["median"]
        lines.append(
            f"First view of a knowledge page after a change (related learning found afresh): case study "
            f"{cold:.1f} ms at {large['pages']:,} pages, "
            + ("under" if cold < TARGET_MEDIAN_MS else "over")
            + f" {TARGET_MEDIAN_MS} ms."
        )
    growths = {kind: large["rows"][kind]["median"] / small["rows"][kind]["median"] for kind in small["rows"]}
    over = {kind: round(g, 2) for kind, g in growths.items() if g >= TARGET_GROWTH}
    lines.append(
        f"Target: growth from {small['pages']:,} to {large['pages']:,} pages under {TARGET_GROWTH}x for every page "
        f"type: largest {max(growths.values()):.2f}x, " + ("met." if not over else f"MISSED for {over}.")
    )
    return "\n".join(lines)


def run(sizes, repeat, reuse=False):
    RESULTS_DIR.mkdir(exist_ok=True)
    results = []
    for size in sizes:
        database = database_url(f"render-{size}")
        # Built in one process and timed in another: a process that has just created
        # thousands of pages carries their memory and timed about a third slower.
        built = run_child("bench.render", [str(size), "--build-only"] + (["--reuse"] if reuse else []), database)
        result = run_child("bench.render", [str(size), "--repeat", str(repeat), "--reuse"], database)
        result["build_seconds"] = built["build_seconds"]
        results.append(result)
    name = "-".join(str(size) for size in sizes)
    (RESULTS_DIR / f"render-{name}.json").write_text(json.dumps(results, indent=2))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=SIZES, help="knowledge pages in the site")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page (after two warm-ups)")
    parser.add_argument("--reuse", action="store_true", help="reuse a database already holding that many pages")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_one(args.child, args.repeat, args.reuse, args.build_only)))
        return
    print(machine())
    results = run(args.sizes, args.repeat, args.reuse)
    print(table(results))
    print(verdict(results))


if __name__ == "__main__":
    main()
