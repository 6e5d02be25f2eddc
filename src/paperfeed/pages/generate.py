"""Generate the site's Markdown pages from the archive: home, days, papers, tags, archive.

Pages are plain strings keyed by their path under ``docs/``. Papers never go
into the nav, and every listing is bounded (a day has at most ~50 papers, a tag
page shows its newest papers and links its months), so page sizes do not
grow with the archive.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import yaml
from markupsafe import Markup, escape

from paperfeed.model import Paper, relative_path
from paperfeed.pages import render as r
from paperfeed.pages.taxonomy import Taxonomy

#: Folders (and the home page) under docs/ that belong to the generator.
GENERATED = ("index.md", "papers", "days", "tags", "archive")
TAG_NEWEST = 50


@dataclass(frozen=True)
class Options:
    site_name: str
    home_days: int = 1
    repo_url: str | None = None


def paper_md(paper_id: str) -> str:
    return "papers/" + relative_path(paper_id)


def day_md(day: dt.date) -> str:
    return f"days/{day.isoformat()}.md"


def tag_md(slug: str, month: str | None = None) -> str:
    return f"tags/{slug}/{month}.md" if month else f"tags/{slug}/index.md"


def _front(title: str, **extra: object) -> str:
    # Material prints page.meta.title and .description unescaped: give it escaped text.
    meta = {"title": str(escape(title)), **{k: str(escape(v)) if isinstance(v, str) else v for k, v in extra.items()}}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"


def _sort_key(paper: Paper) -> tuple:
    return (-(paper.last_featured or paper.published or dt.date.min).toordinal(), -(paper.upvotes or 0), paper.id)


class Pages:
    """The whole set of generated pages for one archive."""

    def __init__(self, papers: list[Paper], taxonomy: Taxonomy, options: Options) -> None:
        self.options = options
        self.taxonomy = taxonomy
        self.papers = sorted(papers, key=_sort_key)
        self.tags = {p.id: taxonomy.tags_for(p) for p in self.papers}
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

    def all(self) -> dict[str, str]:
        pages: dict[str, str] = {"index.md": self.home(), "archive/index.md": self.archive(), "tags/index.md":
                                 self.tag_index()}
        for paper in self.papers:
            pages[paper_md(paper.id)] = self.paper(paper)
        for day in self.days:
            pages[day_md(day)] = self.day(day)
        for slug in self.tagged:
            pages.update(self.tag(slug))
        return pages

    # -- fragments --------------------------------------------------------------

    def tag_chips(self, paper: Paper, here: str) -> Markup:
        chips = [Markup('<a class="pf-tag" href="{}">{}</a>').format(r.rel(here, tag_md(t)), self.taxonomy.name(t))
                 for t in self.tags[paper.id]]
        return Markup(" ").join(chips)

    def card(self, paper: Paper, here: str) -> str:
        votes = f"▲ {paper.upvotes}" if paper.upvotes is not None else ""
        meta = r.join(x for x in (escape(r.authors_short(paper.authors)), votes,
                                  f"{paper.comments} comments" if paper.comments else "") if x)
        summary = paper.ai_summary or r.excerpt(paper.abstract)
        return Markup(
            '<article class="pf-card">\n<h3 class="pf-card__title"><a href="{href}">{title}</a></h3>\n'
            '<p class="pf-card__meta">{meta}</p>\n<p class="pf-card__tags">{tags}</p>\n'
            '<p class="pf-card__summary">{summary}</p>\n<p class="pf-card__links">{links}</p>\n</article>\n'
        ).format(href=r.rel(here, paper_md(paper.id)), title=paper.title, meta=meta,
                 tags=self.tag_chips(paper, here), summary=r.rich_text(summary), links=r.paper_links(paper))

    def row(self, paper: Paper, here: str) -> str:
        day = paper.last_featured or paper.published
        meta = r.join(x for x in (escape(r.authors_short(paper.authors, 2)), day.isoformat() if day else "",
                                  f"▲ {paper.upvotes}" if paper.upvotes is not None else "") if x)
        return Markup('<li><a href="{}">{}</a> <span class="pf-row__meta">{}</span></li>\n').format(
            r.rel(here, paper_md(paper.id)), paper.title, meta)

    def day_nav(self, day: dt.date, here: str) -> str:
        i = self.day_list.index(day)
        prev = self.day_list[i - 1] if i > 0 else None
        nxt = self.day_list[i + 1] if i + 1 < len(self.day_list) else None
        parts = []
        if prev:
            parts.append(Markup('<a href="{}">← {}</a>').format(r.rel(here, day_md(prev)), prev.isoformat()))
        parts.append(Markup('<a href="{}">All days</a>').format(r.rel(here, "archive/index.md")))
        if nxt:
            parts.append(Markup('<a href="{}">{} →</a>').format(r.rel(here, day_md(nxt)), nxt.isoformat()))
        return Markup('<nav class="pf-daynav">{}</nav>\n').format(r.join(parts, " | "))

    # -- pages ------------------------------------------------------------------

    def home(self) -> str:
        here = "index.md"
        out = [_front(self.options.site_name, hide=["navigation", "toc"]),
               f"# {escape(self.options.site_name)}\n\n"]
        if not self.day_list:
            return "".join(out) + "No papers yet: run `paperfeed fetch` or `paperfeed import`.\n"
        out.append('<aside class="pf-subscribe" markdown="0">\n<strong>Subscribe</strong> '
                   f'<a href="{r.rel(here, "archive/index.md")}">Browse the archive</a> · '
                   f'<a href="{r.rel(here, "tags/index.md")}">Follow a topic</a>\n</aside>\n\n')
        shown = self.day_list[-max(1, self.options.home_days):][::-1]
        for day in shown:
            out.append(f'## {day.strftime("%A, %B %-d, %Y")} {{ #{day.isoformat()} }}\n\n')
            out.append(self.day_nav(day, here) + "\n")
            out += [self.card(p, here) + "\n" for p in self.days[day]]
        earlier = self.day_list[: -len(shown)][::-1][:10]
        if earlier:
            out.append("## Previous days\n\n")
            out += [f"- [{d.strftime('%a %b %-d, %Y')}]({day_md(d)}) — {len(self.days[d])} papers\n"
                    for d in earlier]
        return "".join(out)

    def day(self, day: dt.date) -> str:
        here = day_md(day)
        out = [_front(f"Papers of {day.isoformat()}"), f"# Papers of {day.strftime('%A, %B %-d, %Y')}\n\n",
               self.day_nav(day, here) + "\n"]
        out += [self.card(p, here) + "\n" for p in self.days[day]]
        out.append(self.day_nav(day, here))
        return "".join(out)

    def paper(self, paper: Paper) -> str:
        here = paper_md(paper.id)
        days = r.join((Markup('<a href="{}">{}</a>').format(r.rel(here, day_md(d)), d.isoformat())
                       for d in paper.featured), ", ")
        facts = [f"Published on arXiv {paper.published.isoformat()}" if paper.published else "",
                 Markup("Featured {}").format(days) if paper.featured else "",
                 f"▲ {paper.upvotes}" if paper.upvotes is not None else "",
                 escape(paper.organization) if paper.organization else ""]
        out = [_front(paper.title, description=r.excerpt(paper.abstract, 150)),
               Markup('<header class="pf-paper">\n<h1>{}</h1>\n<p class="pf-paper__authors">{}</p>\n'
                      '<p class="pf-paper__facts">{}</p>\n<p class="pf-paper__links">{}</p>\n'
                      '<p class="pf-card__tags">{}</p>\n</header>\n\n').format(
                   paper.title, ", ".join(paper.authors), r.join(f for f in facts if f),
                   r.paper_links(paper), self.tag_chips(paper, here))]
        if paper.abstract:
            out.append(Markup('## Abstract\n\n<div class="pf-abstract">\n<p>{}</p>\n</div>\n\n').format(
                r.rich_text(paper.abstract)))
        if paper.ai_summary:
            out.append(Markup('## AI summary\n\n<div class="pf-summary">\n<p>{}</p>\n</div>\n\n').format(
                r.rich_text(paper.ai_summary)))
        out.append("## Cite\n\n" + r.code_fence(r.bibtex(paper), "bibtex") + "\n\n")
        out.append("## Notes\n\n" + (paper.body.strip() + "\n" if paper.body.strip() else
                                    "No notes yet. Notes are added through pull requests.\n"))
        return "".join(out)

    def tag_index(self) -> str:
        here = "tags/index.md"
        out = [_front("Tags"), "# Tags\n\n", '<table class="pf-tags">\n<thead><tr><th>Tag</th><th>Papers</th>'
               "<th>About</th></tr></thead>\n<tbody>\n"]
        for slug, papers in self.tagged.items():
            out.append(Markup('<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>\n').format(
                r.rel(here, tag_md(slug)), self.taxonomy.name(slug), len(papers), self.taxonomy.description(slug)))
        out.append("</tbody>\n</table>\n")
        return "".join(out)

    def tag(self, slug: str) -> dict[str, str]:
        papers = self.tagged[slug]
        name = self.taxonomy.name(slug)
        months: dict[str, list[Paper]] = defaultdict(list)
        for paper in papers:
            day = paper.last_featured or paper.published
            months[day.strftime("%Y-%m") if day else "undated"].append(paper)
        here = tag_md(slug)
        out = [_front(f"Tag: {name}"), Markup("# {}\n\n<p>{}</p>\n\n").format(name, self.taxonomy.description(slug)),
               f"{len(papers)} papers. The newest:\n\n", '<ul class="pf-rows">\n']
        out += [self.row(p, here) for p in papers[:TAG_NEWEST]]
        out.append("</ul>\n\n## By month\n\n")
        out += [f"- [{m}]({m}.md) — {len(ps)} papers\n" for m, ps in months.items()]
        pages = {here: "".join(out)}
        keys = list(months)
        for i, (month, items) in enumerate(months.items()):
            page = tag_md(slug, month)
            nav = [f"[← {keys[i + 1]}]({keys[i + 1]}.md)" if i + 1 < len(keys) else "",
                   f"[{escape(name)}](index.md)", f"[{keys[i - 1]} →]({keys[i - 1]}.md)" if i > 0 else ""]
            pages[page] = "".join([_front(f"{name}: {month}"), Markup("# {}: {}\n\n").format(name, month),
                                   " | ".join(n for n in nav if n) + "\n\n", '<ul class="pf-rows">\n',
                                   *(self.row(p, page) for p in items), "</ul>\n"])
        return pages

    def archive(self) -> str:
        out = [_front("Archive"), "# Archive\n\n"]
        months: dict[str, list[dt.date]] = defaultdict(list)
        for day in reversed(self.day_list):
            months[day.strftime("%B %Y")].append(day)
        for month, days in months.items():
            out.append(f"## {month}\n\n")
            out += [f"- [{d.strftime('%a %b %-d')}](../{day_md(d)}) — {len(self.days[d])} papers\n" for d in days]
            out.append("\n")
        return "".join(out)
