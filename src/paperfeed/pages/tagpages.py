"""The tag pages: each tag's page (its newest papers and its months) and one page per month.

A tag page lists at most ``NEWEST`` papers and a month page one month of them,
so no page grows with the archive.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from markupsafe import escape

from paperfeed import feeds
from paperfeed.pages.paths import TAGS, rel, rel_file, tag_md
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.model import Paper
    from paperfeed.pages.context import Context

NEWEST = 50


def months(papers: list[Paper]) -> dict[str, list[Paper]]:
    """A tag's papers by the month they were (last) featured, newest month first."""
    by_month: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        day = paper.last_featured or paper.published
        by_month[day.strftime("%Y-%m") if day else "undated"].append(paper)
    return by_month


def index(ctx: Context) -> str:
    """The list of tags, with their paper counts."""
    here = TAGS
    rows = "".join(f'<tr><td><a href="{rel(here, tag_md(slug))}">{escape(ctx.taxonomy.name(slug))}</a></td>'
                   f'<td>{len(papers)}</td><td>{escape(ctx.taxonomy.description(slug))}</td></tr>\n'
                   for slug, papers in ctx.tagged.items())
    about = f"The {len(ctx.tagged)} tags of the site's papers, each with its papers, months and feeds."
    return (front_matter("Tags", description=about) + "<h1>Tags</h1>\n\n<table class=\"pf-tags\">\n<thead><tr><th>Tag</th><th>Papers</th>"
            f"<th>About</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n")


def tag_page(ctx: Context, slug: str, by_month: dict[str, list[Paper]]) -> str:
    """A tag's page: its feeds, its newest papers and its months."""
    papers = ctx.tagged[slug]
    here = tag_md(slug)
    month_list = "".join(f'<li><a href="{rel(here, tag_md(slug, m))}">{m}</a> — {len(ps)} papers</li>\n'
                         for m, ps in by_month.items())
    feed = feeds.tag_feed(slug)
    return "".join([
        front_matter(f"Tag: {ctx.taxonomy.name(slug)}", page_feed=feeds.tag_feed(slug), section="tags/", description=(
            f"{len(papers)} papers tagged {ctx.taxonomy.name(slug)}. {ctx.taxonomy.description(slug)}")),
        f"<h1>{escape(ctx.taxonomy.name(slug))}</h1>\n\n<p>{escape(ctx.taxonomy.description(slug))}</p>\n\n",
        f'<p class="pf-follow">Follow this tag: <a href="{rel_file(here, feed + feeds.RSS)}">RSS</a> · '
        f'<a href="{rel_file(here, feed + feeds.ATOM)}">Atom</a> (its newest papers)</p>\n\n',
        f"<p>{len(papers)} papers. The newest:</p>\n\n", '<ul class="pf-rows">\n',
        *(ctx.row(p, here) for p in papers[:NEWEST]),
        f'</ul>\n\n<h2 id="by-month">By month</h2>\n\n<ul class="pf-months">\n{month_list}</ul>\n'])


def month_page(ctx: Context, slug: str, month: str, items: list[Paper], older: str | None, newer: str | None) -> str:
    """One month of a tag's papers, with links to the months around it."""
    page = tag_md(slug, month)
    name = escape(ctx.taxonomy.name(slug))
    nav = [f'<a href="{rel(page, tag_md(slug, older))}">← {older}</a>' if older else "",
           f'<a href="{rel(page, tag_md(slug))}">{name}</a>',
           f'<a href="{rel(page, tag_md(slug, newer))}">{newer} →</a>' if newer else ""]
    return "".join([
        front_matter(f"{ctx.taxonomy.name(slug)}: {month}", feeds="latest", section="tags/", description=(
            f"The {len(items)} papers tagged {ctx.taxonomy.name(slug)} in {month}.")),
        f"<h1>{name}: {month}</h1>\n\n",
        f'<nav class="pf-daynav" aria-label="Months">{" | ".join(n for n in nav if n)}</nav>\n\n',
        '<ul class="pf-rows">\n', *(ctx.row(p, page) for p in items), "</ul>\n"])
