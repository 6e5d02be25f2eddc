"""The archive: every featured day, one page per year, and an index of years and months.

One page of every day would pass 300 KB at about 3,000 days (100,000 papers);
a year page holds at most 366 days, whatever the archive's age.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from paperfeed.pages.paths import ARCHIVE, rel, year_md
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.pages.context import Context

INDEX = ARCHIVE


def by_year(days: list[dt.date]) -> dict[int, dict[dt.date, list[dt.date]]]:
    """Featured days by year and month, newest first."""
    years: dict[int, dict[dt.date, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    for day in reversed(days):
        years[day.year][day.replace(day=1)].append(day)
    return years


def index(ctx: Context) -> str:
    """Years and months, each month with its days and papers, linking into the year ctx."""
    out = [front_matter("Archive", description=f"Every featured day, {len(ctx.day_list):,} of them, by year "
                        "and month, with their papers."), "<h1>Archive</h1>\n\n"]
    if ctx.day_list:
        out.append(ctx.updated_line())
    for year, months in by_year(ctx.day_list).items():
        href = rel(INDEX, year_md(year))
        items = "".join(f'<li><a href="{href}#{month:%Y-%m}">{month:%B}</a> — {len(days)} '
                        f'{"day" if len(days) == 1 else "days"}, '
                        f'{len({p.id for d in days for p in ctx.days[d]}):,} papers</li>\n'
                        for month, days in months.items())
        out.append(f'<h2 id="{year}"><a href="{href}">{year}</a></h2>\n\n<ul class="pf-months">\n{items}</ul>\n\n')
    return "".join(out)


def year_page(ctx: Context, year: int, months: dict[dt.date, list[dt.date]], older: int | None,
              newer: int | None) -> str:
    """Every featured day of ``year``, by month."""
    here = year_md(year)
    nav = [f'<a href="{rel(here, year_md(older))}">← {older}</a>' if older else "",
           f'<a href="{rel(here, INDEX)}">All years</a>',
           f'<a href="{rel(here, year_md(newer))}">{newer} →</a>' if newer else ""]
    count = sum(len(days) for days in months.values())
    out = [front_matter(f"Archive: {year}", description=f"The {count} featured days of {year}, by month.",
                        section="archive/"),
           f"<h1>{year}</h1>\n\n",
           f'<nav class="pf-daynav" aria-label="Years">{" | ".join(n for n in nav if n)}</nav>\n\n']
    for month, days in months.items():
        out.append(f'<h2 id="{month:%Y-%m}">{month:%B %Y}</h2>\n\n' + ctx.day_list_html(days, here))
    return "".join(out)
