"""What a build derives from each paper, through the build cache: its tags, its
related-paper features and its search words and title, each computed only when its
file (or what it depends on) changed, and each value a cache hands back checked
first (a cache is data, not trusted). Also the search stage as a whole, which a
daily update runs on the other core (``index_stage``, see background.py).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from paperfeed import related, search
from paperfeed.config import Settings
from paperfeed.model import Paper
from paperfeed.pages import plan
from paperfeed.pages.context import Context
from paperfeed.publish import workers
from paperfeed.publish.cache import BuildCache
from paperfeed.publish.tree import Tree
from paperfeed.publish.workers import peak_mb
from paperfeed.tagging import Taxonomy

_WORDS = "search words"
_BUNDLES = "search result files"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _slugs(value: object) -> bool:
    """Tags as a cache may hand them back: slugs, which become file names."""
    return isinstance(value, list) and all(isinstance(v, str) and len(v) <= 64 and _SLUG.fullmatch(v) for v in value)


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _features(value: object) -> bool:
    """Related-paper features as a cache may hand them back (related/vectors.py): checked for
    every paper of every build, so plain loops, not sets."""
    if type(value) is not dict:
        return False
    keys, weights, authors, topic, places = value.get("k"), value.get("n"), value.get("a"), value.get("t"), \
        value.get("r", [])
    if not (type(keys) is list and type(weights) is list and type(authors) is list and type(places) is list
            and type(topic) is str and type(value.get("d")) is str and len(keys) == len(weights) <= 64
            and len(authors) <= 64 and len(places) <= 8 and _BASE64.fullmatch(topic)
            and len(topic) // 4 * 3 - topic.count("=", -2) <= related.DIMS):
        return False
    for number in keys + authors:
        if type(number) is not int or not -1 << 63 <= number < 1 << 63:
            return False
    for weight in weights:
        if type(weight) is not int or not 0 < weight <= 1000:
            return False
    return all(type(r) is int and -1 <= r < 1 << 15 for r in places)


def _features_of(paper: Paper, table: related.WordTable) -> dict:
    return related.features(paper, table, authors=related.AUTHORS_COMPARED)


def _tags_of(paper: Paper, taxonomy: Taxonomy) -> list[str]:
    return taxonomy.tags_for(paper)


def _impacts_of(doc: search.Doc, _: None) -> list[str]:
    return search.packed(doc)


def _packed(docs: list[search.Doc]) -> list[list[str]]:
    return workers.map_all(_impacts_of, docs, None)


def _search_index(indexed: list[search.Doc], ctx: Context, cache: BuildCache | None, path_of: dict[str, Path],
                  taxonomy_key: str, docs: Path) -> tuple[dict[str, str | bytes], dict[str, bytes]]:
    """The search index's files, and what the cache is to keep of them. With a cache, only
    the papers whose file, tags or notes changed have their words computed, and only the
    result files they are in are made; the others come from what the last build kept."""
    tags = search.tag_names(ctx)
    if cache is None:
        words = search.gather(indexed, [""] * len(indexed), kept=None, compute=_packed)
        return search.build(indexed, tags, words=words), {}
    keys = [plan.digest(cache.digest(path_of[d.paper.id]), taxonomy_key, d.tags, d.notes) for d in indexed]
    kept = cache.take(_WORDS)
    bundles = search.Bundles.loads(docs, cache.take(_BUNDLES))
    try:
        words = search.gather(indexed, keys, kept=search.Words.loads(kept) if kept else None, compute=_packed)
        files = search.build(indexed, tags, words=words, bundles=bundles)
    except ValueError:  # kept words that are not what a build keeps: every paper's words computed again
        words = search.gather(indexed, keys, kept=None, compute=_packed)
        bundles = search.Bundles(docs)
        files = search.build(indexed, tags, words=words, bundles=bundles)
    return files, {_WORDS: words.dumps(), _BUNDLES: bundles.dumps()}


@dataclass
class Index:
    """What the search stage hands back (from another process, pickled): the paths it put in
    docs/ and those it wrote, what the cache keeps, its seconds and peak memory."""

    paths: set[str]
    written: list[str]
    kept: dict[str, bytes]
    seconds: float
    peak: int


def index_stage(ctx: Context, cache: BuildCache | None, path_of: dict[str, Path], taxonomy_key: str, docs: Path,
                 titles: dict[str, str] | None) -> Index:
    start = time.perf_counter()
    indexed = search.order(search.documents(ctx, titles=titles))
    files, kept = _search_index(indexed, ctx, cache, path_of, taxonomy_key, docs)
    tree = Tree(docs)
    tree.update(files)
    return Index(tree.paths, tree.written, kept, time.perf_counter() - start, peak_mb())


def tags(papers: list[Paper], cache: BuildCache, path_of: dict[str, Path], taxonomy: Taxonomy,
         taxonomy_key: str) -> dict[str, list[str]]:
    """Each paper's tags (the taxonomy's, unless the file names its own)."""
    return dict(zip((p.id for p in papers), cache.derive_all(
        "tags", ((path_of[p.id], taxonomy_key, p) for p in papers), _tags_of, taxonomy, valid=_slugs)))


def titles(papers: list[Paper], cache: BuildCache, path_of: dict[str, Path]) -> dict[str, str]:
    """Each paper's title as a search result shows it (typesetting 100,000 titles' math is a
    second of every build)."""
    return dict(zip((p.id for p in papers), cache.derive_all(
        "title", ((path_of[p.id], "", p) for p in papers), _title_of, None, valid=_text)))


def _title_of(paper: Paper, _: None) -> str:
    return search.title_text(paper)


def _text(value: object) -> bool:
    """A result's title as a cache may hand it back: text, which the search box shows as text."""
    return isinstance(value, str)


def related_lists(settings: Settings, ctx: Context, cache: BuildCache | None, path_of: dict[str, Path]
                  ) -> related.Outcome:
    """Each paper's related papers: in a build with its cache, only what the day changed.
    Raises ``related.WordTableError`` when the settings name a word table that is not one."""
    table = related.WordTable.load(settings.root / settings.related_words) if settings.related_words \
        else related.WordTable.default()

    key = (table.digest, related.AUTHORS_COMPARED)
    features_of = None
    if cache is not None:
        found = dict(zip((p.id for p in ctx.papers), cache.derive_all(
            "related", ((path_of[p.id], key, p) for p in ctx.papers), _features_of, table, valid=_features)))

        def features_of(paper: Paper) -> dict:
            return found[paper.id]

    return related.find(ctx.papers, ctx.tags, tag_order=[t.slug for t in ctx.taxonomy.tags], k=settings.related,
                        table=table, features_of=features_of, state=cache)
