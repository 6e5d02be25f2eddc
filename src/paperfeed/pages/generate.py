"""Generate the site's Markdown pages from the archive: home, days, papers, tags, archive.

Pages are plain strings keyed by their path under ``docs/``. Papers never go
into the nav, and every listing is bounded (a day has at most ~50 papers, a tag
page shows its newest papers and links its months), so page sizes do not
grow with the archive.

Every generated page body is finished HTML, in blocks separated by blank lines:
Markdown passes it through unchanged, so scraped text cannot become markup, and
``paperfeed build`` can skip Markdown for it (``prerendered: true``, see
publish/prerendered.py). A paper's notes are Markdown written by people: they
are rendered and sanitized here (archive/notes.py), so those pages are HTML too.
Every value from outside goes through ``escape`` (or ``rich_text``, which
escapes) on its way into an f-string.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from markupsafe import escape

from paperfeed import feeds
from paperfeed.archive.notes import Note
from paperfeed.model import Paper, relative_path
from paperfeed.pages import annotations, archive, latex, plan
from paperfeed.pages import render as r
from paperfeed.pages.tagpages import tag_md
from paperfeed.tagging import Taxonomy

__all__ = ["GENERATED", "Options", "Pages", "day_md", "front_matter", "paper_md", "tag_md"]

#: Folders (and the home page) under docs/ that belong to the generator.
GENERATED = ("index.md", "papers", "days", "tags", "archive", "feeds", "annotated", "search",
             "assets/paperfeed/icons.svg", "assets/paperfeed/palette.js")


@dataclass(frozen=True)
class Options:
    site_name: str
    home_days: int = 1
    #: the site's description (mkdocs.yml's site_description), for the home page's meta description
    description: str = ""
    repo_url: str | None = None
    branch: str = "main"


def paper_md(paper_id: str) -> str:
    return "papers/" + relative_path(paper_id)


def day_md(day: dt.date) -> str:
    return f"days/{day.isoformat()}.md"


# Characters YAML may not hold raw, or would fold as line breaks inside a quoted scalar.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _scalar(value: str) -> str:
    """``value`` as a YAML double-quoted scalar: JSON's escaping, plus YAML's own rules."""
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def front_matter(title: str, *, description: str, grows: bool = False, tag_feed: str | None = None,
                 section: str | None = None) -> str:
    """Front matter. Values are JSON strings, which YAML reads as they are (and fast to write).

    Material prints page.meta.title and .description unescaped: they get escaped text
    (LaTeX as plain text). Every generated page uses ``overrides/lean.html``: Material's
    look in a fraction of the bytes and without Material's script (phones pay 1.5 s of
    main thread for it). The pages whose number ``grows`` with the archive (papers,
    days, tag months) name only the latest papers' feeds in their head.
    """
    lines = ["---", f"title: {_scalar(str(escape(latex.plain(title))))}",
             f"description: {_scalar(str(escape(latex.plain(description).strip())))}", "template: lean.html"]
    if not grows:
        lines.append("feeds: all")
    if tag_feed:  # overrides/main.html links the tag's feeds for autodiscovery
        lines.append(f"tag_feed: {_scalar(tag_feed)}")
    if section:  # the header tab to mark as current (lean.html): the nav holds no such page
        lines.append(f"section: {_scalar(section)}")
    lines.append("prerendered: true")
    return "\n".join(lines) + "\n---\n\n"


def _sort_key(paper: Paper) -> tuple:
    return (-(paper.last_featured or paper.published or dt.date.min).toordinal(), -(paper.upvotes or 0), paper.id)


def _long(day: dt.date) -> str:
    return day.strftime("%A, %B %-d, %Y")


class Pages:
    """The whole set of generated pages for one archive."""

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
        # a paper's title is shown on many pages: render its math once
        self._titles: dict[str, str] = {}

    def all(self) -> dict[str, str]:
        """Every page, keyed by its path under docs/ (a build makes only those that changed:
        pages/plan.py)."""
        return {path: make() for path, (_, make) in plan.plan(self).items()}

    # -- fragments --------------------------------------------------------------

    def title(self, paper: Paper) -> str:
        html = self._titles.get(paper.id)
        if html is None:
            html = self._titles[paper.id] = str(r.rich_text(paper.title))
        return html

    def tag_chips(self, paper: Paper, here: str) -> str:
        return " ".join(f'<a class="pf-tag" href="{r.rel(here, tag_md(t))}">{escape(self.taxonomy.name(t))}</a>'
                        for t in self.tags[paper.id])

    def card(self, paper: Paper, here: str, *, level: int = 3) -> str:
        meta = [str(escape(r.authors_short(paper.authors)))]
        if paper.upvotes is not None:
            meta.append(f"▲ {paper.upvotes}")
        if paper.comments:
            meta.append(f"{paper.comments} comment{'s' if paper.comments != 1 else ''}")
        meta.append(annotations.note_count(len(self.notes.get(paper.id, [])), r.rel(here, paper_md(paper.id))))
        summary = r.rich_text(paper.ai_summary or r.excerpt(paper.abstract))
        return (f'<article class="pf-card">\n<h{level} class="pf-card__title"><a href="{r.rel(here, paper_md(paper.id))}">'
                f'{self.title(paper)}</a></h{level}>\n<p class="pf-card__meta">{" · ".join(m for m in meta if m)}</p>\n'
                f'<p class="pf-card__tags">{self.tag_chips(paper, here)}</p>\n<p class="pf-card__summary">{summary}</p>\n'
                f'<p class="pf-card__links">{r.paper_links(paper)}</p>\n</article>\n\n')

    def row(self, paper: Paper, here: str) -> str:
        day = paper.last_featured or paper.published
        meta = [str(escape(r.authors_short(paper.authors, 2))), day.isoformat() if day else "",
                f"▲ {paper.upvotes}" if paper.upvotes is not None else "",
                annotations.note_count(len(self.notes.get(paper.id, [])), r.rel(here, paper_md(paper.id)))]
        return (f'<li><a href="{r.rel(here, paper_md(paper.id))}">{self.title(paper)}</a> '
                f'<span class="pf-row__meta">{" · ".join(m for m in meta if m)}</span></li>\n')

    def day_nav(self, day: dt.date, here: str, *, label: str = "Previous and next day") -> str:
        i = self.day_list.index(day)
        parts = []
        if i > 0:
            prev = self.day_list[i - 1]
            parts.append(f'<a href="{r.rel(here, day_md(prev))}">← {prev.isoformat()}</a>')
        parts.append(f'<a href="{r.rel(here, archive.year_md(day.year))}#{day:%Y-%m}">All days</a>')
        if i + 1 < len(self.day_list):
            nxt = self.day_list[i + 1]
            parts.append(f'<a href="{r.rel(here, day_md(nxt))}">{nxt.isoformat()} →</a>')
        return f'<nav class="pf-daynav" aria-label="{label}">{" | ".join(parts)}</nav>\n\n'

    def updated_line(self) -> str:
        """When the archive last changed, from the data (so rebuilds stay byte-identical)."""
        latest = self.day_list[-1]
        return (f'<p class="pf-updated">Last updated with the papers of <time datetime="{latest.isoformat()}">'
                f'{latest.strftime("%B %-d, %Y")}</time> · {len(self.papers):,} papers from '
                f'{len(self.day_list):,} {"day" if len(self.day_list) == 1 else "days"}</p>\n\n')

    def day_list_html(self, days: list[dt.date], here: str) -> str:
        items = "".join(f'<li><a href="{r.rel(here, day_md(d))}">{d.strftime("%a %b %-d, %Y")}</a> — '
                        f'{len(self.days[d])} papers</li>\n' for d in days)
        return f'<ul class="pf-days">\n{items}</ul>\n\n'

    def subscribe(self, here: str) -> str:
        """The home page's Subscribe box: where the seed page offered papers in your inbox."""
        def feed(path: str, ext: str, label: str) -> str:
            return f'<a href="{r.rel_file(here, path + ext)}">{label}</a>'
        return ('<aside class="pf-subscribe" aria-label="Subscribe">\n<p><strong>Subscribe</strong> in a feed reader: '
                f'the latest papers ({feed(feeds.PAPERS, feeds.RSS, "RSS")} · {feed(feeds.PAPERS, feeds.ATOM, "Atom")}'
                f' · {feed(feeds.PAPERS, feeds.JSON, "JSON Feed")}), a daily digest by email or reader '
                f'({feed(feeds.DAILY, feeds.RSS, "RSS")} · {feed(feeds.DAILY, feeds.ATOM, "Atom")}), or one feed per '
                f'<a href="{r.rel(here, "tags/index.md")}">topic</a>. '
                f'<a href="{r.rel(here, feeds.PAGE)}">All feeds</a> · '
                f'<a href="{r.rel(here, archive.INDEX)}">Browse the archive</a></p>\n</aside>\n\n')

    # -- pages ------------------------------------------------------------------

    def home(self) -> str:
        here = "index.md"
        name = escape(self.options.site_name)
        latest = f"The {len(self.days[self.day_list[-1]])} papers of {_long(self.day_list[-1])}. " if self.day_list else ""
        out = [front_matter(self.options.site_name, description=latest + self.options.description),
               f"<h1>{name}</h1>\n\n"]
        if not self.day_list:
            return "".join(out) + "<p>No papers yet: run <code>paperfeed fetch</code> or <code>paperfeed import</code>.</p>\n"
        out.append(self.updated_line())
        out.append(self.subscribe(here))
        shown = self.day_list[-max(1, self.options.home_days):][::-1]
        for day in shown:
            out.append(f'<h2 id="{day.isoformat()}">{_long(day)}</h2>\n\n')
            out.append(self.day_nav(day, here))
            out += [self.card(p, here) for p in self.days[day]]
        earlier = self.day_list[: -len(shown)][::-1][:10]
        if earlier:
            out.append('<h2 id="previous-days">Previous days</h2>\n\n' + self.day_list_html(earlier, here))
        return "".join(out)

    def day(self, day: dt.date) -> str:
        here = day_md(day)
        papers = self.days[day]
        about = f"{len(papers)} papers featured on {_long(day)}: " + "; ".join(latex.plain(p.title) for p in papers[:3])
        out = [front_matter(f"Papers of {_long(day)}", description=r.excerpt(about, 160), grows=True,
                            section="archive/"),
               f"<h1>Papers of {_long(day)}</h1>\n\n",
               self.day_nav(day, here)]
        out += [self.card(p, here, level=2) for p in self.days[day]]
        out.append(self.day_nav(day, here, label="Previous and next day (end of list)"))
        return "".join(out)

    def paper(self, paper: Paper) -> str:
        """A paper's page: the paper, then its notes (sanitized HTML), the AI summary and a citation."""
        here = paper_md(paper.id)
        days = ", ".join(f'<a href="{r.rel(here, day_md(d))}">{d.isoformat()}</a>' for d in paper.featured)
        facts = [f"Published on arXiv {paper.published.isoformat()}" if paper.published else "",
                 f"Featured {days}" if paper.featured else "",
                 f"▲ {paper.upvotes}" if paper.upvotes is not None else "",
                 str(escape(paper.organization)) if paper.organization else ""]
        out = [front_matter(paper.title, description=r.excerpt(latex.plain(paper.abstract or paper.title), 150),
                            grows=True),
               f'<header class="pf-paper">\n<h1>{self.title(paper)}</h1>\n'
               f'<p class="pf-paper__authors">{r.authors_full(paper)}</p>\n'
               f'<p class="pf-paper__facts">{" · ".join(f for f in facts if f)}</p>\n'
               f'<p class="pf-paper__links">{r.paper_links(paper)}</p>\n'
               f'<p class="pf-card__tags">{self.tag_chips(paper, here)}</p>\n</header>\n\n']
        if paper.abstract:
            out.append(f'<h2 id="abstract">Abstract</h2>\n\n<div class="pf-abstract">\n'
                       f'<p>{r.rich_text(paper.abstract)}</p>\n</div>\n\n')
        out.append(annotations.notes_section(self.notes.get(paper.id, []), annotations.add_note_url(
            self.options.repo_url, self.options.branch, paper.id)))
        if paper.ai_summary:
            out.append(f'<h2 id="ai-summary">AI summary</h2>\n\n<div class="pf-summary">\n'
                       f'<p>{r.rich_text(paper.ai_summary)}</p>\n</div>\n\n')
        # Plain <pre>: no Pygments spans (they double the block's bytes and fail contrast checks).
        out.append(f'<h2 id="cite">Cite</h2>\n\n<pre class="pf-bibtex"><code>{escape(r.bibtex(paper))}</code></pre>\n')
        return "".join(out)
