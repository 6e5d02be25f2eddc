"""The plain-text scrape of a Hugging Face papers page → Papers.

The page is a few lines of chrome ("Get trending papers in your email inbox!",
"Mar 14", ...) and then, for each paper, a title line and an abstract paragraph,
separated by blank lines. The page shows no year, so the featured day is given
by the caller; papers get a slug id until ``paperfeed enrich`` finds their arXiv id.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from paperfeed.model import Links, Paper, PaperError, clean_text, slug_id
from paperfeed.sources.problems import ItemProblem, admit

_MONTH_DAY = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{1,2})$")
_CHROME = re.compile(
    r"^(new|subscribe|get trending papers in your email inbox!?|by ?ak and the research community"
    r"|daily papers|trending papers|papers|previous|next|search|submit paper|\d+ upvotes?)$",
    re.IGNORECASE,
)
#: A title is one short line; longer blocks are abstracts.
MAX_TITLE = 300


@dataclass
class ScrapePage:
    papers: list[Paper]
    problems: list[ItemProblem]
    page_day: tuple[int, int] | None  # (month, day) as the page shows it


def looks_like(text: str) -> bool:
    return bool(text.strip()) and not text.lstrip().startswith(("{", "[", "<"))


def parse(text: str, *, source: str, day: dt.date | None) -> ScrapePage:
    """Parse a scrape; ``day`` is the featured day (the page gives none with a year)."""
    papers: list[Paper] = []
    problems: list[ItemProblem] = []
    page_day = None
    pending: tuple[int, str] | None = None  # (line, title) waiting for its abstract
    for line_no, block in _blocks(text):
        if pending is None and (m := _MONTH_DAY.match(block)):
            page_day = (dt.datetime.strptime(m.group(1), "%b").month, int(m.group(2)))
            continue
        if pending is None and _CHROME.match(block):
            continue
        if pending is None:
            if len(block) > MAX_TITLE:
                problems.append(ItemProblem(source, line_no, "a paragraph with no title line above it", "line"))
                continue
            pending = (line_no, block)
            continue
        title_line, title = pending
        pending = None
        if len(block) <= len(title):
            problems.append(ItemProblem(source, title_line, f"title {title[:80]!r} is not followed by an abstract",
                                        "line"))
            pending = (line_no, block)
            continue
        try:
            paper_id = slug_id(title)
        except PaperError as exc:  # a title with no letter or digit that ASCII can spell
            problems.append(ItemProblem(source, title_line, f"{exc}; skipped", "line"))
            continue
        paper, dropped = admit(Paper(id=paper_id, title=title, abstract=block, featured=[day] if day else [],
                                     links=Links(), sources=["scrape"]), source=source, index=title_line, unit="line")
        problems += dropped
        if paper is not None:
            papers.append(paper)
    if pending is not None:
        problems.append(ItemProblem(source, pending[0], f"title {pending[1][:80]!r} has no abstract", "line"))
    return ScrapePage(papers, problems, page_day)


def _blocks(text: str) -> list[tuple[int, str]]:
    """Blank-line separated blocks, unwrapped, with the line each starts on
    (used as the item index in messages)."""
    blocks: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            blocks.append((start, clean_text(" ".join(lines))))
            lines = []
    if lines:
        blocks.append((start, clean_text(" ".join(lines))))
    return blocks
