"""The home page: the latest day's papers (or the latest ``home_days``), and the days before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import escape

from paperfeed.pages.context import long_date
from paperfeed.pages.paths import HOME, TRENDING, TRENDING_MONTH, rel
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.pages.context import Context


def home_page(ctx: Context) -> str:
    here = HOME
    name = escape(ctx.options.site_name)
    latest = f"The {len(ctx.days[ctx.day_list[-1]])} papers of {long_date(ctx.day_list[-1])}. " if ctx.day_list else ""
    out = [front_matter(ctx.options.site_name, description=latest + ctx.options.description, cards=True),
           f"<h1>{name}</h1>\n\n"]
    if not ctx.day_list:
        return "".join(out) + "<p>No papers yet: run <code>paperfeed fetch</code> or <code>paperfeed import</code>.</p>\n"
    out.append(ctx.updated_line())
    out.append(f'<nav class="pf-daynav" aria-label="Trending">Most upvoted: <a href="{rel(here, TRENDING)}">this week'
               f'</a> | <a href="{rel(here, TRENDING_MONTH)}">this month</a></nav>\n\n')
    out.append(ctx.subscribe(here))
    shown = ctx.day_list[-max(1, ctx.options.home_days):][::-1]
    for day in shown:
        out.append(f'<h2 id="{day.isoformat()}">{long_date(day)}</h2>\n\n')
        out.append(ctx.day_nav(day, here))
        out += ctx.cards(ctx.days[day], here)
    earlier = ctx.day_list[: -len(shown)][::-1][:10]
    if earlier:
        out.append('<h2 id="previous-days">Previous days</h2>\n\n' + ctx.day_list_html(earlier, here))
    return "".join(out)
