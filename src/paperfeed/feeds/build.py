"""Assemble every feed of the site, and the Feeds page, from the generated pages' data."""

from __future__ import annotations

import datetime as dt

from markupsafe import escape

from paperfeed import feeds as paths
from paperfeed.feeds import formats
from paperfeed.feeds.items import FeedInfo, FeedItem, digest_item, paper_item
from paperfeed.model import Paper
from paperfeed.pages import trending
from paperfeed.pages.context import Context
from paperfeed.pages.paths import ARCHIVE, TRENDING, TRENDING_MONTH, day_md, paper_md, rel, rel_file, tag_md, url_of
from paperfeed.pages.render import front_matter
from paperfeed.publish import sitemap

# The usual feed icon (a dot and two arcs), inline so no icon font or CDN is needed.
ICON = ('<svg class="pf-feed-icon" viewBox="0 0 8 8" width="14" height="14" aria-hidden="true">'
        '<circle cx="1.5" cy="6.5" r="1.5"/><path d="M0 3a5 5 0 0 1 5 5H3.6A3.6 3.6 0 0 0 0 4.4zM0 0a8 8 0 0 1 8 '
        '8H6.6A6.6 6.6 0 0 0 0 1.4z"/></svg>')




class Feeds:
    """Every feed of one site: built from ``pages``, linked from ``site_url``."""

    def __init__(self, pages: Context, *, site_url: str, items: int = 50, digest_days: int = 14,
                 trending_items: int = 50) -> None:
        self.pages = pages
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.items = items
        self.digest_days = digest_days
        # each paper's place in its day's list (papers of a day are ordered by upvotes)
        self.ranks = {(day, p.id): i for day, papers in pages.days.items() for i, p in enumerate(papers)}
        name = pages.options.site_name
        self.papers = FeedInfo(paths.PAPERS, f"{name}: latest papers",
                               f"The papers of the latest featured days on {name}, newest day first.",
                               self.site_url, self._latest(), name)
        self.daily = FeedInfo(paths.DAILY, f"{name}: daily digest",
                              f"One item a day with all the papers featured on {name} that day.",
                              self.url(ARCHIVE), self._digest(), name)
        self.trending = [self._trending("week", TRENDING, trending_items),
                         self._trending("month", TRENDING_MONTH, trending_items)]
        self.tags = [FeedInfo(paths.tag_feed(slug), f"{name}: {pages.taxonomy.name(slug)}",
                              pages.taxonomy.description(slug) or f"Papers tagged {pages.taxonomy.name(slug)}.",
                              self.url(tag_md(slug)),
                              [self._item(p, p.last_featured or p.published) for p in papers[:items]
                               if p.last_featured or p.published], name)
                     for slug, papers in pages.tagged.items()]

    def url(self, md_path: str) -> str:
        return self.site_url + url_of(md_path)

    def _item(self, paper: Paper, day: dt.date, *, rank: int | None = None) -> FeedItem:
        tags = [(slug, self.pages.taxonomy.name(slug)) for slug in self.pages.tags[paper.id]]
        return paper_item(paper, page_url=self.url(paper_md(paper.id)), tags=tags, day=day,
                          rank=self.ranks.get((day, paper.id), 0) if rank is None else rank)

    def _trending(self, kind: str, page: str, limit: int) -> FeedInfo:
        """The latest week's (or month's) most upvoted papers, in rank order (each a second
        before the one above it, on the period's last featured day)."""
        ranked = trending.periods(self.pages, kind, limit)
        items = []
        if ranked:
            period, papers = list(ranked.items())[-1]
            items = [self._item(p, period.last, rank=i) for i, p in enumerate(papers)]
        name = self.pages.options.site_name
        return FeedInfo(trending.feed_path(kind), f"{name}: trending this {kind}",
                        f"The most upvoted papers featured on {name} in its latest {kind}, most upvoted first.",
                        self.url(page), items, name)

    def _latest(self) -> list[FeedItem]:
        """The newest days' papers, each once (a paper featured again shows under its newest day)."""
        out, seen = [], set()
        for day in reversed(self.pages.day_list):
            for paper in self.pages.days[day]:
                if len(out) == self.items:
                    return out
                if paper.id not in seen:
                    seen.add(paper.id)
                    out.append(self._item(paper, day))
        return out

    def _digest(self) -> list[FeedItem]:
        days = list(reversed(self.pages.day_list))[: self.digest_days]
        return [digest_item(d, [(p, self.url(paper_md(p.id))) for p in self.pages.days[d]],
                            page_url=self.url(day_md(d)), site_name=self.pages.options.site_name) for d in days]

    def files(self) -> dict[str, str]:
        """Every feed file and the Feeds page, by path under docs/."""
        out: dict[str, str] = {}
        for info, kinds in [(self.papers, (paths.RSS, paths.ATOM, paths.JSON)), (self.daily, (paths.RSS, paths.ATOM)),
                            *((t, (paths.RSS, paths.ATOM)) for t in [*self.trending, *self.tags])]:
            for ext in kinds:
                write = {paths.RSS: formats.rss, paths.ATOM: formats.atom, paths.JSON: formats.json_feed}[ext]
                out[info.path + ext] = write(info, site_url=self.site_url).decode("utf-8")
        updated = self.papers.updated.strftime("%a, %d %b %Y %H:%M:%S GMT")
        out[paths.OPML] = formats.opml(f"{self.pages.options.site_name}: every tag", [self.papers, self.daily,
                                       *self.tags], site_url=self.site_url, updated=updated).decode("utf-8")
        # Material's JavaScript reads every <link rel="alternate"> as a translation of the site and
        # fetches sitemap.xml beside it: a small valid one (the Feeds page) answers that at once
        for folder in ("feeds", "feeds/tags"):
            out[f"{folder}/sitemap.xml"] = sitemap.urlset([self.url(paths.PAGE)])
        out[paths.PAGE] = self.page()
        return out

    def page(self) -> str:
        """The Feeds page: every feed, what it holds, with the feed icon."""
        here = paths.PAGE

        def links(path: str, kinds: tuple[str, ...]) -> str:
            names = {paths.RSS: "RSS", paths.ATOM: "Atom", paths.JSON: "JSON Feed"}
            return " · ".join(f'<a href="{rel_file(here, path + k)}">{names[k]}</a>' for k in kinds)

        rows = "".join(
            f'<tr><td><a href="{rel(here, tag_md(slug))}">{escape(self.pages.taxonomy.name(slug))}</a></td>'
            f"<td>{links(paths.tag_feed(slug), (paths.RSS, paths.ATOM))}</td>"
            f"<td>{escape(self.pages.taxonomy.description(slug))}</td></tr>\n" for slug in self.pages.tagged)
        return "".join([
            front_matter("Feeds", description="Follow the site in a feed reader or by email: the latest papers, "
                         "a daily digest and a feed per tag, as RSS, Atom and JSON Feed."), "<h1>Feeds</h1>\n\n",
            "<p>Follow the site in any feed reader. Every feed is rebuilt with the site each day.</p>\n\n",
            f'<h2 id="latest">{ICON} Latest papers</h2>\n\n',
            f"<p>The last {self.items} papers, newest day first: title, authors, abstract, AI summary, tags and "
            f"links. {links(paths.PAPERS, (paths.RSS, paths.ATOM, paths.JSON))}</p>\n\n",
            f'<h2 id="daily">{ICON} Daily digest</h2>\n\n',
            "<p>One item a day listing that day's papers: for readers who want one item instead of thirty, and "
            f"for RSS-to-email services. {links(paths.DAILY, (paths.RSS, paths.ATOM))}</p>\n\n",
            f'<h2 id="email">{ICON} By email</h2>\n\n',
            "<p>The daily digest reads well in a mail client: one message a day with that day's papers, most "
            "upvoted first, each with its authors, a one-line summary and its links. This site sends no mail "
            "itself; an RSS-to-email service does it for you. Give it the digest's address:</p>\n\n"
            f"<p><code>{escape(self.site_url + paths.DAILY + paths.RSS)}</code></p>\n\n"
            "<p>Hosted services such as Blogtrottr or FeedRabbit send each new item as an email (free for a "
            "feed or two); <a href=\"https://github.com/rss2email/rss2email\">rss2email</a> does the same from "
            "your own computer or server. Once a day is enough: the digest gets one item a day.</p>\n\n",
            f'<h2 id="trending">{ICON} Trending</h2>\n\n',
            f"<p>The most upvoted papers of the latest week and month, most upvoted first, as on the "
            f'<a href="{rel(here, TRENDING)}">Trending</a> pages. This week: '
            f"{links(paths.TRENDING_WEEK, (paths.RSS, paths.ATOM))}. This month: "
            f"{links(paths.TRENDING_MONTH, (paths.RSS, paths.ATOM))}.</p>\n\n",
            f'<h2 id="tags">{ICON} By tag</h2>\n\n',
            f"<p>The last {self.items} papers of each tag. Subscribe to all of them at once with the "
            f'<a href="{rel_file(here, paths.OPML)}">OPML list</a>.</p>\n\n',
            '<table class="pf-tags">\n<thead><tr><th>Tag</th><th>Feeds</th><th>About</th></tr></thead>\n'
            f"<tbody>\n{rows}</tbody>\n</table>\n"])
