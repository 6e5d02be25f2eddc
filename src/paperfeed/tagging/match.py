"""Finding a taxonomy's phrases in a paper, and weighing what was found.

A text is split once into lowercase words (hyphens split too, so "vision
language" finds "vision-language"), plurals folded by the search's own
S-stemmer. Phrases are found by their first word in a dict, so a paper costs a
dict lookup per word, not a scan per phrase: tagging 100,000 papers takes
seconds. At each place the longest phrase of a tag wins: an ``exclude`` phrase
("feature alignment") hides the match inside it, and "large language model"
counts once, not again as "language model".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from paperfeed.tagging.rules import _FOLDED, GAP, Evidence, Tag, fold

#: the most words a "..." in a phrase stands for
GAP_WORDS = 8

_WORD = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*")


def words(text: str) -> list[str]:
    raw = _WORD.findall(text.lower())
    try:  # every word was seen before (nearly always): one pass in C
        return list(map(_FOLDED.__getitem__, raw))
    except KeyError:
        return [fold(w) for w in raw]


@dataclass
class Found:
    """What one field gave one tag: the weighted count of mentions, and the phrases."""

    count: float = 0.0
    #: each mention: the phrase and its weight (1, or 0.5 for a weak phrase, 2 for a strong one)
    phrases: list[tuple[str, float]] = field(default_factory=list)


#: a phrase as the matcher holds it: its words, its tag's index, its weight, and its words as a
#: list when they are plain (compared in one step), else None (a wildcard or a gap)
Candidate = tuple[tuple[str, ...], int, float, "list[str] | None"]


class Matcher:
    """Every phrase of every tag, indexed by its first two words (phrases of plain words), or by
    its first word (one word, a wildcard or a gap)."""

    def __init__(self, tags: list[Tag], *, title: bool = False) -> None:
        """The phrases of ``tags``; with ``title``, those that count only in titles too."""
        self.pairs: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        self.first: dict[str, list[Candidate]] = defaultdict(list)
        #: phrases whose first word is a prefix ("grasp*") or a suffix ("*bench"): tried on every new word
        self.wild: list[Candidate] = []
        for index, tag in enumerate(tags):
            phrases = {**{p: 1.0 for p in tag.title_phrases}, **tag.phrases} if title else tag.phrases
            for phrase, weight in phrases.items():
                plain = None if any("*" in w or w == GAP for w in phrase) else list(phrase)
                candidate = (phrase, index, weight, plain)
                if "*" in phrase[0]:
                    self.wild.append(candidate)
                elif plain is not None and len(phrase) > 1:
                    self.pairs[(phrase[0], phrase[1])].append(candidate)
                else:
                    self.first[phrase[0]].append(candidate)
        for group in (*self.pairs.values(), *self.first.values()):
            group.sort(key=lambda c: -len(c[0]))  # the longest first: it wins its place
        self.starting = {first for first, _ in self.pairs} | set(self.first)
        #: each word seen → the phrases of one word, a wildcard or a gap that may start at it, and
        #: whether any phrase may (a corpus has about 10⁵ distinct words in 10⁸ uses)
        self._starts: dict[str, list[Candidate] | None] = {}

    def starts(self, token: str) -> list[Candidate] | None:
        """The single-word, wildcard and gapped phrases that may start at ``token``; None when no
        phrase of any kind can."""
        if token in self._starts:
            return self._starts[token]
        found = [*self.first.get(token, ()), *(c for c in self.wild if _word(token, c[0][0]))]
        found.sort(key=lambda c: -len(c[0]))
        result = found if found or token in self.starting else None
        self._starts[token] = result
        return result

    def find(self, tokens: list[str | None]) -> dict[int, Found]:
        """Per tag index, what ``tokens`` mention (``None`` separates keywords: no phrase spans one)."""
        found: dict[int, Found] = {}
        blocked: dict[int, int] = {}  # a tag's next free place after a match or an excluded span
        starts, pairs = self._starts, self.pairs
        for token in set(tokens).difference(starts):  # words never seen: what may start at them
            if token is not None:
                self.starts(token)
        get = starts.get
        last = len(tokens) - 1
        for i in [i for i, token in enumerate(tokens) if get(token) is not None]:  # type: ignore[arg-type]
            token = tokens[i]
            candidates = starts[token]  # type: ignore[index]
            if i < last and (two := pairs.get((token, tokens[i + 1]))):  # type: ignore[arg-type]
                candidates = [*two, *candidates]  # type: ignore[misc]
            if not candidates:
                continue
            taken: set[int] = set()
            for phrase, tag, weight, plain in candidates:
                if tag in taken or blocked.get(tag, 0) > i:
                    continue
                size = len(phrase)
                if plain is not None:
                    if size > 2 and tokens[i:i + size] != plain:
                        continue
                    end = i + size
                else:
                    end = _match_end(tokens, i, phrase)
                    if end < 0:
                        continue
                taken.add(tag)
                blocked[tag] = end
                if weight:
                    hit = found.setdefault(tag, Found())
                    hit.count += weight
                    hit.phrases.append((" ".join(phrase), weight))
        return found


def _match_end(tokens: list[str | None], i: int, phrase: tuple[str, ...]) -> int:
    """Where ``phrase`` found at ``i`` ends (its first word is known to fit), or -1."""
    at = i
    k = 0
    while k < len(phrase):
        word = phrase[k]
        if word == GAP:  # the next word, within GAP_WORDS words
            following = phrase[k + 1]
            for skip in range(GAP_WORDS + 1):
                if at + skip < len(tokens) and tokens[at + skip] is not None and _word(tokens[at + skip], following):
                    at += skip + 1
                    break
                if at + skip >= len(tokens) or tokens[at + skip] is None:
                    return -1
            else:
                return -1
            k += 2
            continue
        if at >= len(tokens) or tokens[at] is None or not _word(tokens[at], word):
            return -1
        at += 1
        k += 1
    return at


def _word(token: str, word: str) -> bool:
    """``token`` is ``word``, or starts with it (``grasp*``), or ends with it (``*bench``)."""
    if word.endswith("*"):
        return token.startswith(word[:-1])
    if word.startswith("*"):
        return token.endswith(word[1:]) and len(token) > len(word) - 1
    return token == word


def score(evidence: Evidence, by_place: dict[str, Found], tag: Tag, categories: bool) -> float:
    """A tag's evidence: the title and the abstract's first sentence once, keywords and the rest
    of the abstract up to their caps."""
    caps = {"title": 1.0, "keywords": float(evidence.keyword_mentions), "lead": 1.0,
            "abstract": float(evidence.mentions)}
    total = sum(getattr(evidence, place) * min(hit.count, caps[place])
                for place, hit in by_place.items() if (place if place != "lead" else "abstract") in tag.fields)
    return total + (evidence.categories if categories else 0.0)
