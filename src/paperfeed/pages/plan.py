"""Every generated page with the key of what it shows, so a build makes only the pages that changed.

A key is a digest of everything a page shows: a paper page's key covers the
paper, its tags and notes; a day's or a tag month's covers its papers' keys and
the pages it links to next door. ``paperfeed build`` remembers the keys of the
last build and makes only the pages whose key changed, so the cost of a daily
update follows the day's new papers, not the archive's size. The few pages that
change every day anyway (home, archive, tag list, notes) have no key.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from paperfeed.pages import annotations, archive, tagpages, trending
from paperfeed.pages.days import day_page
from paperfeed.pages.home import home_page
from paperfeed.pages.paper import paper_page
from paperfeed.pages.paths import (ANNOTATED, ARCHIVE, HOME, SEARCH, TAGS, TRENDING, TRENDING_MONTH, day_md, paper_md,
                                   tag_md, year_md)
from paperfeed.pages.searchpage import search_page

if TYPE_CHECKING:
    from paperfeed.pages.context import Context

#: path under docs/ → (key, or None to make it every time; how to make it)
Plan = dict[str, tuple[str | None, Callable[[], str]]]


def digest(*parts: object) -> str:
    return _hashed(repr(parts))


def _hashed(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def every_page(ctx: Context) -> dict[str, str]:
    """Every page, made, keyed by its path under docs/ (a build makes only those that changed)."""
    return {path: make() for path, (_, make) in plan(ctx).items()}


def plan(ctx: Context, paper_keys: dict[str, str] | None = None, *, trending_items: int = 50) -> Plan:
    """Every page of ``ctx``. ``paper_keys`` identify each paper's record (a build
    passes the digests of the files); by default, the record's own text."""
    taxonomy = ctx.taxonomy
    site = digest(ctx.options, [(s, taxonomy.name(s), taxonomy.description(s)) for s in ctx.tagged])
    key = {p.id: digest((paper_keys or {}).get(p.id) or repr(p), ctx.tags[p.id],
                        [(n.author, n.date, n.body) for n in ctx.notes.get(p.id, [])]) for p in ctx.papers}
    out: Plan = {HOME: (None, functools.partial(home_page, ctx)),
                 ARCHIVE: (None, functools.partial(archive.index, ctx)),
                 TAGS: (None, functools.partial(tagpages.index, ctx)),
                 ANNOTATED: (None, functools.partial(annotations.recent_page, ctx)),
                 SEARCH: (None, functools.partial(search_page, ctx))}
    # What a related paper's row shows (its title and day, not its votes), as text once per
    # paper: 100,000 pages keyed through repr() of their rows took 2 s of a daily update.
    # site and key are digests of one length, and a row is two quoted reprs and a date (or
    # None), so the joined text reads one way only.
    row = {p.id: f"{p.id!r}{p.title!r}{p.last_featured or p.published}" for p in ctx.papers}
    for paper in ctx.papers:
        related = "".join([row[q] for q in ctx.related.get(paper.id, ()) if q in row])
        out[paper_md(paper.id)] = (_hashed(f"paper{site}{key[paper.id]}{related}"),
                                   functools.partial(paper_page, ctx, paper))
    days = ctx.day_list
    for i, day in enumerate(days):
        around = (days[i - 1] if i else None, days[i + 1] if i + 1 < len(days) else None)
        out[day_md(day)] = (digest("day", site, day, around, [key[p.id] for p in ctx.days[day]]),
                            functools.partial(day_page, ctx, day))
    years = archive.by_year(days)
    order = list(years)
    for i, (year, months) in enumerate(years.items()):
        older, newer = (order[i + 1] if i + 1 < len(order) else None), (order[i - 1] if i else None)
        counts = [(d, len(ctx.days[d])) for ds in months.values() for d in ds]
        out[year_md(year)] = (digest("year", site, year, older, newer, counts),
                              functools.partial(archive.year_page, ctx, year, months, older, newer))
    for slug, papers in ctx.tagged.items():
        by_month = tagpages.months(papers)
        shown = [key[p.id] for p in papers[:tagpages.NEWEST]]
        out[tag_md(slug)] = (digest("tag", site, slug, shown, [(m, len(ps)) for m, ps in by_month.items()]),
                              functools.partial(tagpages.tag_page, ctx, slug, by_month))
        names = list(by_month)
        for i, (month, items) in enumerate(by_month.items()):
            older, newer = (names[i + 1] if i + 1 < len(names) else None), (names[i - 1] if i else None)
            out[tag_md(slug, month)] = (
                digest("month", site, slug, month, older, newer, [key[p.id] for p in items]),
                functools.partial(tagpages.month_page, ctx, slug, month, items, older, newer))
    for kind, current in (("week", TRENDING), ("month", TRENDING_MONTH)):
        ranked = trending.periods(ctx, kind, trending_items)
        spans = list(ranked)
        for i, (period, papers) in enumerate(ranked.items()):
            older, newer = (spans[i - 1] if i else None), (spans[i + 1] if i + 1 < len(spans) else None)
            shown = ("trending", site, period, older, newer, [key[p.id] for p in papers])
            out[period.path] = (digest(*shown), functools.partial(
                trending.page, ctx, period, papers, older, newer, here=period.path, current=False, limit=trending_items))
            if newer is None:
                out[current] = (digest("current", *shown), functools.partial(
                    trending.page, ctx, period, papers, older, None, here=current, current=True, limit=trending_items))
        if not ranked:
            out[current] = (None, functools.partial(trending.empty_page, kind))
    return out
