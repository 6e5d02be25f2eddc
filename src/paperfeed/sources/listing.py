"""arXiv's daily announcements of some categories, read through the arXiv API.

Why the API: it answers for any past day (a listing feed, ``rss.arxiv.org``, shows
only today's announcements, so a missed run or a backfill could never be caught up),
it pages through days of any size, and its answers are the Atom that ``enrich``
already reads. OAI-PMH would serve bulk backfills of whole archives, which a site
of a few categories does not need.

A listing day is arXiv's announcement day: the papers submitted (or replaced) between
14:00 US Eastern on the weekday before the day before, and 14:00 on the day before,
Monday's covering Thursday 14:00 to Friday 14:00 and Tuesday's Friday to Monday
(arXiv's schedule; its few holidays are not known here, so the day after one lists
what arXiv spread over two). A listing's entries are new (first version, primary
category among the site's), cross-lists (first version, primary elsewhere) or
replacements (a new version of an older paper): new papers and cross-lists are featured
that day; a replacement only updates a paper the archive already has.

arXiv's terms: one request every 3 seconds, one connection, a descriptive
User-Agent. Overload (HTTP 429, a 200 with a single "Error" entry, a plain-text
"Rate exceeded.") is retried a bounded number of times, then that day is given up.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from paperfeed.config import ArxivSource
from paperfeed.model import Paper
from paperfeed.sources import arxiv
from paperfeed.sources.filters import PhraseFilter
from paperfeed.sources.problems import ItemProblem

EASTERN = ZoneInfo("America/New_York")
CUTOFF = dt.time(14, 0)
#: entries asked for per request (arXiv allows up to 2,000; a busy category announces ~300 a day)
PAGE = 500


def _weekday_before(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def window(day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The submission times (UTC) announced on ``day``; None on a weekend (no announcements)."""
    if day.weekday() >= 5:
        return None
    end_day = _weekday_before(day)
    start_day = _weekday_before(end_day)

    def cutoff(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, CUTOFF, tzinfo=EASTERN).astimezone(dt.timezone.utc)

    return cutoff(start_day), cutoff(end_day)


def query(categories: tuple[str, ...], start: dt.datetime, end: dt.datetime) -> str:
    """The API's search for entries of ``categories`` (primary or cross-listed) whose latest
    version came in [start, end): new papers and replacements alike."""
    cats = " OR ".join(f"cat:{c}" for c in categories)
    last = (end - dt.timedelta(minutes=1)).strftime("%Y%m%d%H%M")
    return f"({cats}) AND lastUpdatedDate:[{start:%Y%m%d%H%M} TO {last}]"


@dataclass
class Listing:
    """One announcement day: what it featured, what it replaced, what the filters dropped."""

    day: dt.date
    featured: list[Paper] = field(default_factory=list)
    #: new versions of papers, applied only to papers already in the archive
    replaced: list[Paper] = field(default_factory=list)
    #: (paper, kind, why) for each entry left out
    dropped: list[tuple[Paper, str, str]] = field(default_factory=list)
    #: (paper, kind, why) for each entry kept, for --dry-run
    kept: list[tuple[Paper, str, str]] = field(default_factory=list)
    problems: list[ItemProblem] = field(default_factory=list)


def kind_of(entry: arxiv.Entry, categories: tuple[str, ...], start: dt.datetime | None) -> str:
    """new, cross, replace or replace-cross: from the listing itself, or from the entry's
    dates and primary category (an API answer)."""
    if entry.announce:
        return entry.announce
    primary = entry.paper.categories[0] if entry.paper.categories else ""
    cross = primary not in categories
    if entry.published is not None and start is not None and entry.published < start:
        return "replace-cross" if cross else "replace"
    return "cross" if cross else "new"


def select(entries: list[arxiv.Entry], source: ArxivSource, day: dt.date, *,
           start: dt.datetime | None = None, problems: list[ItemProblem] | None = None) -> Listing:
    """Sort a day's entries into featured papers, replacements and papers left out."""
    listing = Listing(day, problems=list(problems or []))
    keep = PhraseFilter(source.include, source.exclude)
    seen: set[str] = set()
    for entry in entries:
        paper = entry.paper
        if paper.id in seen:  # pages of a busy day may overlap
            continue
        seen.add(paper.id)
        kind = kind_of(entry, source.categories, start)
        if kind.startswith("replace"):
            listing.replaced.append(paper)
            continue
        if kind == "cross" and not source.cross_lists:
            listing.dropped.append((paper, kind, "a cross-list (cross_lists: false)"))
            continue
        verdict = keep.verdict(paper)
        if not verdict.keep:
            listing.dropped.append((paper, kind, verdict.why))
            continue
        paper.featured = [day]
        listing.featured.append(paper)
        listing.kept.append((paper, kind, verdict.why))
    return listing


def fetch_day(client, source: ArxivSource, day: dt.date, *, retries: int = 4, backoff: float = 2.0) -> Listing:
    """One announcement day from the arXiv API, page by page (``client`` is an
    http.ArxivClient: it keeps to one request every few seconds)."""
    span = window(day)
    if span is None:
        return Listing(day)
    start, end = span
    search = query(source.categories, start, end)
    entries: list[arxiv.Entry] = []
    problems: list[ItemProblem] = []
    offset = 0
    while True:
        params = {"search_query": search, "start": str(offset), "max_results": str(PAGE),
                  "sortBy": "lastUpdatedDate", "sortOrder": "ascending"}
        for attempt in range(retries + 1):
            try:
                parsed = client.entries(params, source=f"arXiv {day.isoformat()} (from {offset})")
                break
            except arxiv.ArxivError:  # overload said in the body: wait, then ask again
                if attempt == retries:
                    raise
                time.sleep(backoff * 2 ** attempt)
        entries += parsed.entries
        problems += parsed.problems
        if len(parsed.entries) + len(parsed.problems) < PAGE:
            break
        offset += PAGE
    return select(entries, source, day, start=start, problems=problems)
