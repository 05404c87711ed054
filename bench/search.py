"""How much the search service's facets cost over a plain backend search, at 10,000 and 100,000 pages.

    .venv/bin/python -m bench.search                   # 10,000 and 100,000 pages on SQLite
    .venv/bin/python -m bench.search --sizes 10000 --repeat 10
    DATABASE_URL=postgres://.../portal .venv/bin/python -m bench.search   # PostgreSQL too

For each size a child process builds a fresh database of its own (an SQLite
file in ``bench/results/``, or a ``<name>_bench_<size>`` PostgreSQL database
beside the one ``DATABASE_URL`` names), loads the synthetic pages with
``bench.loader`` and indexes them into Wagtail's database search backend, then
times, with ``time.perf_counter``:

* faceted: ``search.service.query(text, filters)``, the search page's call:
  matching, facet counts for all five facets, ranking, one page of hits with
  snippets;
* unfiltered: ``search.service.query(text)``, the same searches with no
  filter ticked, as most readers search: every match is counted, grouped and
  ranked, not only those passing the filters;
* raw: ``list(KnowledgePage.objects.live().search(text)[:10])``, the backend's
  own first ten matches, nothing else;
* some words: ``search.service.query`` for searches that no page matches in
  full (a topic plus a word no page uses), which fall back to pages with some
  of the words; reported under the table.

Each query runs once to warm up, then ``--repeat`` times, or fewer (never
none) when its share of ``--budget`` seconds runs out; the table gives the
median and 95th percentile over all the timed runs and how many there were. The search service is
measured with its database engine (``ELASTICSEARCH_URL`` is cleared in the
child): no Elasticsearch cluster is involved. Not part of the test suite.
"""

import argparse
import json
import statistics
import time

from bench.common import RESULTS_DIR, Writer, database_url, percentile, recreate_database
from bench.common import run_child as run_child_module

SIZES = [10_000, 100_000]

# (text, filters): what a reader might type and tick.
QUERIES = [
    ("falls", {"setting": ["care-homes"]}),
    ("medication", {"setting": ["care-homes"], "domain": ["past-harm"]}),
    ("handover", {"type": ["learning-note"]}),
    ("pressure ulcers", {"domain": ["reliability"]}),
    ("hydration", {"setting": ["care-homes"], "type": ["case-study"]}),
]

# Searches where no page has every word, so the search page falls back to pages with some of them
# ("No pages have all of ..."): a topic plus a word no page uses, as a new reader types.
SOME_WORDS_QUERIES = [
    ("falls quality", {"setting": ["care-homes"]}),
    ("medication xylophone", {"setting": ["care-homes"], "domain": ["past-harm"]}),
]


def timed(function, repeat, budget):
    """Milliseconds of ``repeat`` runs after a warm-up, or fewer (at least one) if ``budget`` seconds run out."""
    deadline = time.perf_counter() + budget
    function()
    samples = []
    while len(samples) < repeat and (not samples or time.perf_counter() < deadline):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure_one(size, repeat, reuse, budget, query_count):
    """Run in the child process: build the database for ``size`` pages, then time both queries."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.core.models import KnowledgePage

    fresh = not (reuse and _has_pages(size))
    if fresh:
        recreate_database(connection)
        call_command("migrate", verbosity=0)
        load_started = time.perf_counter()
        from bench.loader import BulkLoader

        BulkLoader(size, PROGRESS_OUT).run()
        load_seconds = time.perf_counter() - load_started
        index_started = time.perf_counter()
        build_search_index(PROGRESS_OUT)
        index_seconds = time.perf_counter() - index_started
    else:
        load_seconds = 0.0
        # Bring a reused database up to date: a migration may add what the search reads
        # (search.0007 fills search_pagefacet from the pages' settings, domains and tags).
        PROGRESS_OUT.write("Migrating the reused database (nothing to do if it is up to date) ...")
        call_command("migrate", verbosity=1, stdout=PROGRESS_OUT)
        # A build that was stopped part-way leaves pages out of the index: finish it.
        index_started = time.perf_counter()
        resumed = build_search_index(PROGRESS_OUT, missing_only=True)
        index_seconds = time.perf_counter() - index_started if resumed else 0.0

    from search import service

    faceted, unfiltered, raw, totals, per_query_medians, errors = [], [], [], [], {}, []
    unfiltered_totals = []
    queries = QUERIES[:query_count]
    per_query = budget / len(queries) / 3
    for text, filters in queries:
        try:
            totals.append(service.query(text, filters).total)
            these = timed(lambda text=text, filters=filters: service.query(text, filters), repeat, per_query)
        except Exception as error:  # reported under the table; the raw query is still measured
            errors.append(f"{text!r}: {type(error).__name__}: {error}")
            these = []
        faceted += these
        try:
            unfiltered_totals.append(service.query(text).total)
            unfiltered_these = timed(lambda text=text: service.query(text), repeat, per_query)
        except Exception as error:
            errors.append(f"{text!r} (no filters): {type(error).__name__}: {error}")
            unfiltered_these = []
        unfiltered += unfiltered_these
        raw_these = timed(lambda text=text: list(KnowledgePage.objects.live().search(text)[:10]), repeat, per_query)
        raw += raw_these
        per_query_medians[text] = [
            round(statistics.median(these), 1) if these else None,
            round(statistics.median(unfiltered_these), 1) if unfiltered_these else None,
            round(statistics.median(raw_these), 1),
        ]
    some_words, some_words_medians = [], {}
    for text, filters in SOME_WORDS_QUERIES:
        try:
            if not service.query(text, filters).some_words:
                errors.append(f"{text!r} (some words): a page has every word at this size, so it was not timed")
                continue
            these = timed(lambda text=text, filters=filters: service.query(text, filters), repeat, per_query)
        except Exception as error:
            errors.append(f"{text!r} (some words): {type(error).__name__}: {error}")
            continue
        some_words += these
        some_words_medians[text] = round(statistics.median(these), 1)
    return {
        "size": size,
        "vendor": connection.vendor,
        "pages": KnowledgePage.objects.live().count(),
        "load_seconds": round(load_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "runs": [len(faceted), len(unfiltered), len(raw)],
        "faceted_median": statistics.median(faceted) if faceted else None,
        "faceted_p95": percentile(faceted, 0.95) if faceted else None,
        "unfiltered_median": statistics.median(unfiltered) if unfiltered else None,
        "unfiltered_p95": percentile(unfiltered, 0.95) if unfiltered else None,
        "raw_median": statistics.median(raw),
        "raw_p95": percentile(raw, 0.95),
        "faceted_totals": totals,
        "unfiltered_totals": unfiltered_totals,
        "per_query_medians": per_query_medians,  # text: [faceted, unfiltered, raw] in ms
        "some_words_median": statistics.median(some_words) if some_words else None,
        "some_words_p95": percentile(some_words, 0.95) if some_words else None,
        "some_words_medians": some_words_medians,  # text: ms
        "errors": errors,
    }


def _has_pages(size):
    from django.db import DatabaseError

    from portal.core.models import KnowledgePage

    try:
        return KnowledgePage.objects.count() == size
    except DatabaseError:
        return False


def build_search_index(stdout, missing_only=False):
    """Index knowledge pages into Wagtail's database search backend, as ``update_index`` does.

    With ``missing_only``, only pages that have no index entry yet (after a run
    that was stopped); returns how many pages were indexed.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import BigIntegerField
    from django.db.models.functions import Cast
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    from portal.core.progress import Progress
    from search.elasticsearch.documents import knowledge_models

    backend = get_search_backend()
    models = knowledge_models()
    querysets = {}
    for model in models:
        queryset = model.get_indexed_objects().order_by("pk")
        if missing_only:
            # Entries are filed under the page's most general indexed class.
            indexed = (
                IndexEntry.objects.filter(
                    content_type__in=ContentType.objects.get_for_models(*model._meta.get_parent_list(), model).values()
                )
                .annotate(page_id=Cast("object_id", BigIntegerField()))
                .values("page_id")
            )
            queryset = queryset.exclude(pk__in=indexed)
        querysets[model] = queryset
    total = sum(queryset.count() for queryset in querysets.values())
    if not total:
        return 0
    progress = Progress(stdout, "Search index", total)
    for model, queryset in querysets.items():
        index = backend.get_index_for_model(model)
        last = 0
        while True:
            chunk = list(queryset.filter(pk__gt=last)[:1000])
            if not chunk:
                break
            index.add_items(model, chunk)
            last = chunk[-1].pk
            for _ in chunk:
                progress.step()
    return total


PROGRESS_OUT = Writer()


def run_child(size, repeat, reuse, budget, query_count):
    args = [str(size), "--repeat", str(repeat), "--budget", str(budget), "--queries", str(query_count)]
    return run_child_module("bench.search", args + (["--reuse"] if reuse else []), database_url(f"bench-{size}"))


def run(sizes, repeat=20, reuse=False, budget=600, query_count=None):
    """Measure each size in a child process of its own; the results, also written to ``bench/results/``."""
    RESULTS_DIR.mkdir(exist_ok=True)
    results = [run_child(size, repeat, reuse, budget, query_count or len(QUERIES)) for size in sizes]
    name = "-".join(str(size) for size in sizes)
    (RESULTS_DIR / f"search-{name}.json").write_text(json.dumps(results, indent=2))
    return results


def table(results):
    lines = [
        "| pages | database | faceted median | faceted p95 | no filters median | no filters p95 | raw median | raw p95 "
        "| ratio (median) | timed runs |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r["faceted_median"] is None:
            faceted, ratio = "failed | failed", "-"
        else:
            faceted = f"{r['faceted_median']:.1f} ms | {r['faceted_p95']:.1f} ms"
            ratio = f"{r['faceted_median'] / r['raw_median']:.1f}x"
        if r.get("unfiltered_median") is None:  # failed, or a result file from before it was timed
            unfiltered = "failed | failed" if "unfiltered_median" in r else "- | -"
        else:
            unfiltered = f"{r['unfiltered_median']:.1f} ms | {r['unfiltered_p95']:.1f} ms"
        lines.append(
            f"| {r['size']:,} | {r['vendor']} | {faceted} | {unfiltered} | {r['raw_median']:.1f} ms | "
            f"{r['raw_p95']:.1f} ms | {ratio} | {'+'.join(str(runs) for runs in r['runs'])} |"
        )
    by_vendor = {}
    for r in results:
        by_vendor.setdefault(r["vendor"], []).append(r)
    for vendor, rows in by_vendor.items():
        rows = sorted(rows, key=lambda r: r["size"])
        for small, large in zip(rows, rows[1:], strict=False):
            growth = [f"raw median x{large['raw_median'] / small['raw_median']:.1f}"]
            growth.append(f"raw p95 x{large['raw_p95'] / small['raw_p95']:.1f}")
            if small.get("unfiltered_median") and large.get("unfiltered_median"):
                growth.insert(0, f"no filters median x{large['unfiltered_median'] / small['unfiltered_median']:.1f}")
            if small["faceted_median"] and large["faceted_median"]:
                growth.insert(0, f"faceted median x{large['faceted_median'] / small['faceted_median']:.1f}")
                growth.insert(1, f"faceted p95 x{large['faceted_p95'] / small['faceted_p95']:.1f}")
            lines.append(f"\nGrowth {small['size']:,} -> {large['size']:,} pages ({vendor}): {', '.join(growth)}")
    for r in results:
        lines.append(
            f"\n{r['size']:,} pages ({r['vendor']}): loaded in {r['load_seconds']} s, "
            f"indexed in {r['index_seconds']} s, {r['wall_seconds']} s in all; "
            f"totals per query {r['faceted_totals']} (no filters {r.get('unfiltered_totals')}); "
            f"medians per query [faceted, no filters, raw] ms "
            f"{r['per_query_medians']}"
        )
        if r.get("some_words_median") is not None:
            lines.append(
                f"  pages with some of the words (no page has them all): median {r['some_words_median']:.1f} ms, "
                f"p95 {r['some_words_p95']:.1f} ms; medians per query {r['some_words_medians']}"
            )
        lines.extend(f"  query failed: {error}" for error in r["errors"])
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=SIZES, help="page counts to build and measure")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each query (after one warm-up)")
    parser.add_argument(
        "--budget", type=float, default=600, help="seconds of timing per size; slow queries get fewer runs (at least 1)"
    )
    parser.add_argument(
        "--queries", type=int, default=len(QUERIES), help=f"time only the first N of the {len(QUERIES)} queries"
    )
    parser.add_argument("--reuse", action="store_true", help="reuse a database already holding that many pages")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_one(args.child, args.repeat, args.reuse, args.budget, args.queries)))
        return
    print(table(run(args.sizes, args.repeat, args.reuse, args.budget, args.queries)))


if __name__ == "__main__":
    main()
