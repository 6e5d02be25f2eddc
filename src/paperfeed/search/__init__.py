"""Search: the site's own split index of papers, read by the header search box."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from paperfeed.pages.paths import paper_md, url_of
from paperfeed.model import Paper
from paperfeed.pages.render import rich_text, visible_text
from paperfeed.search.index import ROOT, Doc, build, impacts, order, packed, unpacked
from paperfeed.search.bundles import Bundles
from paperfeed.search.postings import Words
from paperfeed.search.words import gather

if TYPE_CHECKING:
    from paperfeed.pages.context import Context

__all__ = ["ROOT", "Bundles", "Doc", "Words", "build", "documents", "files", "gather", "impacts", "order", "packed",
           "title_text", "unpacked"]


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


def tag_names(pages: Context) -> list[tuple[str, str]]:
    """(slug, name) of every tag the filter lists, in its order."""
    return [(slug, pages.taxonomy.name(slug)) for slug in pages.tagged]


def files(pages: Context) -> dict[str, str | bytes]:
    """The search index of every paper the site shows, keyed by path under docs/, made from
    nothing kept (a build with its cache calls ``gather`` and ``build`` itself)."""
    ordered = order(documents(pages))
    words = gather(ordered, [""] * len(ordered), kept=None, compute=lambda docs: [packed(d) for d in docs])
    return build(ordered, tag_names(pages), words=words)
