"""Sources: everything that turns outside data into Paper records.

``read_file`` detects which of the three kinds a saved file is (from its
content, not its name) and parses it into a :class:`Batch`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from paperfeed.archive.store import printable_path
from paperfeed.model import Paper
from paperfeed.sources import arxiv, hf_daily, scrape
from paperfeed.sources.problems import ItemProblem

_DAY_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


class SourceError(Exception):
    """A whole input could not be read (not one item of it)."""


@dataclass
class Batch:
    """Papers read from one or more inputs, in input order, and what was skipped."""

    papers: list[Paper] = field(default_factory=list)
    #: new versions of papers (arXiv replacements): they update papers the archive has, never add one
    updates: list[Paper] = field(default_factory=list)
    problems: list[ItemProblem] = field(default_factory=list)
    items: int = 0
    days: set[dt.date] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: Batch) -> None:
        self.papers += other.papers
        self.updates += other.updates
        self.problems += other.problems
        self.items += other.items
        self.days |= other.days
        self.warnings += other.warnings


def detect(text: str) -> str:
    """``'hf-daily'``, ``'arxiv'`` or ``'scrape'``, from the content."""
    if arxiv.looks_like(text):
        return "arxiv"
    if hf_daily.looks_like(text):
        return "hf-daily"
    if scrape.looks_like(text):
        return "scrape"
    if text.strip():
        raise SourceError(f"not Hugging Face API JSON, arXiv Atom or a page scrape (it starts with "
                          f"{text.lstrip()[:12]!r})")
    raise SourceError("empty input")


def read_text(text: str, *, source: str, day: dt.date | None = None) -> Batch:
    """Parse ``text`` of any kind; ``source`` names it in messages."""
    kind = detect(text)
    if kind == "hf-daily":
        if day is None and (m := _DAY_IN_NAME.search(Path(source).name)):
            try:
                day = dt.date.fromisoformat(m.group(1))
            except ValueError:
                raise SourceError(f"the name says {m.group(1)}, which is not a real day: rename the file or "
                                  "pass --date") from None
        try:
            parsed = hf_daily.parse(text, source=source, day=day)
        except ValueError as exc:
            raise SourceError(str(exc)) from None
        days = {parsed.day} if parsed.day and parsed.items else set()
        return Batch(parsed.papers, [], parsed.problems, parsed.items, days, parsed.notices(source))
    if kind == "arxiv":
        try:
            parsed = arxiv.parse_entries(text, source=source)
        except arxiv.ArxivError as exc:
            raise SourceError(str(exc)) from None
        items = len(parsed.entries) + len(parsed.problems)
        if parsed.day is None:  # an API answer: papers, featured on no day
            return Batch([e.paper for e in parsed.entries], [], parsed.problems, items)
        # a listing: its new papers and cross-lists are featured on its day, its replacements update
        featured = [e.paper for e in parsed.entries if e.announce in ("new", "cross")]
        for paper in featured:
            paper.featured = [parsed.day]
        updates = [e.paper for e in parsed.entries if e.announce in ("replace", "replace-cross")]
        return Batch(featured, updates, parsed.problems, items, {parsed.day})
    if day is None:
        raise SourceError(f"{source}: a page scrape shows no year: pass --date YYYY-MM-DD")
    page = scrape.parse(text, source=source, day=day)
    batch = Batch(page.papers, [], page.problems, len(page.papers) + len(page.problems), {day})
    if page.page_day and page.page_day != (day.month, day.day):
        batch.warnings.append(f"{source}: the page says {page.page_day[0]:02d}-{page.page_day[1]:02d}, "
                              f"but --date is {day.isoformat()}")
    return batch


def read_file(path: Path, *, day: dt.date | None = None) -> Batch:
    name = printable_path(path)  # a file name is data: a newline in it must not start a line of output
    if path.is_symlink():
        raise SourceError(f"{name}: a symbolic link, not read (it could point anywhere)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{name}: cannot read ({exc})") from None
    try:
        return read_text(text, source=name, day=day)
    except SourceError as exc:
        message = str(exc)
        raise SourceError(message if message.startswith(name) else f"{name}: {message}") from None
