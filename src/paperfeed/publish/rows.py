"""The build cache's rows (cache.py): what a record holds, as JSON, and how a row read
back is checked. A cache is data, not trusted: a row that is not what a build writes is
a miss (its paper is read again), never a crash and never a page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from paperfeed.model import Links, Paper, validate


def dumps(value: object) -> str:
    """``value`` as compact JSON. orjson reads the 300 MB a cache of 100,000 papers holds
    three times as fast as the standard library; what it cannot write (an integer wider
    than 64 bits, such as a hand-written count) the standard library does."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """JSON a cache row holds; ValueError when it is not JSON orjson reads (it is then a miss).
    orjson reads an integer wider than 64 bits as a float, which every check of a row refuses
    where a count or a number belongs: that row is a miss too, and its file is read again."""
    return orjson.loads(text)


def paper_to_json(paper: Paper) -> str:
    data = dataclasses.asdict(paper)
    data["published"] = paper.published.isoformat() if paper.published else None
    data["featured"] = [d.isoformat() for d in paper.featured]
    return dumps(data)


def paper_from_json(text: str) -> Paper:
    data = loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("links"), dict):
        raise ValueError("not a paper")
    data["published"] = dt.date.fromisoformat(data["published"]) if data["published"] else None
    data["featured"] = [dt.date.fromisoformat(d) for d in data["featured"]]
    data["links"] = Links(**data["links"])
    return Paper(**data)


@dataclass
class Record:
    """One paper file as last read."""

    size: int
    mtime_ns: int
    digest: str
    paper: Paper
    #: name → (the key it was computed from, as JSON; the value)
    derived: dict[str, tuple[str, Any]] = field(default_factory=dict)


def record(size: object, mtime_ns: object, digest: object, paper: object, derived: object) -> Record | None:
    """A row as a Record, or None unless every part of it is what a build writes."""
    try:
        found = paper_from_json(str(paper))
        kept = loads(str(derived))
    except (ValueError, TypeError, KeyError, RecursionError, AttributeError):
        return None
    if validate(found) or not (type(size) is int and type(mtime_ns) is int and isinstance(digest, str)
                               and isinstance(kept, dict)):
        return None
    if not all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) for v in kept.values()):
        return None
    return Record(size, mtime_ns, digest, found, {k: (v[0], v[1]) for k, v in kept.items()})


def neighbours(paper_id: object, digest: object, text: object) -> tuple[str, list[tuple[int, str]]] | None:
    """A related row as a build wrote it, or None."""
    try:
        found = loads(str(text))
    except (ValueError, RecursionError):
        return None
    if not (isinstance(paper_id, str) and isinstance(digest, str) and isinstance(found, list) and len(found) <= 64):
        return None
    if not all(isinstance(e, list) and len(e) == 2 and type(e[0]) is int and isinstance(e[1], str) for e in found):
        return None
    return digest, [(score, other) for score, other in found]
