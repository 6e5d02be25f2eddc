"""The word table: how many papers use each term, and where each stands among topics.

Related papers weigh a paper's terms by how rare they are (idf) and place the paper
in a "topic space" (latent semantic analysis: the 256 strongest directions of a
singular value decomposition of the terms of a reference corpus), where "LiDAR" and
"point cloud" lie close although they share no word. Both come from this table, made
once from a corpus (``scripts/word_table.py``; paperfeed's own is 8,507 Hugging Face
papers) and never from the archive being built: so a paper's terms and place depend
on the paper alone, and a daily build never recomputes older papers.

The file is text, one term a line: ``term<TAB>papers[<TAB>topic]``, the topic a
base64 string of signed bytes (``DIMS`` of them, or fewer from a small corpus: the same
number for every term), given to the terms at least ``TOPIC_MIN_DF`` papers use. Lines
``*region*<TAB>number<TAB>centroid`` hold the regions of the topic space (clusters.py).
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from paperfeed.model import Paper
from paperfeed.related.terms import terms

#: A term in more than this share of papers ("model", "results") is too common to tell
#: topics apart (it still places a paper in the topic space).
COMMON = 0.1
#: Directions of the topic space: judged pairs of papers are told apart better with each
#: doubling up to 256 (more cost time and table size, and a corpus of 8,500 papers has few more).
DIMS = 256
TOPIC_MIN_DF = 10


class WordTableError(Exception):
    """The word table cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class WordTable:
    """How many of ``papers`` papers use each term, and the topic vectors of common-enough terms."""

    papers: int
    df: dict[str, int]
    topics: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    #: the centroids of the topic space's regions, one row of signed bytes each (clusters.py)
    regions: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int8), compare=False, repr=False)
    #: each term's weight once looked up (a corpus has ~10⁵ terms but ~10⁷ occurrences)
    _weights: dict[str, float | None] = field(default_factory=dict, compare=False, repr=False)
    _about: dict[str, tuple[float | None, int, float]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def digest(self) -> str:
        return hashlib.blake2b(self.dumps().encode("utf-8"), digest_size=12).hexdigest()

    @classmethod
    def default(cls) -> WordTable:
        return _default()

    @classmethod
    def load(cls, path: Path) -> WordTable:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise WordTableError(f"{path}: cannot read the word table ({exc})") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, where: str) -> WordTable:
        papers, df, topics, dims, regions = 0, {}, {}, 0, []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            term, *rest = line.split("\t")
            try:
                if not term or term != term.strip() or len(rest) not in (1, 2) or not rest[0].isdigit():
                    raise ValueError
                if term == "*papers*":
                    papers = int(rest[0])
                    continue
                if len(rest) == 2:
                    vector = np.frombuffer(base64.b64decode(rest[1], validate=True), dtype=np.int8)
                    if not 0 < len(vector) <= DIMS or len(vector) != (dims or len(vector)):
                        raise ValueError
                    dims = len(vector)
                if term == "*region*":
                    if len(rest) != 2 or int(rest[0]) != len(regions):
                        raise ValueError
                    regions.append(vector)
                    continue
                df[term] = int(rest[0])
                if len(rest) == 2:
                    topics[term] = vector.astype(np.int32)
            except ValueError:
                size = f"{dims} bytes" if dims else f"1 to {DIMS} bytes"
                raise WordTableError(f"{where}:{number}: expected 'term<TAB>papers[<TAB>topic]' with a topic of "
                                     f"{size} in base64 (as every topic of the table), or '*region*<TAB>number"
                                     f"<TAB>centroid' numbered from 0, got {line[:80]!r}") from None
        if papers < 1:
            raise WordTableError(f"{where}: no '*papers*<TAB>count' line: the table must say how many papers it counted")
        return cls(papers, df, topics, np.array(regions, dtype=np.int8).reshape(len(regions), dims))

    def dumps(self) -> str:
        head = ("# paperfeed's word table: each term (a word, or two words of a title or keyword), how many\n"
                "# papers use it and, for terms enough papers use, its place in the topic space (base64).\n"
                "# Made by scripts/word_table.py; terms fewer papers use are left out.\n"
                f"*papers*\t{self.papers}\n")
        lines = [f"*region*\t{i}\t{base64.b64encode(c.astype(np.int8).tobytes()).decode('ascii')}\n"
                 for i, c in enumerate(self.regions)]
        for term, n in sorted(self.df.items(), key=lambda kv: (-kv[1], kv[0])):
            topic = self.topics.get(term)
            code = "\t" + base64.b64encode(topic.astype(np.int8).tobytes()).decode("ascii") if topic is not None else ""
            lines.append(f"{term}\t{n}{code}\n")
        return head + "".join(lines)

    @classmethod
    def count(cls, papers: Iterable[Paper], *, least: int = 3) -> WordTable:
        """The table of a corpus: each term used by at least ``least`` papers, and the topic
        space of its terms used by at least ``TOPIC_MIN_DF`` (a few thousand papers or more).
        Its regions come from the papers' places (``paperfeed.related.count_table``)."""
        counted = [terms(p) for p in papers]
        df: Counter[str] = Counter()
        for found in counted:
            df.update(found.keys())
        table = cls(len(counted), {w: c for w, c in df.items() if c >= least})
        return cls(table.papers, table.df, _topic_space(table, counted))

    @cached_property
    def topic_rows(self) -> tuple[dict[str, int], np.ndarray]:
        """Each term with a topic and its row of one matrix of them all (one product places a paper)."""
        names = sorted(self.topics)
        dims = len(self.topics[names[0]]) if names else 0
        matrix = np.array([self.topics[t] for t in names], dtype=np.float64).reshape(len(names), dims)
        return {t: i for i, t in enumerate(names)}, matrix

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Each term's number: its line among the table's terms (a paper's features name its
        terms by number, columns of the similarity's matrix as they are)."""
        return {term: i for i, term in enumerate(self.df)}

    def about(self, term: str) -> tuple[float | None, int, float]:
        """A term's weight (``weight``), its row in ``topic_rows`` (-1: none) and its idf, in one
        lookup: what placing a paper asks of every term."""
        found = self._about.get(term)
        if found is None:
            row = self.topic_rows[0].get(term, -1)
            found = self._about[term] = (self.weight(term), row, self.idf(term) if row >= 0 else 0.0)
        return found

    def weight(self, term: str) -> float | None:
        """A term's idf, or None for a term too common or too rare to tell papers apart."""
        try:
            return self._weights[term]
        except KeyError:
            df = self.df.get(term, 0)
            found = self._weights[term] = None if not df or df > COMMON * self.papers else self.idf(term)
            return found

    def idf(self, term: str) -> float:
        return math.log((self.papers + 1) / (self.df.get(term, 0) + 0.5))


def _topic_space(table: WordTable, counted: list[Counter[str]]) -> dict[str, np.ndarray]:
    """Latent semantic analysis: the ``DIMS`` (or fewer) strongest right singular vectors of the corpus's
    tf·idf matrix, each term's coordinates scaled to signed bytes."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import svds

    vocabulary = sorted(t for t, n in table.df.items() if n >= TOPIC_MIN_DF)
    # a small corpus has fewer directions than DIMS (a fork's first papers): as many as it has
    dims = min(DIMS, len(counted) - 1, len(vocabulary) - 1)
    if dims < 2:
        return {}
    column = {t: j for j, t in enumerate(vocabulary)}
    rows, cols, data = [], [], []
    for i, found in enumerate(counted):
        weights = {column[t]: (1 + math.log(n)) * table.idf(t) for t, n in found.items() if t in column}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for j, w in sorted(weights.items()):
            rows.append(i)
            cols.append(j)
            data.append(w / norm)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(counted), len(vocabulary)))
    # a fixed start vector: the same corpus always gives the same space
    _, _, vt = svds(matrix, k=dims, v0=np.full(min(matrix.shape), 1 / math.sqrt(min(matrix.shape))))
    vt = vt[::-1] * np.where(vt[::-1].sum(axis=1, keepdims=True) < 0, -1, 1)  # strongest first, signs fixed
    scaled = np.round(vt.T / np.abs(vt).max() * 127).astype(np.int32)
    return {term: scaled[j] for term, j in column.items() if scaled[j].any()}


_DEFAULT: list[WordTable] = []


def _default() -> WordTable:
    if not _DEFAULT:  # parsed once per process: 16,000 lines
        text = resources.files("paperfeed.related").joinpath("words.tsv").read_text("utf-8")
        _DEFAULT.append(WordTable.parse(text, "words.tsv"))
    return _DEFAULT[0]
