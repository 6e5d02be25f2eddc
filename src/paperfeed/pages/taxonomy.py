"""Tags: a YAML taxonomy that a fork edits, applied to the whole archive at build time.

Each tag has a name, a short description, and rules: ``match`` phrases
(synonyms; matched case-insensitively on word boundaries, in the title, the
abstract and the source keywords, or only in the ``fields`` named) and
``exclude`` phrases that veto it. Tags written by hand in a paper's front
matter (``tags:``) always apply.

Matching works on words, not regular expressions: a text is split once into
lowercase words (hyphens split too, so "vision language" matches
"vision-language") and every phrase is a word sequence looked up in a dict.
That keeps tagging 100,000 papers a matter of seconds.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from slugify import slugify

from paperfeed.model import Paper


class TaxonomyError(Exception):
    """The taxonomy file is unreadable or breaks its rules; names the file and tag."""


FIELDS = ("title", "abstract", "keywords")
_WORD = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*")
MAX_WORDS = 5


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    description: str
    match: frozenset[tuple[str, ...]]
    exclude: frozenset[tuple[str, ...]]
    fields: tuple[str, ...] = FIELDS


def _phrases(path: Path, slug: str, key: str, value: object) -> frozenset[tuple[str, ...]]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{path}: tag {slug!r}: {key} must be a list of phrases")
    phrases = set()
    for v in value:
        phrase = tuple(words(v))
        if not phrase or len(phrase) > MAX_WORDS:
            raise TaxonomyError(f"{path}: tag {slug!r}: {key} phrase {v!r} must have 1 to {MAX_WORDS} words")
        phrases.add(phrase)
    return frozenset(phrases)


def _grams(text: str, longest: int) -> set[tuple[str, ...]]:
    """Every run of 1 to ``longest`` consecutive words in ``text``."""
    tokens = words(text)
    return {tuple(tokens[i:i + n]) for n in range(1, longest + 1) for i in range(len(tokens) - n + 1)}


class Taxonomy:
    """The tags of a site, in the taxonomy file's order."""

    def __init__(self, tags: list[Tag]) -> None:
        self.tags = tags
        self.by_slug = {t.slug: t for t in tags}
        self.longest = max((len(p) for t in tags for p in t.match | t.exclude), default=1)

    @classmethod
    def load(cls, path: Path) -> Taxonomy:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise TaxonomyError(f"{path}: cannot read ({exc.strerror})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise TaxonomyError(f"{path}:{mark.line + 1 if mark else 1}: invalid YAML") from None
        entries = (data or {}).get("tags") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            raise TaxonomyError(f"{path}: expected a 'tags:' mapping of tag slug to its rules")
        tags = []
        for key, rules in entries.items():
            slug = slugify(str(key))
            if slug != str(key):
                raise TaxonomyError(f"{path}: tag {key!r}: use a lowercase slug such as {slug!r} as the key")
            if not isinstance(rules, dict) or not isinstance(rules.get("name"), str):
                raise TaxonomyError(f"{path}: tag {slug!r}: needs at least a 'name'")
            unknown = set(rules) - {"name", "description", "match", "exclude", "fields"}
            if unknown:
                raise TaxonomyError(f"{path}: tag {slug!r}: unknown key {sorted(unknown)[0]!r}")
            fields = rules.get("fields", list(FIELDS))
            if not isinstance(fields, list) or not fields or not set(fields) <= set(FIELDS):
                raise TaxonomyError(f"{path}: tag {slug!r}: fields must be a list of {', '.join(FIELDS)}")
            tags.append(Tag(slug, rules["name"], str(rules.get("description") or ""),
                            _phrases(path, slug, "match", rules.get("match")),
                            _phrases(path, slug, "exclude", rules.get("exclude")),
                            tuple(f for f in FIELDS if f in fields)))
        return cls(tags)

    def tags_for(self, paper: Paper) -> list[str]:
        """The slugs of ``paper``'s tags: computed ones in taxonomy order, then hand-added ones."""
        n = self.longest
        grams = {"title": _grams(paper.title, n), "abstract": _grams(paper.abstract, n),
                 "keywords": _grams(" ; ".join(paper.keywords), n)}
        every = grams["title"] | grams["abstract"] | grams["keywords"]
        found = []
        for tag in self.tags:
            seen = every if tag.fields == FIELDS else set().union(*(grams[f] for f in tag.fields))
            if not tag.match.isdisjoint(seen) and tag.exclude.isdisjoint(every):
                found.append(tag.slug)
        for tag in hand_tags(paper):
            if tag not in found:
                found.append(tag)
        return found

    def name(self, slug: str) -> str:
        tag = self.by_slug.get(slug)
        return tag.name if tag else slug.replace("-", " ")

    def description(self, slug: str) -> str:
        tag = self.by_slug.get(slug)
        return tag.description if tag else ""


def hand_tags(paper: Paper) -> list[str]:
    """Tags written by hand in the front matter, as slugs."""
    raw = paper.extra.get("tags") or []
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return [slugify(str(v)) for v in values if slugify(str(v))]


def stats(taxonomy: Taxonomy, papers: list[Paper]) -> tuple[int, Counter[str]]:
    """How many papers got at least one tag, and how many papers each tag has."""
    counts: Counter[str] = Counter()
    tagged = 0
    for paper in papers:
        tags = taxonomy.tags_for(paper)
        tagged += bool(tags)
        counts.update(tags)
    return tagged, counts
