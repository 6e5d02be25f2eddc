"""Trending: the most upvoted papers of a week and of a month, as on Hugging Face's
Weekly and Monthly views.

``trending/`` is the archive's latest week and ``trending/month/`` its latest month;
every past week (``trending/weeks/2024-W25/``, ISO weeks) and month
(``trending/months/2024-06/``) keeps a page of its own, so links stay valid. A
period holds the papers featured on any of its days, ranked by upvotes; papers
without a count (from sources that have none) come after those with one; ties go
to more comments, then to the id. "This week" is the archive's last week, not the
build's date, so the same archive always builds the same pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import escape

from paperfeed import feeds
from paperfeed.pages.paths import TRENDING, TRENDING_MONTH, month_md, rel, rel_file, week_md
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.model import Paper
    from paperfeed.pages.context import Context


@dataclass(frozen=True)
class Period:
    kind: str  # "week" or "month"
    key: str  # 2024-W25 or 2024-06
    first: dt.date
    last: dt.date  # the period's last featured day

    @property
    def path(self) -> str:
        return week_md(self.key) if self.kind == "week" else month_md(self.key)

    @property
    def name(self) -> str:
        if self.kind == "month":
            return self.first.strftime("%B %Y")
        monday = self.first - dt.timedelta(days=self.first.weekday())
        return f"the week of {monday.strftime('%B %-d, %Y')}"


def rank_key(paper: Paper) -> tuple:
    return (paper.upvotes is None, -(paper.upvotes or 0), -(paper.comments or 0), paper.id)


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def periods(ctx: Context, kind: str, limit: int) -> dict[Period, list[Paper]]:
    """Each week (or month) with featured papers, oldest first, with its ``limit`` top papers."""
    days: dict[str, list[dt.date]] = defaultdict(list)
    for day in ctx.day_list:
        days[week_of(day) if kind == "week" else f"{day:%Y-%m}"].append(day)
    out: dict[Period, list[Paper]] = {}
    for key, in_period in days.items():
        papers = {p.id: p for d in in_period for p in ctx.days[d]}
        out[Period(kind, key, in_period[0], in_period[-1])] = sorted(papers.values(), key=rank_key)[:limit]
    return out


def feed_path(kind: str) -> str:
    return feeds.TRENDING_WEEK if kind == "week" else feeds.TRENDING_MONTH


def page(ctx: Context, period: Period, papers: list[Paper], older: Period | None, newer: Period | None, *,
         here: str, current: bool, limit: int) -> str:
    """A period's ranking as cards; ``current`` for trending/ and trending/month/."""
    word = period.kind
    title = f"Trending this {word}" if current else f"Trending: {period.name}"
    other = (TRENDING_MONTH, "This month") if word == "week" else (TRENDING, "This week")
    nav = [f'<a href="{rel(here, older.path)}">← {older.key}</a>' if older else "",
           f'<a href="{rel(here, other[0])}">{other[1]}</a>',
           f'<a href="{rel(here, newer.path)}">{newer.key} →</a>' if newer else ""]
    feed = feed_path(word)
    span = period.first.isoformat() + (f" to {period.last.isoformat()}" if period.last != period.first else "")
    about = (f"The {len(papers)} most upvoted papers featured in {period.name} ({span})."
             if len(papers) == limit else f"The papers featured in {period.name} ({span}), most upvoted first.")
    out = [front_matter(title, description=about, feeds="all" if current else "latest", section="trending/", cards=True,
                        page_feed=feed if current else None),
           f"<h1>{escape(title)}</h1>\n\n",
           f'<p class="pf-updated">{escape(about)}'
           + (f' Follow it: <a href="{rel_file(here, feed + feeds.RSS)}">RSS</a> · '
              f'<a href="{rel_file(here, feed + feeds.ATOM)}">Atom</a>' if current else "") + "</p>\n\n",
           f'<nav class="pf-daynav" aria-label="Other {word}s">{" | ".join(n for n in nav if n)}</nav>\n\n']
    out += ctx.cards(papers, here, level=2)
    return "".join(out)


def empty_page(kind: str) -> str:
    """trending/ before the first paper: the header's link leads somewhere."""
    return (front_matter(f"Trending this {kind}", description="The most upvoted papers.", section="trending/")
            + f"<h1>Trending this {kind}</h1>\n\n<p>No papers yet.</p>\n")
