"""The Paper record: the one typed value that crosses every stage of the pipeline.

The schema lives here, once: field order is the order of keys in a paper file's
front matter, and :func:`validate` is the only definition of a valid record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

NEW_ID = re.compile(r"^(\d{4})\.(\d{4,5})$")
OLD_ID = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?)/(\d{7})$")
SLUG_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VERSION = re.compile(r"v\d+$")
_ARXIV_URL = re.compile(r"^https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?$")

#: The keys a machine owns. Anything else in a paper's front matter
#: (hand-added ``tags``, for instance) belongs to people and is kept as is.
MACHINE_KEYS = (
    "id", "title", "authors", "abstract", "published", "featured", "upvotes",
    "comments", "ai_summary", "keywords", "links", "organization",
    "submitted_by", "sources",
)
LINK_KEYS = ("arxiv", "pdf", "huggingface", "github", "github_stars", "github_added_by", "project")
SOURCES = ("hf-daily", "arxiv", "scrape", "lookup")


@dataclass
class Links:
    """Where to read the paper. Every URL is http(s); the validator checks it."""

    arxiv: str | None = None
    pdf: str | None = None
    huggingface: str | None = None
    github: str | None = None
    github_stars: int | None = None
    github_added_by: str | None = None
    project: str | None = None


@dataclass
class Paper:
    """One paper: front matter fields in file order, then the people-owned parts."""

    id: str
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    published: dt.date | None = None
    featured: list[dt.date] = field(default_factory=list)
    upvotes: int | None = None
    comments: int | None = None
    ai_summary: str | None = None
    keywords: list[str] = field(default_factory=list)
    links: Links = field(default_factory=Links)
    organization: str | None = None
    submitted_by: str | None = None
    sources: list[str] = field(default_factory=list)
    #: Front matter keys that people own, in file order (e.g. ``tags``).
    extra: dict[str, Any] = field(default_factory=dict)
    #: The Markdown body: community notes. Machines never rewrite it.
    body: str = ""

    @property
    def has_arxiv_id(self) -> bool:
        return is_arxiv_id(self.id)

    @property
    def last_featured(self) -> dt.date | None:
        return max(self.featured) if self.featured else None

    def copy(self) -> Paper:
        return dataclasses.replace(
            self, authors=list(self.authors), featured=list(self.featured),
            keywords=list(self.keywords), links=dataclasses.replace(self.links),
            sources=list(self.sources), extra=dict(self.extra),
        )


class PaperError(ValueError):
    """A record breaks the schema; ``field`` names the offending key."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


# -- ids ------------------------------------------------------------------


def is_arxiv_id(value: str) -> bool:
    return bool(NEW_ID.match(value) or OLD_ID.match(value))


def normalize_arxiv_id(value: str) -> str | None:
    """``'http://arxiv.org/abs/2201.13452v1'`` → ``'2201.13452'``; None if not an arXiv id."""
    value = value.strip()
    if m := _ARXIV_URL.match(value):
        value = m.group(1)
    value = _VERSION.sub("", value.removeprefix("arXiv:").removeprefix("arxiv:"))
    return value if is_arxiv_id(value) else None


def normalize_title(title: str) -> str:
    """The key that matches one paper's title across sources: case, accents,
    punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def slug_id(title: str) -> str:
    """A stable id for a paper known only by its title (a page scrape)."""
    slug = slugify(normalize_title(title), max_length=80, word_boundary=True)
    if not slug:
        raise PaperError("title", f"cannot make an id from title {title!r}")
    return slug


def relative_path(paper_id: str) -> str:
    """Where a paper's file lives inside ``papers/``, sharded by the id's yymm
    so no folder passes ~1,000 files (Hugging Face features ~650 papers a month).
    Old-style ids (``astro-ph/9904306``) keep their archive name with ``_`` for ``/``."""
    if m := NEW_ID.match(paper_id):
        return f"{m.group(1)}/{paper_id}.md"
    if m := OLD_ID.match(paper_id):
        return f"{m.group(2)[:4]}/{paper_id.replace('/', '_')}.md"
    if SLUG_ID.match(paper_id):
        return f"no-id/{paper_id}.md"
    raise PaperError("id", f"{paper_id!r} is neither an arXiv id nor a slug")


def clean_text(text: str | None) -> str:
    """Undo hard wraps: collapse every run of whitespace to one space."""
    return " ".join((text or "").split())


# -- the validator ----------------------------------------------------------


def _is_url(value: object) -> bool:
    return isinstance(value, str) and re.match(r"^https?://[^\s<>\"]+$", value) is not None


def validate(paper: Paper) -> list[PaperError]:
    """Every way ``paper`` breaks the schema (empty when valid)."""
    errors: list[PaperError] = []

    def bad(name: str, message: str) -> None:
        errors.append(PaperError(name, message))

    if not isinstance(paper.id, str) or not (is_arxiv_id(paper.id) or SLUG_ID.match(paper.id)):
        bad("id", f"{paper.id!r} is not an arXiv id (2405.15738, astro-ph/9904306) or a slug; quote it")
    if not isinstance(paper.title, str) or not paper.title.strip():
        bad("title", "must be a non-empty string")
    for name in ("authors", "keywords", "sources"):
        value = getattr(paper, name)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            bad(name, "must be a list of non-empty strings")
    if not isinstance(paper.abstract, str):
        bad("abstract", "must be a string")
    if paper.published is not None and not isinstance(paper.published, dt.date):
        bad("published", f"{paper.published!r} is not a date (YYYY-MM-DD)")
    if not isinstance(paper.featured, list) or not all(isinstance(d, dt.date) for d in paper.featured):
        bad("featured", "must be a list of dates (YYYY-MM-DD)")
    elif paper.featured != sorted(set(paper.featured)):
        bad("featured", "must be sorted and without repeats")
    for name in ("upvotes", "comments"):
        value = getattr(paper, name)
        if value is not None and (type(value) is not int or value < 0):
            bad(name, f"{value!r} is not a count")
    for name in ("ai_summary", "organization", "submitted_by"):
        value = getattr(paper, name)
        if value is not None and not isinstance(value, str):
            bad(name, "must be a string")
    links = paper.links
    for name in ("arxiv", "pdf", "huggingface", "github", "project"):
        value = getattr(links, name)
        if value is not None and not _is_url(value):
            bad(f"links.{name}", f"{value!r} is not an http(s) URL")
    if links.github_stars is not None and (type(links.github_stars) is not int or links.github_stars < 0):
        bad("links.github_stars", f"{links.github_stars!r} is not a count")
    unknown = [s for s in paper.sources if isinstance(s, str) and s not in SOURCES]
    if unknown:
        bad("sources", f"unknown source {unknown[0]!r} (known: {', '.join(SOURCES)})")
    return errors


# -- front matter mapping ---------------------------------------------------


def to_front_matter(paper: Paper) -> dict[str, Any]:
    """The front matter mapping: machine keys in schema order, empty values left
    out so files stay short, then the people-owned keys in their own order."""
    data: dict[str, Any] = {}
    for name in MACHINE_KEYS:
        value = getattr(paper, name)
        if name == "links":
            value = {k: getattr(value, k) for k in LINK_KEYS if getattr(value, k) is not None}
        elif name == "featured":
            value = list(value)
        if value is None or value == [] or value == {} or (name == "abstract" and value == ""):
            continue
        data[name] = value
    for key, value in paper.extra.items():
        data[key] = value
    return data


def from_front_matter(data: dict[str, Any], body: str = "") -> Paper:
    """Build a Paper from parsed front matter; raises PaperError on a wrong shape
    (the full check is :func:`validate`)."""
    if "id" not in data:
        raise PaperError("id", "missing")
    if "title" not in data:
        raise PaperError("title", "missing")
    links = data.get("links") or {}
    if not isinstance(links, dict):
        raise PaperError("links", "must be a mapping")
    unknown_links = sorted(set(links) - set(LINK_KEYS))
    if unknown_links:
        raise PaperError(f"links.{unknown_links[0]}", f"unknown link kind (known: {', '.join(LINK_KEYS)})")
    extra = {k: v for k, v in data.items() if k not in MACHINE_KEYS}
    return Paper(
        id=data["id"],
        title=data["title"],
        authors=data.get("authors") or [],
        abstract=data.get("abstract") or "",
        published=data.get("published"),
        featured=data.get("featured") or [],
        upvotes=data.get("upvotes"),
        comments=data.get("comments"),
        ai_summary=data.get("ai_summary"),
        keywords=data.get("keywords") or [],
        links=Links(**links),
        organization=data.get("organization"),
        submitted_by=data.get("submitted_by"),
        sources=data.get("sources") or [],
        extra=extra,
        body=body,
    )
