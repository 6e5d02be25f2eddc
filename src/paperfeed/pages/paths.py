"""Where every generated page lives under ``docs/``, and the relative links between them.

The paths are public URLs (``days/2024-06-21/``, ``papers/2406/2406.12345/``): they
never change, so links and bookmarks stay valid. Every link is relative, so the site
works under any sub-path (``https://owner.github.io/repo/``).
"""

from __future__ import annotations

import datetime as dt

from paperfeed.model import relative_path

#: Folders (and the home page) under docs/ that belong to the generator.
GENERATED = ("index.md", "papers", "days", "tags", "archive", "trending", "feeds", "annotated", "search",
             "assets/paperfeed/icons.svg", "assets/paperfeed/palette.js")

HOME = "index.md"
ARCHIVE = "archive/index.md"
TAGS = "tags/index.md"
ANNOTATED = "annotated/index.md"
TRENDING = "trending/index.md"
TRENDING_MONTH = "trending/month.md"
#: the search page: the box, open, with what it understands (authors link here)
SEARCH = "search/index.md"


def paper_md(paper_id: str) -> str:
    return "papers/" + relative_path(paper_id)


def day_md(day: dt.date) -> str:
    return f"days/{day.isoformat()}.md"


def year_md(year: int) -> str:
    return f"archive/{year}.md"


def tag_md(slug: str, month: str | None = None) -> str:
    return f"tags/{slug}/{month}.md" if month else f"tags/{slug}/index.md"


def week_md(week: str) -> str:
    """A past week's trending page: ``week`` is ISO's ``2024-W25``."""
    return f"trending/weeks/{week}.md"


def month_md(month: str) -> str:
    """A past month's trending page: ``month`` is ``2024-06``."""
    return f"trending/months/{month}.md"


def url_of(md_path: str) -> str:
    """A docs page's URL path with ``use_directory_urls``: ``days/2025-03-14.md`` → ``days/2025-03-14/``."""
    path = md_path[:-3]
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("index")]
    return path + "/"


def _relative(from_md: str, target: list[str]) -> str:
    start = url_of(from_md).split("/")[:-1]
    common = 0
    for a, b in zip(start, target):
        if a != b:
            break
        common += 1
    return "../" * (len(start) - common) + "/".join(target[common:])


def rel(from_md: str, to_md: str) -> str:
    """A relative link between two pages."""
    link = _relative(from_md, url_of(to_md).split("/")[:-1])
    return link + "/" if link and not link.endswith("/") else link or "./"


def rel_file(from_md: str, path: str) -> str:
    """A relative link from a page to a file of the site (a feed, an image)."""
    return _relative(from_md, path.split("/"))
