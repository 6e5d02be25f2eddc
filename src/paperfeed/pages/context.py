"""What every page kind reads: the archive grouped for pages, and the fragments pages share.

A :class:`Context` holds the papers as pages show them (texts cut to their limits),
by day and by tag, with their tags and notes, and makes the pieces several kinds of
page use: a paper's card and row, its tag chips, the links between days. The page
kinds (``home``, ``days``, ``paper``, ``tagpages``, ``archive``, ``annotations``,
``trending``) build on it, and ``plan`` puts them together; this module imports none
of them.

Every generated page body is finished HTML, in blocks separated by blank lines:
Markdown passes it through unchanged, so scraped text cannot become markup, and
``paperfeed build`` can skip Markdown for it (``prerendered: true``, see
publish/prerendered.py). Every value from outside goes through ``escape`` (or
``rich_text``, which escapes) on its way into an f-string.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from markupsafe import escape

from paperfeed import feeds
from paperfeed.archive.notes import Note
from paperfeed.model import Paper
from paperfeed.pages import render as r
from paperfeed.pages.paths import ARCHIVE, TAGS, day_md, paper_md, rel, rel_file, tag_md, year_md
from paperfeed.tagging import Taxonomy

__all__ = ["Context", "Options", "long_date"]


@dataclass(frozen=True)
class Options:
    site_name: str
    home_days: int = 1
    #: the site's description (mkdocs.yml's site_description), for the home page's meta description
    description: str = ""
    repo_url: str | None = None
    branch: str = "main"


def _sort_key(paper: Paper) -> tuple:
    return (-(paper.last_featured or paper.published or dt.date.min).toordinal(), -(paper.upvotes or 0), paper.id)


def long_date(day: dt.date) -> str:
    return day.strftime("%A, %B %-d, %Y")


class Context:
    """The whole archive as the pages see it."""

    def __init__(self, papers: list[Paper], taxonomy: Taxonomy, options: Options,
                 notes: dict[str, list[Note]] | None = None, tags: dict[str, list[str]] | None = None) -> None:
        self.options = options
        self.notes = notes or {}
        self.taxonomy = taxonomy
        self.papers = sorted(map(r.shown, papers), key=_sort_key)
        # each paper's tags (a build passes the ones its cache kept)
        self.tags = tags if tags is not None else {p.id: taxonomy.tags_for(p) for p in self.papers}
        by_day: dict[dt.date, list[Paper]] = defaultdict(list)
        for paper in self.papers:
            for day in paper.featured:
                by_day[day].append(paper)
        self.days = {d: sorted(ps, key=lambda p: (-(p.upvotes or 0), p.id)) for d, ps in sorted(by_day.items())}
        self.day_list = list(self.days)
        tagged: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers:
            for slug in self.tags[paper.id]:
                tagged[slug].append(paper)
        order = [t.slug for t in taxonomy.tags] + sorted(set(tagged) - set(taxonomy.by_slug))
        self.tagged = {slug: tagged[slug] for slug in order if tagged.get(slug)}
        #: each paper's related papers, best first (related/; a build fills it in)
        self.related: dict[str, list[str]] = {}
        self.by_id = {p.id: p for p in self.papers}
        # a paper's title is shown on many pages: render its math once
        self._titles: dict[str, str] = {}

    # -- fragments --------------------------------------------------------------

    def title(self, paper: Paper) -> str:
        html = self._titles.get(paper.id)
        if html is None:
            html = self._titles[paper.id] = str(r.rich_text(paper.title))
        return html

    def tag_chips(self, paper: Paper, here: str) -> str:
        return " ".join(f'<a class="pf-tag" href="{rel(here, tag_md(t))}">{escape(self.taxonomy.name(t))}</a>'
                        for t in self.tags[paper.id])

    def note_count(self, paper: Paper, here: str) -> str:
        count = len(self.notes.get(paper.id, []))
        href = rel(here, paper_md(paper.id))
        return f'<a class="pf-note-count" href="{href}#notes">💬 {count} note{"s" if count != 1 else ""}</a>' \
            if count else ""

    def card(self, paper: Paper, here: str, *, level: int = 3, order: int | None = None) -> str:
        """A paper as a card: what day, home and trending pages list. Its ``data-`` attributes
        are what assets/paperfeed/cards.js sorts by (upvotes; ``order`` of appearance)."""
        meta = [str(escape(r.authors_short(paper.authors)))]
        if paper.organization:
            meta.append(str(escape(paper.organization)))
        if paper.upvotes is not None:
            meta.append(f"▲ {paper.upvotes}")
        if paper.comments:
            meta.append(f"{paper.comments} comment{'s' if paper.comments != 1 else ''}")
        meta += [str(r.submitter(paper)), self.note_count(paper, here)]
        summary = r.rich_text(paper.ai_summary or r.excerpt(paper.abstract))
        data = (f' data-up="{paper.upvotes}"' if paper.upvotes is not None else "") + \
            (f' data-o="{order}"' if order is not None else "")
        return (f'<article class="pf-card"{data}>\n<h{level} class="pf-card__title">'
                f'<a href="{rel(here, paper_md(paper.id))}">{self.title(paper)}</a></h{level}>\n'
                f'<p class="pf-card__meta">{" · ".join(m for m in meta if m)}</p>\n'
                f'<p class="pf-card__tags">{self.tag_chips(paper, here)}</p>\n<p class="pf-card__summary">{summary}</p>\n'
                f'<p class="pf-card__links">{r.paper_links(paper)}</p>\n</article>\n\n')

    def cards(self, papers: list[Paper], here: str, *, level: int = 3) -> list[str]:
        """Cards in the given order, each knowing its place in order of appearance: the day it
        was first featured, then arXiv's order (its id)."""
        appearance = sorted(papers, key=lambda p: (min(p.featured) if p.featured else dt.date.max, p.id))
        place = {p.id: i for i, p in enumerate(appearance)}
        return [self.card(p, here, level=level, order=place[p.id]) for p in papers]

    def row(self, paper: Paper, here: str) -> str:
        day = paper.last_featured or paper.published
        meta = [str(escape(r.authors_short(paper.authors, 2))), day.isoformat() if day else "",
                f"▲ {paper.upvotes}" if paper.upvotes is not None else "", self.note_count(paper, here)]
        return (f'<li><a href="{rel(here, paper_md(paper.id))}">{self.title(paper)}</a> '
                f'<small>{" · ".join(m for m in meta if m)}</small></li>\n')

    def related_rows(self, paper: Paper, here: str) -> str:
        """The paper's related papers: title and day (a row changes only when the related
        paper's title does, not with its votes, and every byte here is paid once per paper)."""
        found = [self.by_id[q] for q in self.related.get(paper.id, []) if q in self.by_id]
        if not found:
            return ""
        rows = "".join(f'<li><a href="{rel(here, paper_md(p.id))}">{self.title(p)}</a>'
                       + (f" <small>{day.isoformat()}</small>" if (day := p.last_featured or p.published) else "")
                       + "</li>\n" for p in found)
        return f'<h2 id="related">Related papers</h2>\n\n<ul class="pf-rows">\n{rows}</ul>\n\n'

    def day_nav(self, day: dt.date, here: str, *, label: str = "Previous and next day") -> str:
        i = self.day_list.index(day)
        parts = []
        if i > 0:
            prev = self.day_list[i - 1]
            parts.append(f'<a href="{rel(here, day_md(prev))}">← {prev.isoformat()}</a>')
        parts.append(f'<a href="{rel(here, year_md(day.year))}#{day:%Y-%m}">All days</a>')
        if i + 1 < len(self.day_list):
            nxt = self.day_list[i + 1]
            parts.append(f'<a href="{rel(here, day_md(nxt))}">{nxt.isoformat()} →</a>')
        return f'<nav class="pf-daynav" aria-label="{label}">{" | ".join(parts)}</nav>\n\n'

    def updated_line(self) -> str:
        """When the archive last changed, from the data (so rebuilds stay byte-identical)."""
        latest = self.day_list[-1]
        return (f'<p class="pf-updated">Last updated with the papers of <time datetime="{latest.isoformat()}">'
                f'{latest.strftime("%B %-d, %Y")}</time> · {len(self.papers):,} papers from '
                f'{len(self.day_list):,} {"day" if len(self.day_list) == 1 else "days"}</p>\n\n')

    def day_list_html(self, days: list[dt.date], here: str) -> str:
        items = "".join(f'<li><a href="{rel(here, day_md(d))}">{d.strftime("%a %b %-d, %Y")}</a> — '
                        f'{len(self.days[d])} papers</li>\n' for d in days)
        return f'<ul class="pf-days">\n{items}</ul>\n\n'

    def subscribe(self, here: str) -> str:
        """The home page's Subscribe box: where the seed page offered papers in your inbox."""
        def feed(path: str, ext: str, label: str) -> str:
            return f'<a href="{rel_file(here, path + ext)}">{label}</a>'
        return ('<aside class="pf-subscribe" aria-label="Subscribe">\n<p><strong>Subscribe</strong> in a feed reader: '
                f'the latest papers ({feed(feeds.PAPERS, feeds.RSS, "RSS")} · {feed(feeds.PAPERS, feeds.ATOM, "Atom")}'
                f' · {feed(feeds.PAPERS, feeds.JSON, "JSON Feed")}), a daily digest by email or reader '
                f'({feed(feeds.DAILY, feeds.RSS, "RSS")} · {feed(feeds.DAILY, feeds.ATOM, "Atom")}), or one feed per '
                f'<a href="{rel(here, TAGS)}">topic</a>. '
                f'<a href="{rel(here, feeds.PAGE)}">All feeds</a> · '
                f'<a href="{rel(here, ARCHIVE)}">Browse the archive</a></p>\n</aside>\n\n')
