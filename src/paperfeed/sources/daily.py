"""``paperfeed fetch``: every enabled source, day by day, within one deadline.

Each source's days are fetched in turn; a day that fails is reported and the others
are kept; a server that cannot be reached at all stops that source's remaining days
(they would fail the same way). Nothing here writes: the caller applies the batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from paperfeed.config import Settings
from paperfeed.sources import Batch, SourceError, arxiv, listing
from paperfeed.sources import http as http_mod

SOURCE_NAMES = ("huggingface", "arxiv")


@dataclass
class Fetched:
    batch: Batch = field(default_factory=Batch)
    failures: list[str] = field(default_factory=list)
    #: days never asked for, because their server could not be reached
    not_asked: int = 0
    #: each arXiv day's kept and dropped entries (``--dry-run`` shows them)
    listings: list[listing.Listing] = field(default_factory=list)
    asked: int = 0


def fetch(settings: Settings, days: list[dt.date], *, only: str | None = None, hf_url: str | None = None,
          arxiv_url: str | None = None, step: Callable[[int], None] = lambda n: None) -> Fetched:
    """Fetch ``days`` from every enabled source (or ``only`` one of them)."""
    names = settings.sources.names if only is None else (only,)
    if only == "arxiv" and settings.sources.arxiv is None:
        raise SourceError("no arXiv source is set up: add extra.paperfeed.sources.arxiv.categories to mkdocs.yml "
                          "(see docs/sources.md)")
    http = http_mod.http_settings(settings)
    deadline = http_mod.Deadline(settings.fetch_deadline)
    out = Fetched()
    for name in names:
        if name == "huggingface":
            session = http_mod.session(http, token=http_mod.hf_token())
            url = hf_url or settings.api_url

            def one(d: dt.date) -> Batch:
                return http_mod.fetch_day(session, url, d, http)
            label, prefix = "Hugging Face", ""
        else:
            source = settings.sources.arxiv
            assert source is not None
            client = http_mod.ArxivClient(arxiv_url or settings.arxiv_api_url, http, interval=settings.arxiv_interval)

            def one(d: dt.date) -> Batch:
                found = listing.fetch_day(client, source, d, retries=http.retries, backoff=http.backoff)
                out.listings.append(found)
                return Batch(found.featured, found.replaced, found.problems,
                             len(found.featured) + len(found.replaced) + len(found.dropped),
                             {d} if found.featured or found.replaced else set())
            label, prefix = "arXiv", "arXiv "
        for i, d in enumerate(days):
            out.asked += 1
            try:
                out.batch.extend(deadline.run(f"{label} {d.isoformat()}", lambda d=d: one(d)))
            except http_mod.Unreachable as exc:
                left = len(days) - i - 1
                out.not_asked += left
                others = f"{left} day" if left == 1 else f"{left} days"
                out.failures.append(f"{exc}" + (f"; the other {others} were not asked for" if left else ""))
                step(left + 1)
                break
            except (http_mod.GaveUp, arxiv.ArxivError) as exc:
                out.failures.append(f"gave up on {prefix}{d.isoformat()}: {exc}")
            except SourceError as exc:
                out.failures.append(f"{prefix}{d.isoformat()}: {exc}" if prefix else str(exc))
            step(1)
    return out
