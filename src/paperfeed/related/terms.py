"""A paper's terms: the words of its title, keywords, AI summary and abstract, and the word
pairs of its title and keywords ("world model", "symbolic music"), which name topics better
than words. Words are the search's own (search/tokens.py): lower case, accents and
plurals folded, stopwords dropped."""

from __future__ import annotations

from collections import Counter

from paperfeed.model import Paper
from paperfeed.search.tokens import words

#: Times a term counts in the title, in a keyword and in the AI summary (once in the
#: abstract): the title says what a paper is about, and the summary its one contribution.
TITLE, KEYWORD, SUMMARY = 3, 2, 2

#: Words that make a title's phrasing, not its topic: no pair is made with them
#: ("... is all you need", "towards ...", "... via ...").
PAIRLESS = frozenset("""
all any beyond do does every how just make making more need new not one really secretly simple some
toward towards through using via what when where why you your
""".split())
#: Halves of hyphenated words ("pre-training"): "pre training" is a term, "language pre" is not.
PREFIXES = frozenset("anti co cross multi non post pre re self semi sub".split())


def _pairs(found: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(found, found[1:])
            if a not in PAIRLESS and b not in PAIRLESS and b not in PREFIXES]


def terms(paper: Paper) -> Counter[str]:
    """Each term of the paper with how often it counts."""
    counts = Counter(words(paper.abstract))
    for term in words(paper.ai_summary or ""):
        counts[term] += SUMMARY
    title = words(paper.title)
    for term in title + _pairs(title):
        counts[term] += TITLE
    for keyword in paper.keywords:
        found = words(keyword)
        for term in found + _pairs(found):
            counts[term] += KEYWORD
    return counts
