"""The package's layers: no module imports one that imports it back, at any depth.

The pipeline reads bottom-up (model → sources → archive → tagging → pages → feeds,
search → publish → site → cli); a cycle would mean two layers that cannot change
apart. Imports inside functions and under ``TYPE_CHECKING`` count too: a late import
hides a cycle, it does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "paperfeed"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = imports()
    # a package's __init__ importing its own modules is how a package exposes them: not a cycle
    for name in graph:
        graph[name] = {m for m in graph[name] if not (m.startswith(name + ".") or name.startswith(m + "."))}
    assert cycles(graph) == []


def test_the_shared_page_pieces_import_no_page_kind() -> None:
    graph = imports()
    kinds = {"home", "days", "paper", "tagpages", "archive", "annotations", "trending", "plan"}
    for shared in ("paths", "render", "context", "latex", "cite"):
        below = graph[f"paperfeed.pages.{shared}"]
        assert not {m for m in below if m.rsplit(".", 1)[-1] in kinds and m.startswith("paperfeed.pages.")}, shared
