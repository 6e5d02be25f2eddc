"""A paper as related-papers sees it: its telling terms, weighed, and its authors.

A term is a word, or a pair of words of the title or a keyword ("world model").
Its weight is tf·idf: how often the paper uses it (in the title three times, in a
keyword twice) against how many papers use it at all. That count comes from a
fixed word table (``words.tsv``, made by ``scripts/word_table.py``), not from the
archive being built: so a paper's vector depends on the paper alone, and a new
day changes no older paper's vector, which is what lets a daily build compute only
the new papers' neighbours (see nearest.py). Terms in more than ``COMMON`` of
papers ("model", "results") say little about a topic, and terms the table does not
hold (fewer than three papers used them) cannot match enough papers to help: both
are left out. Of the rest, a paper keeps its ``TOP`` heaviest, scaled to whole
numbers so sums are exact and the same in a clean and an incremental build.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from paperfeed.model import Paper
from paperfeed.search.tokens import normalize, words

#: Words kept of one paper: its twenty heaviest describe it; more cost time and add noise.
TOP = 20
#: A word in more than this share of papers is too common to tell topics apart.
COMMON = 0.05
#: Times a word counts in the title and in a keyword (once in the abstract): the title says
#: what a paper is about.
TITLE, KEYWORD = 3, 2
#: A vector's length: weights are whole numbers whose squares sum to about SCALE².
SCALE = 1000
#: An author is a feature of this weight beside the words: a shared one adds 245² ≈ 60,000
#: to a pair's score, as much as a few shared telling words.
AUTHOR_WEIGHT = 245


class WordTableError(Exception):
    """The word table cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class WordTable:
    """How many of ``papers`` papers use each word."""

    papers: int
    df: dict[str, int]
    #: each word's weight once looked up (a corpus has ~10⁵ words but ~10⁷ occurrences)
    _idf: dict[str, float | None] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def digest(self) -> str:
        data = "\n".join(f"{w}\t{n}" for w, n in sorted(self.df.items()))
        return hashlib.blake2b(f"{self.papers}\n{data}".encode(), digest_size=12).hexdigest()

    @classmethod
    def default(cls) -> WordTable:
        return cls.parse(resources.files("paperfeed.related").joinpath("words.tsv").read_text("utf-8"), "words.tsv")

    @classmethod
    def load(cls, path: Path) -> WordTable:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise WordTableError(f"{path}: cannot read the word table ({exc})") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, where: str) -> WordTable:
        papers, df = 0, {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            word, _, count = line.partition("\t")
            if not count.isdigit() or not word or word != word.strip():
                raise WordTableError(f"{where}:{number}: expected 'word<TAB>count', got {line[:80]!r}")
            if word == "*papers*":
                papers = int(count)
            else:
                df[word] = int(count)
        if papers < 1:
            raise WordTableError(f"{where}: no '*papers*<TAB>count' line: the table must say how many papers it counted")
        return cls(papers, df)

    @classmethod
    def count(cls, papers: Iterable[Paper], *, least: int = 3) -> WordTable:
        """The table of an archive: each word used by at least ``least`` papers."""
        df: Counter[str] = Counter()
        n = 0
        for paper in papers:
            df.update(term_counts(paper).keys())
            n += 1
        return cls(n, {w: c for w, c in df.items() if c >= least})

    def dumps(self) -> str:
        head = ("# paperfeed's word table: how many papers use each word (related papers weigh words by it).\n"
                "# Made by scripts/word_table.py; words used by fewer papers count as rare.\n"
                f"*papers*\t{self.papers}\n")
        return head + "".join(f"{w}\t{n}\n" for w, n in sorted(self.df.items(), key=lambda kv: (-kv[1], kv[0])))

    def idf(self, word: str) -> float | None:
        """A term's weight, or None for a term too common or too rare to count."""
        try:
            return self._idf[word]
        except KeyError:
            df = self.df.get(word, 0)
            # a word the table never saw three times cannot tell which papers are alike
            found = self._idf[word] = None if not df or df > COMMON * self.papers \
                else math.log((self.papers + 1) / (df + 0.5))
            return found


#: Words that make a title's phrasing, not its topic: no pair is made with them
#: ("... is all you need", "towards ...", "... via ...").
PAIRLESS = frozenset("""
all any beyond do does every how just make making more need new not one really secretly simple some
toward towards through using via what when where why you your
""".split())


def _pairs(found: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(found, found[1:]) if a not in PAIRLESS and b not in PAIRLESS]


def term_counts(paper: Paper) -> Counter[str]:
    """Each term of the paper with how often it counts: words, and the word pairs of its title
    and keywords ("world model", "symbolic music"), which name topics better than words."""
    counts = Counter(words(paper.abstract))  # an abstract's word counts once
    title = words(paper.title)
    for term in title + _pairs(title):
        counts[term] += TITLE
    for keyword in paper.keywords:
        found = words(keyword)
        for term in found + _pairs(found):
            counts[term] += KEYWORD
    return counts


def word_vector(paper: Paper, table: WordTable) -> list[tuple[str, int]]:
    """The paper's ``TOP`` heaviest words with their weights, heaviest first."""
    weights = {}
    known, idf_of = table._idf, table.idf
    for word, n in term_counts(paper).items():
        idf = known[word] if word in known else idf_of(word)
        if idf is not None:
            weights[word] = (1 + math.log(n)) * idf
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return [(word, max(1, round(w / norm * SCALE))) for word, w in top]


def author_key(name: str) -> str:
    """An author as similarity compares names: case, accents and spacing folded."""
    return " ".join(normalize(name).split())


_KEYS: dict[str, int] = {}


def feature_key(name: str) -> int:
    """A feature's number: 64 bits of its name's BLAKE2b, the same in every build and process
    (so a build cache can keep it). Two of the archive's ~10⁶ names share one with odds
    of about 1 in 10¹³."""
    found = _KEYS.get(name)
    if found is None:
        found = _KEYS[name] = int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(),
                                             "big", signed=True)
    return found


def features(paper: Paper, table: WordTable, *, authors: int) -> dict[str, object]:
    """What related papers compare of ``paper``, JSON-ready (a build cache keeps it): the
    numbers of its words (``word_vector``) and of its first ``authors`` authors, their
    weights, and a digest of both."""
    named = [(word, n) for word, n in word_vector(paper, table)]
    named += [("@" + a, AUTHOR_WEIGHT) for a in dict.fromkeys(author_key(a) for a in paper.authors[:authors]) if a]
    digest = hashlib.blake2b(repr(named).encode("utf-8"), digest_size=8).hexdigest()
    return {"k": [feature_key(name) for name, _ in named], "n": [n for _, n in named], "d": digest}
