"""Source items that could not be read, and the gate every record passes before the archive.

Whatever a source reads goes through :func:`admit`, which applies the archive's
one definition of a valid record (``model.validate`` and the file size limit of
``archive/store.py``): a bad optional field is dropped and reported, a record
without a valid id or title is skipped and reported. So whatever ``import`` or
``fetch`` writes passes ``paperfeed check``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from paperfeed.archive.store import MAX_FILE_BYTES, dumps
from paperfeed.model import Links, Paper, validate

#: Fields a record cannot do without: an error in one skips the record.
_REQUIRED = ("id", "title")


@dataclass(frozen=True)
class ItemProblem:
    source: str
    index: int
    message: str
    #: "item", or "line" for a text scrape, whose items are located by line
    unit: str = "item"
    #: the item was skipped (False: it was kept without one bad field)
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.source}: {self.unit} {self.index}: {self.message}"


def admit(paper: Paper, *, source: str, index: int, unit: str = "item") -> tuple[Paper | None, list[ItemProblem]]:
    """``paper`` as the archive may store it, and what had to be dropped to get there."""
    problems: list[ItemProblem] = []
    label = f"paper {paper.id[:40]}: " if isinstance(paper.id, str) and paper.id else ""
    for _ in range(len(dataclasses.fields(Paper)) + len(dataclasses.fields(Links))):
        errors = validate(paper)
        if not errors:
            break
        error = errors[0]
        if error.field in _REQUIRED:
            return None, problems + [ItemProblem(source, index, f"{label}{error}; item skipped", unit)]
        problems.append(ItemProblem(source, index, f"{label}{error}; field dropped", unit, skipped=False))
        paper = _without(paper, error.field)
    else:  # pragma: no cover - every pass drops one field, so this cannot loop for ever
        return None, problems
    size = len(dumps(paper).encode("utf-8"))
    if size > MAX_FILE_BYTES:
        return None, problems + [ItemProblem(
            source, index, f"{label}its file would be {size:,} bytes (at most {MAX_FILE_BYTES:,}); item skipped", unit)]
    return paper, problems


def _without(paper: Paper, name: str) -> Paper:
    """``paper`` with the field ``name`` (``links.github`` for a link) back to its default."""
    if name.startswith("links."):
        key = name.split(".", 1)[1]
        links = dataclasses.replace(paper.links, **{key: None})
        if key == "github":
            links = dataclasses.replace(links, github_stars=None, github_added_by=None)
        return dataclasses.replace(paper, links=links)
    if name in {f.name for f in dataclasses.fields(Paper)}:
        return dataclasses.replace(paper, **{name: getattr(Paper(id="", title=""), name)})
    return dataclasses.replace(paper, extra={k: v for k, v in paper.extra.items() if str(k) != name})
