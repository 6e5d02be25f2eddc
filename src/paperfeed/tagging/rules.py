"""The taxonomy a fork edits (``taxonomy.yml``), read into rules: no code, no training step.

Each tag has a name, a description and its evidence:

``strong``
    phrases that settle it ("we introduce ... benchmark"): each counts double.
``match``
    phrases that name the tag's subject ("reinforcement learning", "RLHF"), matched
    case-insensitively on whole words, a hyphen or a space between words alike,
    plurals folded ("agents" finds "agent"), a trailing ``*`` a prefix ("grasp*"),
    a leading one a suffix ("*bench" finds "MMBench").
    ``...`` between words allows up to eight words between them.
``weak``
    phrases that only hint at it ("reward"): each counts half.
``title``
    phrases that name the subject in a title but are too common elsewhere to count there
    ("benchmark": every abstract reports one).
``exclude``
    phrases in which a match does not count ("feature alignment" for *alignment*): the
    longest phrase at a place wins, so "alignment" elsewhere still counts.
``fields``
    where to look (title, keywords, abstract; all by default).
``categories``
    arXiv categories (``cs.RO``) that are evidence, when a paper has them.
``implies``
    tags that follow (manipulation → robotics).
``unless``
    tags that keep this one off when they apply, unless the title names this one too:
    a vision-language model uses a language model, and is not an LLM paper for that.
``threshold``
    how much evidence the tag needs (the taxonomy's ``evidence.threshold`` by default).

How much each place counts is the taxonomy's ``evidence`` block: a title mention is
strong, the source's keywords next, one passing mention in an abstract weak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from slugify import slugify

from paperfeed.search.tokens import stem


class TaxonomyError(Exception):
    """The taxonomy file is unreadable or breaks its rules; names the file and tag."""


FIELDS = ("title", "keywords", "abstract")
#: where a mention is: the fields, with the abstract's opening sentence apart (it names the field)
PLACES = ("title", "keywords", "lead", "abstract")
#: "we introduce ... benchmark": up to eight words between
GAP = "..."
MAX_WORDS = 6
_WORD = re.compile(r"\*?[^\W_]+(?:[.'][^\W_]+)*\*?")
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[A-Za-z]+)?)?", re.ASCII)


@dataclass(frozen=True)
class Evidence:
    """How much a mention counts, by where it is, and how much a tag needs."""

    title: float = 3.0
    keywords: float = 2.0
    #: a mention in the abstract's first sentence (once), which says what field the paper is in
    lead: float = 2.0
    abstract: float = 1.0
    #: abstract mentions counted at most (a fifth mention says no more than the third)
    mentions: int = 3
    #: keywords counted at most
    keyword_mentions: int = 2
    categories: float = 3.0
    threshold: float = 3.0


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    description: str
    #: phrase (a tuple of words, the last may end in "*") → its weight: 2 for strong, 1 for
    #: match, 0.5 for weak, 0 for exclude
    phrases: dict[tuple[str, ...], float] = field(default_factory=dict)
    #: phrases that count only in a title (weight 1)
    title_phrases: frozenset[tuple[str, ...]] = frozenset()
    fields: tuple[str, ...] = FIELDS
    categories: frozenset[str] = frozenset()
    implies: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    threshold: float | None = None


_FOLDED: dict[str, str] = {}


def fold(word: str) -> str:
    """A word with its plural folded ("agents" → "agent", "policies" → "policy"): the one
    folding rule, for phrases here and for a paper's text in match.py."""
    found = _FOLDED.get(word)
    if found is None:
        found = _FOLDED[word] = stem(word)
    return found


def phrase_words(text: str) -> tuple[str, ...]:
    """A phrase as the matcher reads it: lowercase words, plurals folded; ``*`` kept."""
    out: list[str] = []
    for k, part in enumerate(text.lower().split("...")):
        if k:
            out.append(GAP)
        out += [w if "*" in w else fold(w) for w in _WORD.findall(part)]
    return tuple(out)


def parse_phrases(path: Path, slug: str, key: str, value: object) -> list[tuple[str, ...]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{path}: tag {slug!r}: {key} must be a list of phrases")
    out = []
    for v in value:
        phrase = phrase_words(v)
        inner = [w for k, w in enumerate(phrase) if "*" in w and not (
            (k == len(phrase) - 1 and w.endswith("*")) or (k == 0 and w.startswith("*")))]
        gaps = [k for k, w in enumerate(phrase) if w == GAP]
        if gaps and (gaps[0] == 0 or gaps[-1] == len(phrase) - 1 or any(b - a == 1 for a, b in zip(gaps, gaps[1:]))):
            raise TaxonomyError(f"{path}: tag {slug!r}: {key} phrase {v!r}: '...' goes between two words")
        if not phrase or len(phrase) - len(gaps) > MAX_WORDS or inner or any(
                w != GAP and (w.strip("*") == "" or w.count("*") > 1) for w in phrase):
            raise TaxonomyError(f"{path}: tag {slug!r}: {key} phrase {v!r} must have 1 to {MAX_WORDS} words "
                                "(a '*' only at the end of the last word, or the start of the first)")
        out.append(phrase)
    return out


def _number(path: Path, where: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise TaxonomyError(f"{path}: {where} must be a number from 0 to 100, got {value!r}")
    return float(value)


def load(path: Path) -> tuple[list[Tag], Evidence]:
    """The tags of ``path`` in its order, and its evidence weights."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid"
        raise TaxonomyError(f"{path}:{mark.line + 1 if mark else 1}: invalid YAML ({problem}; a phrase starting "
                            "with * must be quoted: \"*bench\")") from None
    entries = (data or {}).get("tags") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise TaxonomyError(f"{path}: expected a 'tags:' mapping of tag slug to its rules")
    weights = data.get("evidence") or {}
    if not isinstance(weights, dict) or set(weights) - set(Evidence.__dataclass_fields__):
        known = ", ".join(Evidence.__dataclass_fields__)
        raise TaxonomyError(f"{path}: evidence must be a mapping of {known}")
    evidence = Evidence(**{k: _number(path, f"evidence.{k}", v) for k, v in weights.items()})
    tags = []
    for key, rules in entries.items():
        slug = slugify(str(key))
        if slug != str(key):
            raise TaxonomyError(f"{path}: tag {key!r}: use a lowercase slug such as {slug!r} as the key")
        if not isinstance(rules, dict) or not isinstance(rules.get("name"), str):
            raise TaxonomyError(f"{path}: tag {slug!r}: needs at least a 'name'")
        unknown = set(rules) - {"name", "description", "strong", "match", "weak", "title", "exclude", "fields",
                                "categories", "implies", "unless", "threshold"}
        if unknown:
            raise TaxonomyError(f"{path}: tag {slug!r}: unknown key {sorted(unknown)[0]!r}")
        fields = rules.get("fields", list(FIELDS))
        if not isinstance(fields, list) or not fields or not set(fields) <= set(FIELDS):
            raise TaxonomyError(f"{path}: tag {slug!r}: fields must be a list of {', '.join(FIELDS)}")
        phrases: dict[tuple[str, ...], float] = {}
        for kind, weight in (("weak", 0.5), ("match", 1.0), ("strong", 2.0), ("exclude", 0.0)):
            for phrase in parse_phrases(path, slug, kind, rules.get(kind)):
                phrases[phrase] = weight
        title_phrases = frozenset(parse_phrases(path, slug, "title", rules.get("title")))
        categories = rules.get("categories") or []
        if not isinstance(categories, list) or not all(isinstance(c, str) and _CATEGORY.fullmatch(c)
                                                       for c in categories):
            raise TaxonomyError(f"{path}: tag {slug!r}: categories must be arXiv categories such as cs.RO")
        links = {}
        for key in ("implies", "unless"):
            value = rules.get(key) or []
            if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
                raise TaxonomyError(f"{path}: tag {slug!r}: {key} must be a list of tag slugs")
            links[key] = tuple(value)
        threshold = rules.get("threshold")
        tags.append(Tag(slug, rules["name"], str(rules.get("description") or ""), phrases, title_phrases,
                        tuple(f for f in FIELDS if f in fields), frozenset(categories), links["implies"],
                        links["unless"], None if threshold is None else _number(path, f"tag {slug!r}: threshold",
                                                                               threshold)))
    known = {t.slug for t in tags}
    for tag in tags:
        for key in ("implies", "unless"):
            for other in getattr(tag, key):
                if other not in known:
                    raise TaxonomyError(f"{path}: tag {tag.slug!r}: {key} {other!r}, which is not a tag here")
    return tags, evidence
