"""How a new sighting of a paper combines with what the archive already holds.

Featured days and sources are unioned; a newer sighting (a later featured day,
or a source with no day, such as arXiv) replaces the values it carries, while an
older one only fills gaps; links fill in key by key. The body and every key that
people own are never touched.
"""

from __future__ import annotations

from paperfeed.model import LINK_KEYS, SOURCES, Links, Paper

_TEXT_FIELDS = ("title", "abstract", "published", "ai_summary", "organization", "submitted_by")
_LIST_FIELDS = ("authors", "keywords", "categories")
_COUNT_FIELDS = ("upvotes", "comments")


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def is_newer(old: Paper, new: Paper) -> bool:
    """Whether ``new`` was seen no earlier than ``old``: its latest featured day is
    the same or later (a re-fetch of the same day is newer), or it has no day."""
    if new.last_featured is None or old.last_featured is None:
        return True
    return new.last_featured >= old.last_featured


def merge(old: Paper, new: Paper) -> Paper:
    """The record that results from seeing ``new`` when ``old`` is on file."""
    newer = is_newer(old, new)
    merged = old.copy()
    if new.has_arxiv_id and not old.has_arxiv_id:
        merged.id = new.id
    for name in _TEXT_FIELDS + _LIST_FIELDS:
        value = getattr(new, name)
        if not _empty(value) and (newer or _empty(getattr(old, name))):
            setattr(merged, name, list(value) if isinstance(value, list) else value)
    for name in _COUNT_FIELDS:
        value = getattr(new, name)
        if value is not None and (newer or getattr(old, name) is None):
            setattr(merged, name, value)
    merged.links = merge_links(old.links, new.links, newer=newer)
    merged.featured = sorted(set(old.featured) | set(new.featured))
    merged.sources = [s for s in SOURCES if s in old.sources or s in new.sources]
    return merged


def merge_links(old: Links, new: Links, *, newer: bool) -> Links:
    values = {}
    for key in LINK_KEYS:
        mine, theirs = getattr(old, key), getattr(new, key)
        values[key] = theirs if theirs is not None and (newer or mine is None) else mine
    return Links(**values)


def fill_missing(paper: Paper, found: Paper) -> Paper:
    """Fill only the gaps of ``paper`` from ``found`` (an arXiv lookup): the id
    when ``paper`` has only a slug, then authors, date, abstract and links."""
    filled = paper.copy()
    if found.has_arxiv_id and not paper.has_arxiv_id:
        filled.id = found.id
    for name in ("authors", "published", "abstract", "categories"):
        if _empty(getattr(paper, name)) and not _empty(getattr(found, name)):
            setattr(filled, name, getattr(found, name))
    filled.links = merge_links(paper.links, found.links, newer=False)
    filled.sources = [s for s in SOURCES if s in paper.sources or s in found.sources]
    return filled
