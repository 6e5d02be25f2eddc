"""A day's page: every paper featured that day, as cards, most upvoted first."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from paperfeed.pages import latex
from paperfeed.pages import render as r
from paperfeed.pages.context import long_date
from paperfeed.pages.paths import day_md
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.pages.context import Context


def day_page(ctx: Context, day: dt.date) -> str:
    here = day_md(day)
    papers = ctx.days[day]
    about = f"{len(papers)} papers featured on {long_date(day)}: " + "; ".join(latex.plain(p.title) for p in papers[:3])
    out = [front_matter(f"Papers of {long_date(day)}", description=r.excerpt(about, 160), feeds="latest",
                        section="archive/", cards=True),
           f"<h1>Papers of {long_date(day)}</h1>\n\n",
           ctx.day_nav(day, here)]
    out += ctx.cards(papers, here, level=2)
    out.append(ctx.day_nav(day, here, label="Previous and next day (end of list)"))
    return "".join(out)
