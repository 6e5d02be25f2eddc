#!/usr/bin/env python3
"""Benchmark: the first search on a built site, in headless Chromium against 127.0.0.1.

For each query, a new browser (nothing cached) opens a paper page, as a reader
arriving from a feed would, clicks the header's search box and types the query
key by key (80 ms apart). Measured: the bytes the search fetched from the click
until the query's results were shown (manifest, shards, filters, results), the
time from the last keystroke to the results, in the page's own clock, and the
number of results. The site is served by Python's plain HTTP server: no gzip,
so the bytes are what any static host sends (the build stores the index's files
deflated; GitHub Pages gzips the page and script around them too).

    python scripts/bench_search.py SITE_DIR [--query "..."]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.siteserver import serve  # noqa: E402 - the tests' server: the site under a sub-path

CHROMIUM = os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Typical queries, and one stress case: the commonest author name in the corpus.
QUERIES = ("diffusion", "large language model", "reinforcement learning", "video generation",
           "mixture of experts", "zhang")
KEY_DELAY_MS = 80

# Keystroke and result times in the page's own clock.
_PROBE = """
window.__keys = [];
document.addEventListener("keydown", () => window.__keys.push(performance.now()), true);
document.addEventListener("pf-search-results", (ev) => {
  window.__shown = window.__shown || [];
  window.__shown.push([ev.target.dataset.pfShown, performance.now()]);
}, true);
"""


@dataclass
class Query:
    query: str
    kb: float
    requests: int
    latency_ms: float
    results: int


def first_page(site: Path) -> str:
    return next(site.glob("papers/*/*/index.html")).parent.relative_to(site).as_posix() + "/"


def _size(request) -> int:  # noqa: ANN001 - playwright's Request
    """A finished request's bytes; 0 for one that finishes as its page closes (after the results)."""
    from playwright.sync_api import Error

    try:
        sizes = request.sizes()
    except Error:
        return 0
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


def measure(site: Path, queries: tuple[str, ...] = QUERIES) -> list[Query]:
    from playwright.sync_api import sync_playwright

    out = []
    landing = first_page(site)
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for query in queries:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.add_init_script(_PROBE)
            page.goto(base + landing, wait_until="load")
            fetched: list[int] = []
            page.on("requestfinished", lambda r, fetched=fetched: fetched.append(_size(r)))
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially(query, delay=KEY_DELAY_MS)
            page.wait_for_function("q => document.querySelector('[data-pf-search]').dataset.pfShown === q",
                                   arg=query, timeout=60_000)
            last_key = page.evaluate("Math.max(...window.__keys)")
            shown = page.evaluate("q => window.__shown.filter(([s]) => s === q).map(([, t]) => t)[0]", query)
            count = page.locator(".pf-search__count").inner_text()
            results = int(count.split()[0].replace(",", "")) if count[:1].isdigit() else 0
            out.append(Query(query, sum(fetched) / 1e3, len(fetched), shown - last_key, results))
            context.close()
        browser.close()
    return out


def summary(found: list[Query]) -> dict[str, float]:
    return {"max KB": max(q.kb for q in found), "median ms": statistics.median(q.latency_ms for q in found),
            "max ms": max(q.latency_ms for q in found)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument("--query", action="append", help="a query to type (default: a fixed set)")
    args = parser.parse_args()
    found = measure(args.site, tuple(args.query) if args.query else QUERIES)
    print(f"{'query':<28} {'KB':>7} {'requests':>9} {'ms':>7} {'results':>8}")
    for q in found:
        print(f"{q.query:<28} {q.kb:>7.1f} {q.requests:>9} {q.latency_ms:>7.0f} {q.results:>8}")
    s = summary(found)
    print(f"first query: at most {s['max KB']:.0f} KB; results {s['median ms']:.0f} ms after the last key "
          f"(median), {s['max ms']:.0f} ms at most")
    return 0


if __name__ == "__main__":
    sys.exit(main())
