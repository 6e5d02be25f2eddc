"""What goes into a feed: one ``FeedItem`` per paper or per day, built from the archive.

Items carry plain text (titles, authors) and one HTML fragment (the content),
escaped here with markupsafe. Characters that XML 1.0 cannot hold at all (NUL,
most control characters, lone surrogates) are dropped from every string, so a
hostile title still gives a well-formed feed with the rest of its text intact.
``$…$`` math stays as its TeX source: most feed readers drop MathML.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from markupsafe import Markup

from paperfeed.model import Paper
from paperfeed.pages import render as r

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class FeedItem:
    id: str
    url: str
    title: str
    day: dt.date
    content_html: str
    summary: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()  # (slug, name)
    external_url: str | None = None
    #: the paper's place in its day's list (0: the most upvoted)
    rank: int = 0

    @property
    def moment(self) -> dt.datetime:
        """The featured day as a time, from the data so it never drifts between builds: noon UTC
        (the same date from UTC-12 to UTC+11), one second earlier per place in the day's list,
        so no two items of a day share a time (Atom readers order by it; the W3C validator
        warns on equal ones) and readers sort a day as the site does."""
        noon = dt.datetime.combine(self.day, dt.time(12, 0), tzinfo=dt.timezone.utc)
        return noon - dt.timedelta(seconds=min(self.rank, 43_199))


@dataclass(frozen=True)
class FeedInfo:
    """One feed: where it lives and what it says about itself."""

    path: str  # under the site root, without extension: "feeds/papers"
    title: str
    description: str
    page_url: str  # the HTML page this feed follows
    items: list[FeedItem] = field(default_factory=list)
    author: str = ""  # the site: Atom wants an author for entries that name none

    @property
    def updated(self) -> dt.datetime:
        """The newest item's time: the feed changes only when its data does."""
        return max((i.moment for i in self.items),
                   default=dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))


def _links(paper: Paper, page_url: str) -> Markup:
    items = [Markup('<a href="{}">Read on the site</a>').format(page_url)]
    for label, href in (("arXiv", paper.links.arxiv), ("PDF", paper.links.pdf), ("Code", paper.links.github),
                        ("Project page", paper.links.project), ("Hugging Face", paper.links.huggingface)):
        if href:
            items.append(Markup('<a href="{}">{}</a>').format(href, label))
    return Markup(" · ").join(items)


def _authors(names: list[str]) -> str:
    more = len(names) - r.AUTHORS_SHOWN
    return ", ".join(names[:r.AUTHORS_SHOWN]) + (f" and {more:,} more" if more > 0 else "")


def paper_item(paper: Paper, *, page_url: str, tags: list[tuple[str, str]], day: dt.date, rank: int = 0) -> FeedItem:
    """A paper as a feed item; its id is its arXiv URL (or, without an arXiv id, its page URL)."""
    parts = []
    if paper.ai_summary:
        parts.append(Markup("<p><strong>AI summary:</strong> {}</p>").format(paper.ai_summary))
    if paper.abstract:
        parts.append(Markup("<p>{}</p>").format(paper.abstract))
    if paper.authors:
        parts.append(Markup("<p><em>{}</em></p>").format(_authors(paper.authors)))
    if tags:
        parts.append(Markup("<p>Tags: {}</p>").format(", ".join(name for _, name in tags)))
    parts.append(Markup("<p>{}</p>").format(_links(paper, page_url)))
    stable = f"https://arxiv.org/abs/{paper.id}" if paper.has_arxiv_id else page_url
    return FeedItem(
        id=stable, url=page_url, title=xml_safe(paper.title), day=day,
        content_html=xml_safe(str(Markup("\n").join(parts))),
        summary=xml_safe(paper.ai_summary or r.excerpt(paper.abstract)),
        authors=tuple(xml_safe(a) for a in paper.authors[:r.AUTHORS_SHOWN]), tags=tuple((s, xml_safe(n)) for s, n in tags),
        external_url=paper.links.arxiv, rank=rank)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def one_line(paper: Paper, limit: int = 200) -> str:
    """The paper in a sentence: the first of its AI summary (or abstract), cut at ``limit``."""
    text = " ".join((paper.ai_summary or paper.abstract).split())
    return r.excerpt(_SENTENCE_END.split(text, maxsplit=1)[0], limit) if text else ""


def digest_item(day: dt.date, papers: list[tuple[Paper, str]], *, page_url: str, site_name: str) -> FeedItem:
    """One featured day as one item, made to read well in a mail client (RSS-to-email services
    send it as it is): plain HTML with no stylesheet or script, the day's papers most upvoted
    first, each with its title, votes, authors, a one-line summary and its links."""
    rows = []
    for paper, url in papers:
        votes = f" · ▲ {paper.upvotes}" if paper.upvotes is not None else ""
        links = [Markup('<a href="{}">{}</a>').format(href, label) for label, href in (
            ("arXiv", paper.links.arxiv), ("PDF", paper.links.pdf), ("Code", paper.links.github),
            ("Project page", paper.links.project)) if href]
        lines = [Markup('<a href="{}"><strong>{}</strong></a>{}').format(url, paper.title, votes)]
        if paper.authors:
            lines.append(Markup("<em>{}</em>").format(r.authors_short(paper.authors)))
        if summary := one_line(paper):
            lines.append(Markup("{}").format(summary))
        if links:
            lines.append(Markup(" · ").join(links))
        rows.append(Markup("<li><p>{}</p></li>").format(Markup("<br>\n").join(lines)))
    content = Markup('<p>{} papers featured on {}, most upvoted first. <a href="{}">See them on the site</a>.</p>\n'
                     "<ol>\n{}\n</ol>").format(len(papers), day.strftime("%A, %B %-d, %Y"), page_url,
                                                Markup("\n").join(rows))
    return FeedItem(
        id=page_url, url=page_url, title=xml_safe(f"{site_name}: {len(papers)} papers of {day.strftime('%B %-d, %Y')}"),
        day=day, content_html=xml_safe(str(content)),
        summary=xml_safe("; ".join(p.title for p, _ in papers[:5]) + (" …" if len(papers) > 5 else "")))
