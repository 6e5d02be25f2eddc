"""The Paper record: the one typed value that crosses every stage of the pipeline.

The schema lives here, once: field order is the order of keys in a paper file's
front matter, and :func:`validate` is the only definition of a valid record.
"""

from __future__ import annotations

import dataclasses
import difflib
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

# ASCII digits only: "2401.0000\uff11" must not pass as a look-alike of 2401.00001
NEW_ID = re.compile(r"^([0-9]{4})\.([0-9]{4,5})$")
OLD_ID = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?)/([0-9]{7})$")
SLUG_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: an arXiv category: cs.RO, astro-ph, astro-ph.GA, math-ph, q-bio.NC
CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[A-Za-z]+)?)?", re.ASCII)
_VERSION = re.compile(r"v[0-9]+$")
_ARXIV_URL = re.compile(r"https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?")

#: The keys a machine owns. People may add only ``PEOPLE_KEYS`` (hand-added tags); any
#: other key is a typo (``titel:``) and an error, not silently kept.
MACHINE_KEYS = (
    "id", "title", "authors", "abstract", "published", "featured", "upvotes",
    "comments", "ai_summary", "keywords", "categories", "links", "organization",
    "submitted_by", "sources",
)
PEOPLE_KEYS = ("tags",)
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
    #: arXiv categories, the primary one first (cs.RO, cs.CV), when the source gives them
    categories: list[str] = field(default_factory=list)
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
            keywords=list(self.keywords), categories=list(self.categories), links=dataclasses.replace(self.links),
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
    return bool(NEW_ID.fullmatch(value) or OLD_ID.fullmatch(value))


def normalize_arxiv_id(value: str) -> str | None:
    """``'http://arxiv.org/abs/2201.13452v1'`` → ``'2201.13452'``; None if not an arXiv id."""
    value = value.strip()
    if m := _ARXIV_URL.fullmatch(value):
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
        raise PaperError("title", f"cannot make an id from title {title[:80]!r}")
    return slug


def relative_path(paper_id: str) -> str:
    """Where a paper's file lives inside ``papers/``, sharded by the id's yymm
    so no folder passes ~1,000 files (Hugging Face features ~650 papers a month).
    Old-style ids (``astro-ph/9904306``) keep their archive name with ``_`` for ``/``."""
    if m := NEW_ID.fullmatch(paper_id):
        return f"{m.group(1)}/{paper_id}.md"
    if m := OLD_ID.fullmatch(paper_id):
        return f"{m.group(2)[:4]}/{paper_id.replace('/', '_')}.md"
    if SLUG_ID.fullmatch(paper_id) and len(paper_id) <= MAX_SLUG:
        return f"no-id/{paper_id}.md"
    raise PaperError("id", f"{paper_id[:80]!r} is neither an arXiv id nor a slug")


# -- text -------------------------------------------------------------------

#: Characters that reorder or hide text without showing themselves: bidi embeddings,
#: overrides, isolates and marks, zero-width spaces and joiners, invisible operators,
#: the byte-order mark, the soft hyphen, Hangul fillers, variation selectors and tag characters
#: ("Trojan Source" spoofing; look-alike titles; text hidden from readers but not from machines).
INVISIBLE = ("\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
             "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef")
_INVISIBLE = re.compile(f"[{INVISIBLE}\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What no stored text may hold: :func:`clean_text` removes exactly these.
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff{INVISIBLE}]")
MAX_SLUG = 80
#: The days a record may name: arXiv began in 1991, and a day after 2099 is a typo (a build
#: could not even stamp it into a gzip header, whose clock ends in 2106).
FIRST_DAY, LAST_DAY = dt.date(1991, 1, 1), dt.date(2099, 12, 31)
#: Hand-added tags: each becomes a page and a feed, so its slug must make a short file name.
MAX_HAND_TAGS, MAX_TAG = 20, 64


def clean_text(text: object) -> str:
    """Scraped text made safe to store: hard wraps undone (every run of whitespace is
    one space), controls read as spaces, invisible characters dropped, and a lone
    surrogate (which no file can encode) shown as U+FFFD. Anything but text is ""."""
    if not isinstance(text, str):
        return ""
    if not text.isascii():
        text = _INVISIBLE.sub("", _SURROGATE.sub("\ufffd", text))
    return " ".join(_CONTROL.sub(" ", text).split())


def text_problem(value: str) -> str | None:
    """Why ``value`` may not be stored (a character :func:`clean_text` removes), or None."""
    if value.isascii() and value.isprintable():
        return None
    m = _FORBIDDEN.search(value)
    if m is None:
        return None
    char = m.group()
    kind = "a control character" if _CONTROL.match(char) or char in "\t\n\r" else \
        "a lone surrogate" if _SURROGATE.match(char) else "an invisible character"
    return f"holds {kind} (U+{ord(char):04X}) at character {m.start() + 1}"


def is_url(value: object) -> bool:
    """An absolute http(s) URL of printable ASCII, without the characters RFC 3986
    excludes (spaces, quotes, ``<>``, backslash): safe in an attribute and a feed."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


# re.ASCII: without it IGNORECASE lets U+017F (long s) pass for "s" in "https"
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE | re.ASCII)


# -- the validator ----------------------------------------------------------


def validate(paper: Paper) -> list[PaperError]:
    """Every way ``paper`` breaks the schema (empty when valid). The one definition of a
    valid record: importers run it before writing, ``check`` and the build on reading."""
    errors: list[PaperError] = []

    def bad(name: str, message: str) -> None:
        errors.append(PaperError(name, message))

    def text(name: str, value: object) -> None:
        if isinstance(value, str) and (problem := text_problem(value)):
            bad(name, problem)

    if not isinstance(paper.id, str) or not (is_arxiv_id(paper.id) or (
            SLUG_ID.fullmatch(paper.id) and len(paper.id) <= MAX_SLUG)):
        quote = "" if isinstance(paper.id, str) else "; quote it, so YAML keeps it text"
        bad("id", f"{str(paper.id)[:80]!r} is not an arXiv id (ASCII: 2405.15738, astro-ph/9904306) or a slug{quote}")
    if not isinstance(paper.title, str) or not paper.title.strip():
        bad("title", "must be a non-empty string")
    text("title", paper.title)
    for name in ("authors", "keywords", "categories", "sources"):
        value = getattr(paper, name)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            bad(name, "must be a list of non-empty strings")
        elif text_problem(" ".join(value)):  # items one by one only to say which: 20 authors a paper
            for i, item in enumerate(value):
                if problem := text_problem(item):
                    bad(name, f"item {i + 1} {problem}")
                    break
    if not isinstance(paper.abstract, str):
        bad("abstract", "must be a string")
    text("abstract", paper.abstract)
    value = paper.published
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        bad("published", f"{value!r} is not a date (YYYY-MM-DD)")
    elif value is not None and not FIRST_DAY <= value <= LAST_DAY:
        bad("published", f"{value} is not between {FIRST_DAY} and {LAST_DAY}")
    if not isinstance(paper.featured, list) or not all(
            isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in paper.featured):
        bad("featured", "must be a list of dates (YYYY-MM-DD)")
    elif paper.featured != sorted(set(paper.featured)):
        bad("featured", "must be sorted and without repeats")
    elif paper.featured and not FIRST_DAY <= paper.featured[0] <= paper.featured[-1] <= LAST_DAY:
        bad("featured", f"days must be between {FIRST_DAY} and {LAST_DAY}")
    for name in ("upvotes", "comments"):
        value = getattr(paper, name)
        if value is not None and (type(value) is not int or value < 0):
            bad(name, f"{value!r} is not a count")
    for name in ("ai_summary", "organization", "submitted_by"):
        value = getattr(paper, name)
        if value is not None and not isinstance(value, str):
            bad(name, "must be a string")
        text(name, value)
    links = paper.links
    for name in ("arxiv", "pdf", "huggingface", "github", "project"):
        value = getattr(links, name)
        if value is not None and not is_url(value):
            bad(f"links.{name}", f"{str(value)[:200]!r} is not an http(s) URL")
    if links.github_stars is not None and (type(links.github_stars) is not int or links.github_stars < 0):
        bad("links.github_stars", f"{links.github_stars!r} is not a count")
    if links.github_added_by is not None and not isinstance(links.github_added_by, str):
        bad("links.github_added_by", "must be a string")
    text("links.github_added_by", links.github_added_by)
    if isinstance(paper.categories, list) and any(isinstance(c, str) and not CATEGORY.fullmatch(c)
                                                   for c in paper.categories):
        bad("categories", "each must be an arXiv category such as cs.RO or astro-ph.GA")
    unknown = [s for s in paper.sources if isinstance(s, str) and s not in SOURCES] \
        if isinstance(paper.sources, list) else []
    if unknown:
        bad("sources", f"unknown source {unknown[0][:80]!r} (known: {', '.join(SOURCES)})")
    for key in paper.extra:
        if key not in PEOPLE_KEYS:
            bad(str(key), unknown_key(key))
    if "tags" in paper.extra and (problem := _hand_tags_problem(paper.extra["tags"])):
        bad("tags", problem)
    if paper.body.strip():
        bad("body", "a paper file holds front matter only: write a note instead, in its own file under "
                    "notes/ (see CONTRIBUTING.md)")
    return errors


def unknown_key(key: object) -> str:
    """The message for a front-matter key nobody defined, with the likeliest intended key."""
    known = MACHINE_KEYS + PEOPLE_KEYS
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
    return f"unknown key{hint}"


def _hand_tags_problem(value: object) -> str | None:
    tags = [value] if isinstance(value, str) else value
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        return "must be a list of tag names"
    if len(tags) > MAX_HAND_TAGS:
        return f"at most {MAX_HAND_TAGS} tags"
    for tag in tags:
        if problem := text_problem(tag):
            return f"{tag[:40]!r} {problem}"
        if len(tag) > MAX_TAG or not slugify(tag):
            return f"{tag[:40]!r}: a tag is 1 to {MAX_TAG} characters with at least one letter or digit"
    return None


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
    for key in data:
        if key not in MACHINE_KEYS and key not in PEOPLE_KEYS:
            raise PaperError(str(key), unknown_key(key))
    if "id" not in data:
        raise PaperError("id", "missing")
    if "title" not in data:
        raise PaperError("title", "missing")
    links = data.get("links") or {}
    if not isinstance(links, dict):
        raise PaperError("links", "must be a mapping")
    unknown_links = sorted(str(k) for k in set(links) - set(LINK_KEYS))
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
        categories=data.get("categories") or [],
        links=Links(**links),
        organization=data.get("organization"),
        submitted_by=data.get("submitted_by"),
        sources=data.get("sources") or [],
        extra=extra,
        body=body,
    )
