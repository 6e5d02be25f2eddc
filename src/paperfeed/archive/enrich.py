"""``paperfeed enrich``: give papers from a scrape their arXiv id, authors and date.

Lookups come from the arXiv API (a title search, one request per 3 seconds)
or, offline, from a TSV table made by hand (``title``, ``arxiv_id``,
``first_version_date``, ``authors`` joined with ``'; '``). A match needs the
same normalized title; only gaps are filled, never what is already there.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paperfeed.archive import lock
from paperfeed.archive.merge import fill_missing
from paperfeed.archive.update import Outcome, Workspace
from paperfeed.model import Links, Paper, clean_text, normalize_arxiv_id, normalize_title
from paperfeed.sources import SourceError
from paperfeed.sources.arxiv import ArxivError
from paperfeed.sources.problems import admit

Lookup = Callable[[Paper], "Paper | None"]


class LookupTableError(Exception):
    """A lookup table cannot be used; names the file and line."""


@dataclass
class EnrichResult:
    outcome: Outcome
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: Why the lookups stopped early (an API that failed after its retries), if they did.
    stopped: str | None = None


def read_lookup_table(path: Path) -> dict[str, Paper]:
    """The TSV table as Papers keyed by normalized title."""
    table: dict[str, Paper] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # a byte-order mark is not part of a column name
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        raise LookupTableError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise LookupTableError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise LookupTableError(f"{path}: not a readable TSV table ({exc})") from None
    for line, row in enumerate(rows, start=2):
        for column in ("title", "arxiv_id"):
            if column not in row:
                raise LookupTableError(f"{path}: missing column {column!r}")
        arxiv_id = normalize_arxiv_id(row["arxiv_id"] or "")
        if arxiv_id is None:
            raise LookupTableError(f"{path}:{line}: {row['arxiv_id']!r} is not an arXiv id")
        date = (row.get("first_version_date") or "").strip()
        try:
            published = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise LookupTableError(f"{path}:{line}: first_version_date {date!r} is not YYYY-MM-DD") from None
        paper, problems = admit(Paper(
            id=arxiv_id, title=clean_text(row["title"]),
            authors=[name for a in (row.get("authors") or "").split(";") if (name := clean_text(a))],
            published=published,
            links=Links(arxiv=f"https://arxiv.org/abs/{arxiv_id}", pdf=f"https://arxiv.org/pdf/{arxiv_id}"),
            sources=["lookup"],
        ), source=str(path), index=line, unit="line")
        if paper is None or problems:
            raise LookupTableError(str(problems[0]))
        table[normalize_title(row["title"])] = paper
    return table


def table_lookup(table: dict[str, Paper]) -> Lookup:
    return lambda paper: table.get(normalize_title(paper.title))


def search_lookup(search: Callable[[str], list[Paper]]) -> Lookup:
    """Use a title search (the arXiv API) and keep only an exact normalized-title match."""
    def lookup(paper: Paper) -> Paper | None:
        want = normalize_title(paper.title)
        return next((hit for hit in search(paper.title) if normalize_title(hit.title) == want), None)
    return lookup


def enrich(root: Path, lookup: Lookup, *, progress: Callable[[int], None] | None = None,
           notes: Path | None = None) -> EnrichResult:
    """Fill in every id-less paper of the archive that ``lookup`` can find; when the lookup
    fails, save what was found and say why it stopped."""
    with lock.writing(root):
        return _enrich(root, lookup, progress, notes)


def _enrich(root: Path, lookup: Lookup, progress: Callable[[int], None] | None, notes: Path | None) -> EnrichResult:
    ws = Workspace.load(root, everything=True)
    result = EnrichResult(Outcome())
    for paper in [p for p in ws.papers() if not p.has_arxiv_id]:
        try:
            found = lookup(paper)
        except (SourceError, ArxivError) as exc:
            # keep what was found so far: a later run starts where this one stopped
            result.stopped = str(exc)
            break
        if progress:
            progress(1)
        if found is None:
            result.missing.append(paper.id)
            continue
        ws.replace(fill_missing(paper, found), old_id=paper.id)
        result.found.append(found.id)
    result.outcome = ws.save(notes)
    return result
