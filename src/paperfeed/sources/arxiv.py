"""arXiv's Atom and RSS → Papers: API responses and saved listing feeds.

API responses (``export.arxiv.org/api/query``) of both eras are read: before
November 2025 (links carry rel/title/type, text is hard-wrapped, ids may be
old-style such as ``astro-ph/9904306v1``) and after (links bare, element order
changed, text unwrapped). ``totalResults`` is not trusted. arXiv's overload
answers (an entry titled "Error", or "Rate exceeded.") raise :class:`ArxivError`.

Listing feeds (``rss.arxiv.org/rss/cs.RO`` and ``/atom/cs.RO``, one announcement
day each) say of each entry whether it is new, a cross-list or a replacement
(``arxiv:announce_type``); the day is the channel's announcement date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from paperfeed.model import CATEGORY, Links, Paper, clean_text, normalize_arxiv_id
from paperfeed.sources.problems import ItemProblem, admit

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
#: what a listing says an entry is
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
_LISTING_TEXT = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:\s*)?", re.IGNORECASE)


class ArxivError(Exception):
    """arXiv answered, but not with results (overload, bad query)."""


@dataclass(frozen=True)
class Entry:
    """One entry: the paper, when its first and its latest version came, and, from a
    listing, what it is in that day's announcements."""

    paper: Paper
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    announce: str | None = None


@dataclass
class Parsed:
    entries: list[Entry]
    problems: list[ItemProblem]
    #: a listing's announcement day (None for an API response)
    day: dt.date | None = None


def looks_like(text: str) -> bool:
    head = text.lstrip()[:200]
    return head.startswith("<?xml") or head.startswith("<feed") or head.startswith("<rss")


def parse(text: str, *, source: str) -> tuple[list[Paper], list[ItemProblem]]:
    """Parse one API response: its papers, and the entries skipped (without a usable
    id or title) or cut down to what the archive may store."""
    parsed = parse_entries(text, source=source)
    return [e.paper for e in parsed.entries], parsed.problems


def parse_entries(text: str, *, source: str) -> Parsed:
    """Parse an API response or a listing feed, entry by entry."""
    if text.strip().lower().startswith("rate exceeded"):
        raise ArxivError(f"{source}: arXiv says: rate exceeded")
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise ArxivError(f"{source}: not valid Atom or RSS XML ({exc})") from None
    if root.tag == "rss":
        return _rss(root, source)
    if root.tag != f"{ATOM}feed":
        raise ArxivError(f"{source}: not an Atom feed or an arXiv RSS listing (root element {root.tag!r})")
    parsed = Parsed([], [])
    for index, node in enumerate(root.iter(f"{ATOM}entry")):
        title = clean_text(node.findtext(f"{ATOM}title"))
        raw_id = node.findtext(f"{ATOM}id") or ""
        if title == "Error" and "api/errors" in raw_id:
            raise ArxivError(f"{source}: arXiv error: {clean_text(node.findtext(f'{ATOM}summary'))}")
        announce = clean_text(node.findtext(f"{ARXIV}announce_type")) or None
        authors = [clean_text(a.findtext(f"{ATOM}name")) for a in node.findall(f"{ATOM}author")]
        if not any(authors):
            authors = _creators(node.findtext(f"{DC}creator"))
        published = _time(node.findtext(f"{ATOM}published"))
        if announce is not None and published is not None:
            parsed.day = parsed.day or published.date()  # a listing's entries carry its day
        _add(parsed, source, index, raw_id, title, authors, _abstract(node.findtext(f"{ATOM}summary")),
             published, _time(node.findtext(f"{ATOM}updated")), _categories(node), announce)
    return parsed


def _rss(root: ET.Element, source: str) -> Parsed:
    channel = root.find("channel")
    if channel is None:
        raise ArxivError(f"{source}: an RSS feed without a channel")
    day = _time(channel.findtext("pubDate"))
    parsed = Parsed([], [], day.date() if day else None)
    for index, item in enumerate(channel.iter("item")):
        raw_id = item.findtext("guid") or item.findtext("link") or ""
        categories = [c.text.strip() for c in item.findall("category") if c.text]
        _add(parsed, source, index, raw_id.removeprefix("oai:arXiv.org:"), clean_text(item.findtext("title")),
             _creators(item.findtext(f"{DC}creator")), _abstract(item.findtext("description")), None, None,
             [c for i, c in enumerate(categories) if CATEGORY.fullmatch(c) and c not in categories[:i]],
             clean_text(item.findtext(f"{ARXIV}announce_type")) or None)
    return parsed


def _add(parsed: Parsed, source: str, index: int, raw_id: str, title: str, authors: list[str], abstract: str,
         published: dt.datetime | None, updated: dt.datetime | None, categories: list[str],
         announce: str | None) -> None:
    arxiv_id = normalize_arxiv_id(raw_id)
    if arxiv_id is None or not title:
        parsed.problems.append(ItemProblem(source, index, f"entry {clean_text(raw_id)[:80]!r} has no arXiv id or "
                                           "no title; skipped", "entry"))
        return
    if announce is not None and announce not in ANNOUNCE_TYPES:
        parsed.problems.append(ItemProblem(source, index, f"entry {arxiv_id}: unknown announce type "
                                           f"{announce[:40]!r}; skipped", "entry"))
        return
    paper = Paper(id=arxiv_id, title=title, authors=[a for a in authors if a], abstract=abstract,
                  published=published.date() if published and announce is None else None,
                  categories=categories,
                  links=Links(arxiv=f"https://arxiv.org/abs/{arxiv_id}", pdf=f"https://arxiv.org/pdf/{arxiv_id}"),
                  sources=["arxiv"])
    admitted, dropped = admit(paper, source=source, index=index, unit="entry")
    parsed.problems += dropped
    if admitted is not None:
        parsed.entries.append(Entry(admitted, published, updated, announce))


def _abstract(value: str | None) -> str:
    """An abstract, without the "arXiv:… Announce Type: new Abstract:" a listing puts first."""
    return clean_text(_LISTING_TEXT.sub("", value or ""))


def _creators(value: str | None) -> list[str]:
    """A listing's ``dc:creator``: "Ada Lovelace, Alan Turing and Grace Hopper"."""
    text = clean_text(value)
    return [n.strip() for n in re.split(r",\s*|\s+and\s+", text) if n.strip()] if text else []


def _categories(entry: ET.Element) -> list[str]:
    """The entry's categories, the primary one first, each once."""
    primary = entry.find(f"{ARXIV}primary_category")
    terms = ([primary.get("term")] if primary is not None else []) + [c.get("term") for c in entry.findall(f"{ATOM}category")]
    out: list[str] = []
    for term in terms:
        if term and CATEGORY.fullmatch(term) and term not in out:
            out.append(term)
    return out


def _time(value: str | None) -> dt.datetime | None:
    """An Atom (RFC 3339) or RSS (RFC 822) time, in UTC."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        found = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            found = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=dt.timezone.utc)
    return found.astimezone(dt.timezone.utc)
