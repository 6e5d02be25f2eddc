#!/usr/bin/env python3
"""Benchmark: arXiv as a source. Importing a saved 2,000-entry listing, and a 10-day
backfill of one category from a loopback arXiv API at arXiv's real pacing (3 s).

The entries are real titles and abstracts of the Hugging Face corpus in
``../shared/data`` dressed as arXiv entries. The backfill's time is split into
waiting on the pacing, and everything else (asking, parsing, filtering).

    python scripts/bench_listing.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import synthetic  # noqa: E402 - the sibling script


def rss(papers: list, day: dt.date) -> str:
    items = []
    for i, p in enumerate(papers):
        kind = "cross" if i % 5 == 0 else "new"
        items.append(f"""<item><title>{escape(p.title)}</title><link>https://arxiv.org/abs/{p.id}</link>
<description>arXiv:{p.id}v1 Announce Type: {kind}
Abstract: {escape(p.abstract)}</description><guid isPermaLink="false">oai:arXiv.org:{p.id}v1</guid>
<category>cs.RO</category><category>cs.LG</category><pubDate>{day:%a, %d %b %Y} 00:00:00 -0500</pubDate>
<arxiv:announce_type>{kind}</arxiv:announce_type><dc:creator>{escape(", ".join(p.authors[:20]))}</dc:creator></item>""")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs.RO updates on arXiv.org'
            f"</title><link>http://rss.arxiv.org/rss/cs.RO</link><description>cs.RO</description>"
            f"<pubDate>{day:%a, %d %b %Y} 00:00:00 -0500</pubDate>{''.join(items)}</channel></rss>\n")


def bench_import(pool: list, n: int = 2000) -> float:
    from paperfeed.archive.update import apply
    from paperfeed.sources import read_file

    papers = synthetic.synthesize(n, pool, start=dt.date(2025, 11, 3))
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "cs.RO.xml"
        listing.write_text(rss(papers, dt.date(2025, 11, 27)), encoding="utf-8")
        start = time.perf_counter()
        batch = read_file(listing)
        outcome = apply(Path(tmp) / "papers", batch.papers, updates=batch.updates)
        seconds = time.perf_counter() - start
        assert len(outcome.new) == n, outcome.summary()
    print(f"import a {n:,}-entry listing into an empty archive: {seconds:.2f} s "
          f"({seconds / n * 1000:.2f} ms an entry)")
    return seconds


def bench_backfill(pool: list, days: int = 10, per_day: int = 300, interval: float = 3.0) -> None:
    from tests.apiserver import Answer, ApiServer, arxiv_key
    from tests.arxivfeed import Entry, atom

    from paperfeed.config import ArxivSource
    from paperfeed.sources import http, listing

    source = ArxivSource(("cs.RO",), ("robot*", "manipulation", "grasp*", "locomotion"), ("survey",))
    wanted = [d for d in (dt.date(2025, 11, 3) + dt.timedelta(n) for n in range(days + 4)) if d.weekday() < 5][:days]
    papers = synthetic.synthesize(days * per_day, pool, start=dt.date(2025, 11, 3))
    with ApiServer() as server:
        for k, day in enumerate(wanted):
            start, _ = listing.window(day)
            entries = [Entry(f"{p.id}v1", p.title, p.abstract, tuple(p.authors[:10]), ("cs.RO", "cs.LG"),
                             (start + dt.timedelta(minutes=1 + i)).strftime("%Y-%m-%dT%H:%M:%SZ"))
                       for i, p in enumerate(papers[k * per_day:(k + 1) * per_day])]
            server.script(arxiv_key("/api/query", listing.query(source.categories, *listing.window(day))),
                          Answer(body=atom(*entries), content_type="application/atom+xml"))
        client = http.ArxivClient(f"{server.url}/api/query", http.HttpSettings(), interval=interval)
        waited = 0.0
        sleep = time.sleep

        def counted(seconds: float) -> None:
            nonlocal waited
            waited += seconds
            sleep(seconds)
        http.time.sleep = counted  # the pacing sleeps through the module's time.sleep
        try:
            begin = time.perf_counter()
            kept = sum(len(listing.fetch_day(client, source, day).featured) for day in wanted)
            total = time.perf_counter() - begin
        finally:
            http.time.sleep = sleep
    print(f"a {len(wanted)}-day backfill of {per_day} entries a day (1 request a day, {interval:.0f} s pacing): "
          f"{total:.1f} s in all, {waited:.1f} s waiting on the pacing, {total - waited:.2f} s asking, parsing "
          f"and filtering ({(total - waited) / len(wanted) / per_day * 1000:.2f} ms an entry); {kept:,} kept")


def main() -> int:
    pool = synthetic.real_papers()
    bench_import(pool)
    bench_backfill(pool)
    return 0


if __name__ == "__main__":
    sys.exit(main())
