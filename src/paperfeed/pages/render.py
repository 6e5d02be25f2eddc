"""HTML fragments and front matter for generated pages. Scraped text is data, never markup.

Every string that came from outside is escaped with markupsafe before it
reaches a page, and fragments are emitted as raw HTML blocks, which Markdown
leaves alone: so ``*bold*``, ``# Heading``, ``[x](javascript:…)``, ``{{ config }}``
and ``| a | b |`` show up as exactly that text. LaTeX (math and the common text
commands) is rendered by pages/latex.py; citations are made by pages/cite.py.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Iterable
from typing import Literal

from markupsafe import Markup, escape

from paperfeed.model import Paper
from paperfeed.pages.cite import bibtex
from paperfeed.pages import latex
from paperfeed.pages.latex import mathml, rich_text

__all__ = ["bibtex", "mathml", "rich_text"]  # re-exported: the page modules' one import

_MARKUP = re.compile(r"<[^>]*>")
_MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)


def visible_text(fragment: str) -> str:
    """The text a reader sees in an HTML fragment: MathML reads as its symbols run together."""
    joined = _MATH_ELEMENT.sub(lambda m: _MARKUP.sub("", m.group(0)), fragment)
    return " ".join(html.unescape(_MARKUP.sub(" ", joined)).split())


# Characters YAML may not hold raw, or would fold as line breaks inside a quoted scalar.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _scalar(value: str) -> str:
    """``value`` as a YAML double-quoted scalar: JSON's escaping, plus YAML's own rules."""
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def front_matter(title: str, *, description: str, feeds: Literal["all", "latest", "none"] = "all",
                 page_feed: str | None = None, section: str | None = None, cards: bool = False) -> str:
    """Front matter. Values are JSON strings, which YAML reads as they are (and fast to write).

    Material prints page.meta.title and .description unescaped: they get escaped text
    (LaTeX as plain text). Every generated page uses ``overrides/lean.html``: Material's
    look in a fraction of the bytes and without Material's script (phones pay 1.5 s of
    main thread for it). The site's ``feeds`` a page names in its head for autodiscovery:
    all four, only the latest papers' (the lists whose number grows with the archive:
    days, tag months), or none (a paper's page, which is not a list; 24 MB at 100,000
    papers). A page with a feed of its own (a tag's, trending) names its ``page_feed`` too.
    ``cards`` pages get the script that filters and sorts their cards.
    """
    lines = ["---", f"title: {_scalar(str(escape(latex.plain(title))))}",
             f"description: {_scalar(str(escape(latex.plain(description).strip())))}", "template: lean.html"]
    if feeds != "latest":  # overrides/main.html reads it
        lines.append(f"feeds: {feeds}")
    if page_feed:  # overrides/main.html links its RSS and Atom for autodiscovery
        lines.append(f"page_feed: {_scalar(page_feed)}")
    if section:  # the header tab to mark as current (lean.html): the nav holds no such page
        lines.append(f"section: {_scalar(section)}")
    if cards:
        lines.append("cards: true")
    lines.append("prerendered: true")
    return "\n".join(lines) + "\n---\n\n"


def join(items: Iterable[Markup | str], sep: str = " · ") -> Markup:
    return Markup(sep).join(items)


def link(href: str, label: str) -> Markup:
    """An external link; ``href`` was checked to be http(s) by the validator. It opens in
    the same tab, so it needs no ``rel="noopener"`` (at 30 links a day page, bytes add up)."""
    return Markup(f'<a href="{escape(href)}">{escape(label)}</a>')  # Markup.format is 10x slower


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


def author_name(name: str) -> Markup:
    """An author, which the page's script (search.js) turns into a link to their papers:
    this very page with the header's search open on exactly this name. The search only
    works with JavaScript, so the link is made there: a page pays ~40 bytes per author
    for it in HTML (27 MB at 100,000 papers)."""
    return Markup("<span>{}</span>").format(name)


def authors_full(paper: Paper) -> Markup:
    """The paper's authors, up to ``AUTHORS_SHOWN`` (each becomes a link to their papers,
    see ``author_name``); then a link to the complete list."""
    shown = join((author_name(a) for a in paper.authors[:AUTHORS_SHOWN]), ", ")
    rest = len(paper.authors) - AUTHORS_SHOWN
    if rest <= 0:
        return shown
    where = paper.links.arxiv or paper.links.huggingface
    more = f"and {rest:,} more"
    return shown + (Markup(" {}").format(link(where, more)) if where else Markup(" {}").format(more))


_HF_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")


def submitter(paper: Paper, *, linked: bool = False) -> Markup:
    """Who put the paper on the daily list, linked to their Hugging Face profile on a paper page."""
    name = paper.submitted_by
    if not name:
        return Markup("")
    if linked and _HF_USER.fullmatch(name):
        return Markup("submitted by {}").format(link(f"https://huggingface.co/{name}", name))
    return Markup("submitted by {}").format(name)
