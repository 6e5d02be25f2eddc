"""Feeds: RSS, Atom and JSON Feed, site-wide, daily and per tag, with an OPML list.

The paths are public URLs that readers subscribe to: they never change. The
autodiscovery links in ``overrides/main.html`` name the same paths.
"""

from __future__ import annotations

#: The latest papers (RSS, Atom, JSON Feed).
PAPERS = "feeds/papers"
#: One item per featured day (RSS, Atom).
DAILY = "feeds/daily"
#: The most upvoted papers of the archive's latest week, and of its latest month (RSS, Atom).
TRENDING_WEEK = "feeds/trending-week"
TRENDING_MONTH = "feeds/trending-month"
#: Every tag feed, as OPML.
OPML = "feeds/tags.opml"
#: The page that lists every feed.
PAGE = "feeds/index.md"
RSS, ATOM, JSON = ".rss.xml", ".atom.xml", ".json"


def tag_feed(slug: str) -> str:
    """A tag's feed path, without extension."""
    return f"feeds/tags/{slug}"
