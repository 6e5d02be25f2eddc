"""Hugging Face daily papers API JSON (``GET /api/daily_papers?date=D``) → Papers.

Every schema era is read: the oldest days' singular ``mediaUrl``, the 2025
additions (``ai_summary``, ``githubRepo``, ...), the later ``organization`` and
``githubStars``. Every field but ``paper.id`` and ``paper.title`` is optional and
unknown fields are ignored. Some saved days hold Python ``repr()`` strings
instead of objects: those are recovered with :func:`ast.literal_eval`, which
parses literals only and never runs code.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from paperfeed.model import Links, Paper, clean_text, is_url, normalize_arxiv_id, normalize_title
from paperfeed.sources.problems import ItemProblem, admit

_GITHUB = re.compile(r"^https?://(www\.)?github\.com/", re.IGNORECASE | re.ASCII)


@dataclass
class DayFile:
    """One API response: the papers read from it and the items that were not."""

    day: dt.date | None
    papers: list[Paper]
    problems: list[ItemProblem]
    items: int
    recovered: list[int]  # indices of items read from Python repr strings

    def notices(self, source: str) -> list[str]:
        if not self.recovered:
            return []
        return [f"{source}: {len(self.recovered)} items were Python repr strings, not JSON objects; "
                f"recovered items {_ranges(self.recovered)}"]


def looks_like(text: str) -> bool:
    head = text.lstrip()[:1]
    return head in ("[", "{")


def parse(text: str, *, source: str, day: dt.date | None = None) -> DayFile:
    """Parse a day's response. ``source`` names it in messages (a path or URL);
    ``day`` is the day asked for, used when an item carries no featured date."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ValueError(f"{source}: JSON nested too deeply to be a daily papers response") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise ValueError(f"{source}: not readable JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        # a wrapped response: {"status": ..., "date": ..., "data": [...]}
        day = day or _date(data.get("date"))
        data = data["data"]
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a JSON list of papers, got {type(data).__name__}")
    papers: list[Paper] = []
    problems: list[ItemProblem] = []
    recovered: list[int] = []
    for index, item in enumerate(data):
        try:
            paper = parse_item(_as_mapping(item), day=day)
        except ValueError as exc:
            problems.append(ItemProblem(source, index, str(exc)))
            continue
        if not isinstance(item, dict):
            recovered.append(index)
        admitted, dropped = admit(paper, source=source, index=index)
        problems += dropped
        if admitted is not None:
            papers.append(admitted)
    return DayFile(day, papers, problems, len(data), recovered)


def _ranges(indices: list[int]) -> str:
    """``[0, 1, 2, 5]`` → ``'0-2, 5'``."""
    parts: list[str] = []
    start = prev = indices[0]
    for i in indices[1:] + [None]:  # type: ignore[list-item]
        if i is not None and i == prev + 1:
            prev = i
            continue
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    return ", ".join(parts)


def _as_mapping(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    if isinstance(item, str) and item.lstrip().startswith("{"):
        try:
            value = ast.literal_eval(item)
        except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
            raise ValueError(f"item is a string that is not a readable Python literal ({type(exc).__name__})") from None
        if isinstance(value, dict):
            return value
    raise ValueError(f"item is a JSON {type(item).__name__}, not an object")


def parse_item(item: dict[str, Any], *, day: dt.date | None = None) -> Paper:
    """One API item → Paper. Raises ValueError naming the missing or wrong field."""
    paper = item.get("paper")
    if not isinstance(paper, dict):
        raise ValueError("missing 'paper' object")
    raw_id = paper.get("id")
    arxiv_id = normalize_arxiv_id(raw_id) if isinstance(raw_id, str) else None
    if arxiv_id is None:
        raise ValueError(f"paper.id {_short(raw_id)} is not an arXiv id")
    title = clean_text(paper.get("title")) or clean_text(item.get("title"))
    # The item's own title keeps the $…$ math that paper.title has lost ("$\\nabla^2$DFT" vs
    # "nabla^2DFT"); take it when it is the same title otherwise.
    curated = clean_text(item.get("title"))
    if curated and "$" in curated and normalize_title(re.sub(r"[$\\]", "", curated)) == normalize_title(title):
        title = curated
    if not title:
        raise ValueError(f"paper {arxiv_id}: missing paper.title")

    # The day asked for is the truth; the item's own dates drift by a day or two.
    featured = day or _date(paper.get("submittedOnDailyAt")) or _date(item.get("publishedAt"))
    github = _url(paper.get("githubRepo"))
    github = github if github and _GITHUB.match(github) else None
    project = _url(paper.get("projectPage"))
    org = paper.get("organization") or item.get("organization")
    submitter = paper.get("submittedOnDailyBy") or item.get("submittedBy")
    return Paper(
        id=arxiv_id,
        title=title,
        authors=[name for a in _list(paper.get("authors"))
                 if isinstance(a, dict) and (name := clean_text(a.get("name")))],
        abstract=clean_text(paper.get("summary")) or clean_text(item.get("summary")),
        published=_date(paper.get("publishedAt")),
        featured=[featured] if featured else [],
        upvotes=_count(paper.get("upvotes")),
        comments=_count(item.get("numComments")),
        ai_summary=clean_text(paper.get("ai_summary")) or None,
        keywords=[word for k in _list(paper.get("ai_keywords")) if (word := clean_text(k))],
        links=Links(
            arxiv=f"https://arxiv.org/abs/{arxiv_id}",
            pdf=f"https://arxiv.org/pdf/{arxiv_id}",
            huggingface=f"https://huggingface.co/papers/{arxiv_id}",
            github=github,
            github_stars=_count(paper.get("githubStars")) if github else None,
            github_added_by=clean_text(paper.get("githubRepoAddedBy")) or None if github else None,
            project=project,
        ),
        organization=_org(org),
        submitted_by=_submitter(submitter),
        sources=["hf-daily"],
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _url(value: Any) -> str | None:
    """An http(s) link, or None. Whitespace inside is a hard wrap ("github.com/\\nowner/repo")."""
    if not isinstance(value, str):
        return None
    url = "".join(value.split())
    return url if is_url(url) else None


def _submitter(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    return clean_text(value.get("user")) or clean_text(value.get("name")) or None


def _count(value: Any) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _org(org: Any) -> str | None:
    if not isinstance(org, dict):
        return None
    return clean_text(org.get("fullname")) or clean_text(org.get("name")) or None

