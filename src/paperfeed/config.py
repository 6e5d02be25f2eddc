"""Settings a fork edits, read from ``mkdocs.yml`` (``extra: paperfeed:``).

One file holds the site's settings: MkDocs' own keys (site name, URL,
repository) and paperfeed's under ``extra.paperfeed``. It is read with a
loader that tolerates MkDocs' Python tags (``!!python/name:...``) and ``!ENV``
without importing anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from paperfeed.model import CATEGORY


class ConfigError(Exception):
    """The settings file cannot be read or holds a wrong value."""


@dataclass(frozen=True)
class ArxivSource:
    """arXiv's announcements of some categories (``sources: arxiv:`` in mkdocs.yml)."""

    categories: tuple[str, ...]
    #: keep a paper only if one of these phrases is in its title or abstract (none: keep all)
    include: tuple[str, ...] = ()
    #: drop a paper if one of these phrases is in its title or abstract
    exclude: tuple[str, ...] = ()
    #: papers whose primary category is another, listed in one of ``categories`` too
    cross_lists: bool = True


@dataclass(frozen=True)
class Sources:
    """Where ``paperfeed fetch`` gets papers: Hugging Face's daily list, arXiv's listings, or both."""

    huggingface: bool = True
    arxiv: ArxivSource | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n, on in (("huggingface", self.huggingface), ("arxiv", self.arxiv is not None)) if on)


@dataclass(frozen=True)
class Settings:
    """paperfeed's settings, with the defaults a fork starts from."""

    root: Path = Path(".")
    papers: str = "papers"
    notes: str = "notes"
    api_url: str = "https://huggingface.co/api"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    fetch_days: int = 3
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 2.0
    #: a whole fetch gives up after this many seconds (the workflow job allows 30 minutes)
    fetch_deadline: float = 600.0
    #: the largest answer a source may send (a real day is under 400 KB)
    max_response_bytes: int = 10_000_000
    #: the longest Retry-After a fetch waits; a server asking for more gives up that day
    max_retry_after: float = 120.0
    arxiv_interval: float = 3.0
    taxonomy: str = "taxonomy.yml"
    home_days: int = 1
    feed_items: int = 50
    digest_days: int = 14
    compact: bool = True
    #: related papers on each paper page (0: none)
    related: int = 6
    #: the word table related papers weigh words by (scripts/word_table.py); empty: paperfeed's own
    related_words: str = ""
    #: papers on each trending page and in its feeds
    trending_items: int = 50
    #: where ``paperfeed build`` keeps what lets the next build redo only what changed
    cache: str = ".cache/paperfeed"
    #: GitHub handles that may edit or delete any note in a pull request (to moderate)
    maintainers: tuple[str, ...] = ()
    sources: Sources = Sources()

    @property
    def notes_dir(self) -> Path:
        return self.root / self.notes

    @property
    def papers_dir(self) -> Path:
        return self.root / self.papers

    @property
    def cache_dir(self) -> Path:
        return self.root / self.cache


#: What each number may be: anything else is a typo, or would hold up the daily job.
RANGES: dict[str, tuple[float, float]] = {
    "fetch_days": (1, 366), "timeout": (0.1, 600), "retries": (0, 10), "backoff": (0, 60),
    "fetch_deadline": (1, 21_600), "max_response_bytes": (1_000, 1_000_000_000), "max_retry_after": (0, 3_600),
    "arxiv_interval": (0, 60), "home_days": (1, 31), "feed_items": (1, 1_000), "digest_days": (1, 366),
    "related": (0, 8), "trending_items": (1, 200),
}


class _TolerantLoader(yaml.SafeLoader):
    pass


def _python_tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> str:
    return suffix


def _env_tag(loader: yaml.Loader, node: yaml.Node) -> Any:
    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
    for name in names[:-1] if len(names) > 1 else names:
        if str(name) in os.environ:
            return os.environ[str(name)]
    return names[-1] if len(names) > 1 else None


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)
_TolerantLoader.add_constructor("!ENV", _env_tag)


def read_mkdocs_yml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    return read_mkdocs_text(text, path)


def read_mkdocs_text(text: str, path: Path) -> dict[str, Any]:
    """``mkdocs.yml``'s text as a mapping; ``path`` names it in errors."""
    try:
        data = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - safe loader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    return data if isinstance(data, dict) else {}


def find_config(start: Path) -> Path | None:
    """The nearest ``mkdocs.yml`` at or above ``start``."""
    for folder in [start, *start.parents]:
        if (folder / "mkdocs.yml").is_file():
            return folder / "mkdocs.yml"
    return None


def load(config_file: Path | None = None) -> Settings:
    """Settings from ``config_file`` (or the nearest mkdocs.yml); defaults when there is none."""
    path = config_file or find_config(Path.cwd())
    if path is None:
        return Settings()
    return settings_from(read_mkdocs_yml(path), path)


def parse(text: str, path: Path) -> Settings:
    """The settings of ``mkdocs.yml`` given as text (a past revision's, for instance)."""
    return settings_from(read_mkdocs_text(text, path), path)


def settings_from(data: dict[str, Any], path: Path) -> Settings:
    extra = (data.get("extra") or {}).get("paperfeed") or {}
    if not isinstance(extra, dict):
        raise ConfigError(f"{path}: extra.paperfeed must be a mapping")
    known = {f.name: f for f in fields(Settings) if f.name != "root"}
    values: dict[str, Any] = {"root": path.parent}
    for key, value in extra.items():
        if key not in known:
            raise ConfigError(f"{path}: extra.paperfeed.{key}: unknown setting (known: {', '.join(known)})")
        if key == "sources":
            values[key] = sources_from(value, path)
            continue
        default = getattr(Settings, key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: extra.paperfeed.{key}: expected a list of names, got {value!r}")
            values[key] = tuple(value)
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: extra.paperfeed.{key}: expected true or false, got {value!r}")
        elif isinstance(default, (int, float)):
            whole = isinstance(default, int)
            if not isinstance(value, int if whole else (int, float)) or isinstance(value, bool):
                raise ConfigError(f"{path}: extra.paperfeed.{key}: expected a {'whole ' if whole else ''}number, "
                                  f"got {value!r}")
            low, high = RANGES.get(key, (0, float("inf")))
            if not low <= value <= high:  # NaN fails both
                raise ConfigError(f"{path}: extra.paperfeed.{key}: {value!r} is not between {low:g} and {high:g}")
        if isinstance(default, str) and (not isinstance(value, str) or (default and not value.strip())):
            raise ConfigError(f"{path}: extra.paperfeed.{key}: expected text, got {value!r}")
        values[key] = type(default)(value)
    return Settings(**values)


#: arXiv's archives: a category is one of these, or one of these, a dot and a subject class
ARXIV_ARCHIVES = frozenset("""astro-ph cond-mat cs econ eess gr-qc hep-ex hep-lat hep-ph hep-th math math-ph nlin
nucl-ex nucl-th physics q-bio q-fin quant-ph stat""".split())


def sources_from(value: object, path: Path) -> Sources:
    """``extra.paperfeed.sources``: ``huggingface: {enabled: …}`` and ``arxiv: {categories: […], …}``."""
    where = f"{path}: extra.paperfeed.sources"
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping of sources (huggingface, arxiv), got {value!r}")
    unknown = set(value) - {"huggingface", "arxiv"}
    if unknown:
        raise ConfigError(f"{where}.{sorted(map(str, unknown))[0]}: unknown source (known: huggingface, arxiv)")
    hf = _source_block(value.get("huggingface"), f"{where}.huggingface", {"enabled"})
    arxiv = _source_block(value.get("arxiv"), f"{where}.arxiv",
                          {"enabled", "categories", "include", "exclude", "cross_lists"})
    found = None
    if arxiv is not None and arxiv.get("enabled", True):
        categories = _names(arxiv.get("categories"), f"{where}.arxiv.categories")
        if not categories:
            raise ConfigError(f"{where}.arxiv.categories: name at least one arXiv category, such as cs.RO")
        for i, name in enumerate(categories):
            if not CATEGORY.fullmatch(name) or name.split(".")[0] not in ARXIV_ARCHIVES:
                raise ConfigError(f"{where}.arxiv.categories[{i}]: {name!r} is not an arXiv category (cs.RO, "
                                  "astro-ph.GA, econ.EM)")
        cross = arxiv.get("cross_lists", True)
        if not isinstance(cross, bool):
            raise ConfigError(f"{where}.arxiv.cross_lists: expected true or false, got {cross!r}")
        found = ArxivSource(categories, _names(arxiv.get("include"), f"{where}.arxiv.include"),
                            _names(arxiv.get("exclude"), f"{where}.arxiv.exclude"), cross)
    enabled = True if hf is None else hf.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}.huggingface.enabled: expected true or false, got {enabled!r}")
    return Sources(huggingface=enabled, arxiv=found)


def _source_block(value: object, where: str, keys: set[str]) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping, got {value!r}")
    unknown = sorted(map(str, set(value) - keys))
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (known: {', '.join(sorted(keys))})")
    if "enabled" in value and not isinstance(value["enabled"], bool):
        raise ConfigError(f"{where}.enabled: expected true or false, got {value['enabled']!r}")
    return value


def _names(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of words or phrases, got {value!r}")
    return tuple(v.strip() for v in value)
