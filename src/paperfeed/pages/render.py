"""HTML fragments for generated pages. Scraped text is data, never markup.

Every string that came from outside is escaped with markupsafe before it
reaches a page, and fragments are emitted as raw HTML blocks, which Markdown
leaves alone: so ``*bold*``, ``# Heading``, ``[x](javascript:…)``, ``{{ config }}``
and ``| a | b |`` show up as exactly that text. LaTeX (math and the common text
commands) is rendered by pages/latex.py; citations are made by pages/cite.py.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from paperfeed.model import Paper
from paperfeed.pages.cite import bibtex
from paperfeed.pages.latex import mathml, rich_text

__all__ = ["bibtex", "mathml", "rich_text"]  # re-exported: the page modules' one import

_MARKUP = re.compile(r"<[^>]*>")
_MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)


def visible_text(fragment: str) -> str:
    """The text a reader sees in an HTML fragment: MathML reads as its symbols run together."""
    joined = _MATH_ELEMENT.sub(lambda m: _MARKUP.sub("", m.group(0)), fragment)
    return " ".join(html.unescape(_MARKUP.sub(" ", joined)).split())


def url_of(md_path: str) -> str:
    """A docs page's URL path with ``use_directory_urls``: ``days/2025-03-14.md`` → ``days/2025-03-14/``."""
    path = md_path[:-3]
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("index")]
    return path + "/"


def _relative(from_md: str, target: list[str]) -> str:
    start = url_of(from_md).split("/")[:-1]
    common = 0
    for a, b in zip(start, target):
        if a != b:
            break
        common += 1
    return "../" * (len(start) - common) + "/".join(target[common:])


def rel(from_md: str, to_md: str) -> str:
    """A relative link between two pages, so the site works under any sub-path."""
    link = _relative(from_md, url_of(to_md).split("/")[:-1])
    return link + "/" if link and not link.endswith("/") else link or "./"


def rel_file(from_md: str, path: str) -> str:
    """A relative link from a page to a file of the site (a feed, an image)."""
    return _relative(from_md, path.split("/"))


def join(items: Iterable[Markup | str], sep: str = " · ") -> Markup:
    return Markup(sep).join(items)


def link(href: str, label: str) -> Markup:
    """An external link; ``href`` was checked to be http(s) by the validator. It opens in
    the same tab, so it needs no ``rel="noopener"`` (at 30 links a day page, bytes add up)."""
    return Markup('<a href="{}">{}</a>').format(href, label)


def paper_links(paper: Paper) -> Markup:
    links = paper.links
    items = []
    if links.arxiv:
        items.append(link(links.arxiv, "arXiv"))
    if links.pdf:
        items.append(link(links.pdf, "PDF"))
    if links.huggingface:
        items.append(link(links.huggingface, "Hugging Face"))
    if links.github:
        stars = f" ★ {links.github_stars:,}" if links.github_stars is not None else ""
        items.append(link(links.github, f"Code{stars}"))
    if links.project:
        items.append(link(links.project, "Project page"))
    return join(items)


def authors_short(authors: list[str], limit: int = 3) -> str:
    if len(authors) <= limit:
        return ", ".join(authors)
    return ", ".join(authors[:limit]) + f" +{len(authors) - limit}"


def excerpt(value: str, limit: int = 300) -> str:
    if len(value) <= limit:
        return value
    cut = value[:limit]
    cut = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut  # a word, unless it is very long
    # never cut inside a $…$ pair: drop the dangling half
    if cut.count("$") % 2:
        cut = cut[: cut.rfind("$")].rstrip()
    return cut + " …"


#: Authors a paper page lists: a few papers have hundreds (664 in the real corpus), which
#: would make their pages grow without bound; the rest are one click away, on arXiv.
AUTHORS_SHOWN = 100
#: The most of each text that pages, feeds and search show of one paper, whatever its file
#: holds: well above any real paper's (titles reach 175 characters, abstracts 1,923, names
#: 55, summaries 1,606, keywords 33 of up to 73), so only a broken or hostile record is cut.
LIMITS = {"title": 300, "abstract": 5_000, "ai_summary": 2_000, "organization": 200, "submitted_by": 100}
NAME_LIMIT, KEYWORDS_SHOWN = 100, 50


def shown(paper: Paper) -> Paper:
    """``paper`` as every page, feed and search file shows it: each text cut to its limit
    (at a word, with " …"), names too; the list of authors keeps its length, since its
    readers show the first ``AUTHORS_SHOWN`` and count the rest."""
    changes: dict[str, object] = {name: excerpt(value, limit) for name, limit in LIMITS.items()
                                  if isinstance(value := getattr(paper, name), str) and len(value) > limit}
    if any(len(a) > NAME_LIMIT for a in paper.authors):
        changes["authors"] = [excerpt(a, NAME_LIMIT) for a in paper.authors]
    if len(paper.keywords) > KEYWORDS_SHOWN or any(len(k) > NAME_LIMIT for k in paper.keywords):
        changes["keywords"] = [excerpt(k, NAME_LIMIT) for k in paper.keywords[:KEYWORDS_SHOWN]]
    return dataclasses.replace(paper, **changes) if changes else paper


def authors_full(paper: Paper) -> Markup:
    """The paper's authors, all of them up to ``AUTHORS_SHOWN``, then a link to the complete list."""
    shown = escape(", ".join(paper.authors[:AUTHORS_SHOWN]))
    rest = len(paper.authors) - AUTHORS_SHOWN
    if rest <= 0:
        return shown
    where = paper.links.arxiv or paper.links.huggingface
    more = f"and {rest:,} more"
    return shown + (Markup(" {}").format(link(where, more)) if where else Markup(" {}").format(more))
