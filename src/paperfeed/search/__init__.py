"""Search: the site's own split index of papers, read by the header search box."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from paperfeed.pages.paths import paper_md, url_of
from paperfeed.model import Paper
from paperfeed.pages.render import rich_text, visible_text
from paperfeed.search.index import ROOT, Doc, build, impacts, packed, unpacked

if TYPE_CHECKING:
    from paperfeed.pages.context import Context

__all__ = ["ROOT", "Doc", "documents", "files", "impacts", "packed", "title_text", "unpacked"]


def title_text(paper: Paper) -> str:
    """The title as a result shows it: the page's title (math as its symbols), as text."""
    return visible_text(str(rich_text(paper.title)))


def documents(pages: Context, *, titles: Mapping[str, str] | None = None) -> list[Doc]:
    """What the index holds of each paper the site shows (``titles``: their ``title_text``,
    if known already)."""
    name = pages.taxonomy.name
    return [Doc(paper, url_of(paper_md(paper.id)),
                titles[paper.id] if titles is not None else visible_text(pages.title(paper)), tuple(pages.tags[paper.id]),
                tuple(name(slug) for slug in pages.tags[paper.id]),
                tuple(note.body for note in pages.notes.get(paper.id, [])))
            for paper in pages.papers]


def files(pages: Context, *, impacts_of: Callable[[Doc], list[str]] = packed,
          docs: list[Doc] | None = None) -> dict[str, str | bytes]:
    """The search index of every paper the site shows (``docs``, if made already), keyed by path under docs/."""
    name = pages.taxonomy.name
    return build(documents(pages) if docs is None else docs, [(slug, name(slug)) for slug in pages.tagged],
                 impacts_of=impacts_of)
