"""A source item that could not be read, located by file (or URL) and index."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ItemProblem:
    source: str
    index: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}: item {self.index}: {self.message}"
