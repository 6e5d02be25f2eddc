"""arXiv API Atom responses → Papers.

Both eras are read: before November 2025 (links carry rel/title/type, text is
hard-wrapped, ids may be old-style such as ``astro-ph/9904306v1``) and after
(links bare, element order changed, text unwrapped). ``totalResults`` is not
trusted. arXiv's overload answers (an entry titled "Error", or "Rate
exceeded.") raise :class:`ArxivError`.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from paperfeed.model import CATEGORY, Links, Paper, clean_text, normalize_arxiv_id
from paperfeed.sources.problems import ItemProblem, admit

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


class ArxivError(Exception):
    """arXiv answered, but not with results (overload, bad query)."""


def looks_like(text: str) -> bool:
    head = text.lstrip()[:200]
    return head.startswith("<?xml") or head.startswith("<feed")


def parse(text: str, *, source: str) -> tuple[list[Paper], list[ItemProblem]]:
    """Parse one API response: its papers, and the entries skipped (without a usable
    id or title) or cut down to what the archive may store."""
    if text.strip().lower().startswith("rate exceeded"):
        raise ArxivError(f"{source}: arXiv says: rate exceeded")
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise ArxivError(f"{source}: not valid Atom XML ({exc})") from None
    if root.tag != f"{ATOM}feed":
        raise ArxivError(f"{source}: not an Atom feed (root element {root.tag!r})")
    papers: list[Paper] = []
    problems: list[ItemProblem] = []
    for index, entry in enumerate(root.iter(f"{ATOM}entry")):
        title = clean_text(entry.findtext(f"{ATOM}title"))
        raw_id = entry.findtext(f"{ATOM}id") or ""
        if title == "Error" and "api/errors" in raw_id:
            raise ArxivError(f"{source}: arXiv error: {clean_text(entry.findtext(f'{ATOM}summary'))}")
        arxiv_id = normalize_arxiv_id(raw_id)
        if arxiv_id is None or not title:
            problems.append(ItemProblem(source, index, f"entry {clean_text(raw_id)[:80]!r} has no arXiv id or "
                                        "no title; skipped", "entry"))
            continue
        published = entry.findtext(f"{ATOM}published") or ""
        paper = Paper(
            id=arxiv_id,
            title=title,
            authors=[clean_text(a.findtext(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")
                     if clean_text(a.findtext(f"{ATOM}name"))],
            abstract=clean_text(entry.findtext(f"{ATOM}summary")),
            published=_date(published),
            categories=_categories(entry),
            links=Links(arxiv=f"https://arxiv.org/abs/{arxiv_id}", pdf=f"https://arxiv.org/pdf/{arxiv_id}"),
            sources=["arxiv"],
        )
        admitted, dropped = admit(paper, source=source, index=index, unit="entry")
        problems += dropped
        if admitted is not None:
            papers.append(admitted)
    return papers, problems


def _categories(entry: ET.Element) -> list[str]:
    """The entry's categories, the primary one first, each once."""
    primary = entry.find(f"{ARXIV}primary_category")
    terms = ([primary.get("term")] if primary is not None else []) + [c.get("term") for c in entry.findall(f"{ATOM}category")]
    out: list[str] = []
    for term in terms:
        if term and CATEGORY.fullmatch(term) and term not in out:
            out.append(term)
    return out


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
