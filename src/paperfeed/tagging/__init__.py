"""Tags: a YAML taxonomy that a fork edits, applied to the whole archive at build time.

Pages, feeds and search use the same tags: :meth:`Taxonomy.tags_for`. A tag applies
when the evidence for it reaches its threshold (tagging/rules.py says how evidence
is written; tagging/match.py how it is found and weighed), then the tags it
implies, then the tags written by hand in a paper's front matter (``tags:``).
:meth:`Taxonomy.explain` says why, and tagging/evaluate.py measures a taxonomy
against papers labelled by reading.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from paperfeed.model import Paper
from paperfeed.tagging.match import Found, Matcher, score, words
from paperfeed.tagging.rules import FIELDS, PLACES, Evidence, Tag, TaxonomyError, load

__all__ = ["FIELDS", "Evidence", "Explanation", "Tag", "Taxonomy", "TaxonomyError", "hand_tags", "stats"]


@dataclass(frozen=True)
class Explanation:
    """Why a tag applies to a paper, or not."""

    slug: str
    score: float
    threshold: float
    applies: bool
    #: (place, phrase, what the mention is worth there) for every mention found; a place counts
    #: up to its cap (the title and the opening sentence once, keywords twice, the abstract three times)
    found: tuple[tuple[str, str, float], ...]
    #: the arXiv categories that counted, and the tags that implied this one
    categories: tuple[str, ...] = ()
    implied_by: tuple[str, ...] = ()
    by_hand: bool = False


class Taxonomy:
    """The tags of a site, in the taxonomy file's order."""

    def __init__(self, tags: list[Tag], evidence: Evidence | None = None) -> None:
        self.tags = tags
        self.evidence = evidence or Evidence()
        self.by_slug = {t.slug: t for t in tags}
        self.matcher = Matcher(tags)
        self.title_matcher = Matcher(tags, title=True)

    @classmethod
    def load(cls, path: Path) -> Taxonomy:
        return cls(*load(path))

    def _found(self, paper: Paper) -> dict[int, dict[str, Found]]:
        """What each field of ``paper`` says for each tag (by index)."""
        keywords: list[str | None] = []
        for keyword in paper.keywords:
            keywords += [*words(keyword), None]
        out: dict[int, dict[str, Found]] = {}
        lead, rest = _first_sentence(paper.abstract)
        for name, tokens in (("title", words(paper.title)), ("keywords", keywords), ("lead", words(lead)),
                             ("abstract", words(rest))):
            matcher = self.title_matcher if name == "title" else self.matcher
            for index, hit in matcher.find(tokens).items():
                out.setdefault(index, {})[name] = hit
        return out

    def _scores(self, paper: Paper) -> tuple[dict[int, float], dict[int, dict[str, Found]]]:
        found = self._found(paper)
        categories = set(paper.categories)
        scores = {}
        for index, tag in enumerate(self.tags):
            hit = found.get(index, {})
            counted = bool(tag.categories & categories)
            if hit or counted:
                scores[index] = score(self.evidence, hit, tag, counted)
        return scores, found

    def _threshold(self, tag: Tag) -> float:
        return self.evidence.threshold if tag.threshold is None else tag.threshold

    def _applied(self, paper: Paper) -> tuple[set[str], dict[int, float], dict[int, dict[str, Found]]]:
        """The computed tags (before implications), with the scores and findings behind them."""
        scores, found = self._scores(paper)
        applied = {self.tags[i].slug for i, s in scores.items() if s >= self._threshold(self.tags[i])}
        # a tag another one keeps off stays off, unless its own title says it
        kept_off = {self.tags[i].slug for i in scores if self.tags[i].slug in applied
                    and applied & set(self.tags[i].unless) and "title" not in found.get(i, {})}
        return applied - kept_off, scores, found

    def tags_for(self, paper: Paper) -> list[str]:
        """The slugs of ``paper``'s tags: computed ones in taxonomy order, then hand-added ones."""
        applied, _, _ = self._applied(paper)
        for slug in list(applied):
            applied.update(self.by_slug[slug].implies)
        found = [t.slug for t in self.tags if t.slug in applied]
        for tag in hand_tags(paper):
            if tag not in found:
                found.append(tag)
        return found

    def explain(self, paper: Paper) -> list[Explanation]:
        """For every tag with any evidence (and every tag that applies), why."""
        _, scores, found = self._applied(paper)
        applied = set(self.tags_for(paper))
        hand = set(hand_tags(paper))
        categories = set(paper.categories)
        out = []
        for index, tag in enumerate(self.tags):
            if index not in scores and tag.slug not in applied:
                continue
            hits = found.get(index, {})
            weight = {"title": self.evidence.title, "keywords": self.evidence.keywords,
                      "lead": self.evidence.lead, "abstract": self.evidence.abstract}
            mentions = tuple((name, phrase, weight[name] * strength) for name in PLACES if name in hits
                             for phrase, strength in hits[name].phrases
                             if (name if name != "lead" else "abstract") in tag.fields)
            implied = tuple(t.slug for t in self.tags if tag.slug in t.implies and t.slug in applied
                            and scores.get(self.tags.index(t), 0) >= self._threshold(t))
            out.append(Explanation(tag.slug, round(scores.get(index, 0.0), 2), self._threshold(tag),
                                   tag.slug in applied, mentions, tuple(sorted(tag.categories & categories)),
                                   implied, tag.slug in hand))
        for slug in sorted(hand - {t.slug for t in self.tags}):
            out.append(Explanation(slug, 0.0, 0.0, True, (), by_hand=True))
        return out

    def name(self, slug: str) -> str:
        tag = self.by_slug.get(slug)
        return tag.name if tag else slug.replace("-", " ")

    def description(self, slug: str) -> str:
        tag = self.by_slug.get(slug)
        return tag.description if tag else ""


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(\[]|$)")


def _first_sentence(abstract: str) -> tuple[str, str]:
    """The abstract's opening sentence and the rest ("e.g." and "3.5" do not end one)."""
    for m in _SENTENCE_END.finditer(abstract):
        if m.start() > 3 and abstract[m.start() - 3:m.start() + 1].lower() not in ("e.g.", "i.e.", " vs.", "et al."[-4:]):
            return abstract[:m.end()], abstract[m.end():]
    return abstract, ""


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
