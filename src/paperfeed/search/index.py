"""Build the site's search index: papers only, split so a query loads a few small files.

The browser (``overrides/assets/paperfeed/search-index.js``) reads, for a query:

``search/index.bin``
    the manifest (JSON): paper count, the first word of every shard, the tags and
    years to filter by, the stopwords and the scoring constants.
``search/t/<hash>.bin``
    shards of the inverted index, cut by word order at about ``SHARD_BYTES``
    (a word whose postings are larger gets a shard of its own). A query word
    loads the one shard that can hold it. Named by content, so a shard that
    did not change keeps its name and the browser's cached copy.
``search/f/tag-<slug>.bin``, ``search/f/year-<yyyy>.bin``, ``search/f/cat-<category>.bin``
    the papers of one tag, year or arXiv category, loaded only to filter by it.
``search/d/<n // 10>.bin``
    what a result shows (JSON: title, authors, day, tags and a snippet), ten papers a
    file: a page of ten results fetches at most ten small files, and the site
    holds a tenth as many files (writing files is most of a build's time).

Papers are numbered oldest first by (first featured day, id), so a day's new
papers append. Each posting holds a paper's BM25F impact for the word, computed
from the paper alone (fixed average field lengths, no collection statistics),
so adding papers never changes another paper's postings; the browser weighs
words by their document frequency, which it reads from the shard.

A shard is a run of records, each a word and its postings:
``varint(len) utf8 varint(df) varint(gap)*df byte(impact)*df``, where gap is the
paper number minus the previous one (the first counts from -1) and the impact
byte's high bit says the word is in the title. Filter files are runs of gaps.
Every file is stored deflated (zlib's format, which the browser's
``DecompressionStream("deflate")`` reads), so a reader gets about half the bytes
whatever the host compresses (GitHub Pages leaves ``.bin`` files as they are;
other static hosts compress nothing): in a shard, the gaps and the impacts are
kept apart because each packs tighter alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from paperfeed.model import Paper
from paperfeed.search.bundles import Bundles
from paperfeed.search.bundles import key_of as bundle_key
from paperfeed.search.postings import Words, records, varints
from paperfeed.search.tokens import STOPWORDS, author_token, short_words, words

ROOT = "search"
MANIFEST = f"{ROOT}/index.bin"
FORMAT = 2
SHARD_BYTES = 16_000
SNIPPET = 160
#: Papers per result file (``search/d/``).
BUNDLE = 10
K1 = 1.2
IMPACT_MAX = K1 + 1
#: Added per query word found in a title: more than any impact, so title matches rank first.
TITLE_BONUS = 2.5
TITLE_BIT = 0x80
#: What is indexed of one paper, whatever it holds (pages/render.py cuts its texts): no
#: query looks for a 41-letter word, and each word ends up in the manifest's shard list.
MAX_WORD = 40
AUTHORS_INDEXED = 100
NOTES_INDEXED = 20_000
THREADS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Field:
    name: str
    weight: float
    #: BM25's length normalisation (0: none), against a fixed average length in words
    b: float
    average: float


#: Averages measured on the real corpus (8,507 papers): titles 8.5 words, abstracts 143.
FIELDS = (Field("title", 6.0, 0.3, 8.5), Field("authors", 3.0, 0.0, 20.0), Field("tags", 1.0, 0.0, 3.0),
          Field("abstract", 1.0, 0.75, 143.0), Field("notes", 1.0, 0.75, 100.0))


@dataclass(frozen=True)
class Doc:
    """One paper as search sees it: the text of each field, and what a result shows."""

    paper: Paper
    url: str
    #: the title as the page shows it (math as its symbols), for the result list
    title: str
    tags: tuple[str, ...]
    tag_names: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        day = self.paper.published or (min(self.paper.featured) if self.paper.featured else None)
        return day.year if day else None

    def fields(self) -> tuple[str, ...]:
        p = self.paper
        return (p.title, " ".join(p.authors[:AUTHORS_INDEXED]), " ".join(self.tag_names), p.abstract,
                "\n".join(self.notes)[:NOTES_INDEXED])


def impacts(doc: Doc) -> dict[str, int]:
    """Each word of ``doc`` with its quantized BM25F impact (and the title bit)."""
    weighted: dict[str, float] = {}
    title: set[str] = set()
    for field, text in zip(FIELDS, doc.fields(), strict=True):
        if not text:
            continue
        found = [w for w in words(text) if len(w) <= MAX_WORD]
        norm = field.weight / (1 - field.b + field.b * len(found) / field.average)
        if field.name == "title":  # a title's one-letter words too, for queries such as μ_0
            found = found + short_words(text)
            title.update(found)
        for word, tf in Counter(found).items():
            weighted[word] = weighted.get(word, 0.0) + tf * norm
    # impact / IMPACT_MAX = tf / (tf + K1), in (0, 1): 1..127 in the low seven bits
    out = {word: (int(127 * tf / (tf + K1) + 0.5) or 1) | (TITLE_BIT if word in title else 0)
           for word, tf in weighted.items()}
    # each author's whole name, for author:"…" (a filter: its impact is never scored)
    out.update((token, 1) for token in map(author_token, doc.paper.authors[:AUTHORS_INDEXED]) if len(token) > 1)
    return out


def packed(doc: Doc) -> list[str]:
    """``impacts(doc)`` as a build cache keeps it: the words, a line each, and their impacts
    in hex, in the same order. Two strings decode in microseconds and take a tenth of the
    memory of a mapping of 150 words (at 100,000 papers, a gigabyte less)."""
    found = impacts(doc)
    return ["\n".join(found), bytes(found.values()).hex()]


def unpacked(value: object) -> tuple[list[str], bytes]:
    """The words and impacts of a ``packed`` value; ValueError unless it has its shape (text,
    one impact of 1 to 255 for each of distinct words): a build cache is data, not trusted."""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], str)):
        raise ValueError("not a pair of strings")
    value[0].encode("utf-8")  # a lone surrogate (JSON can carry one) is no word: UnicodeEncodeError
    found = value[0].split("\n") if value[0] else []
    weights = bytes.fromhex(value[1])
    if len(weights) != len(found) or 0 in weights or "" in found or len(set(found)) != len(found):
        raise ValueError("not one impact for each of distinct words")
    return found, weights


def _gaps(numbers: Sequence[int]) -> bytes:
    """A filter file: the gaps between the paper numbers (the first counts from -1), as varints."""
    return varints(np.diff(np.asarray(numbers, dtype=np.int64), prepend=-1))[0].tobytes()


def deflated(data: bytes) -> bytes:
    """A file's stored bytes (the same for the same ``data``: level and format fixed; level 9 packs 0.1% tighter and takes twice as long)."""
    return zlib.compress(data, 6)


def _json(value: object) -> bytes:
    return deflated(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _name(data: bytes) -> str:
    # the format is named too: a browser must never take a cached shard of another format for this one
    return hashlib.blake2b(data, digest_size=6, salt=f"paperfeed{FORMAT}".encode()).hexdigest()


def fragment(doc: Doc) -> dict[str, object]:
    """What a result shows of ``doc``."""
    p = doc.paper
    authors = p.authors[:3] + ([f"+{len(p.authors) - 3}"] if len(p.authors) > 3 else [])
    text = p.ai_summary or p.abstract
    snippet = text if len(text) <= SNIPPET else text[:SNIPPET].rsplit(" ", 1)[0] + " …"
    day = min(p.featured) if p.featured else p.published
    return {"u": doc.url, "t": doc.title, "a": ", ".join(authors), "d": day.isoformat() if day else "",
            "g": list(doc.tags), "s": snippet}


def order(docs: Iterable[Doc]) -> list[Doc]:
    """Paper numbers: oldest first, so a day's new papers take the next numbers."""
    def key(doc: Doc) -> tuple:
        p = doc.paper
        first = min(p.featured) if p.featured else p.published
        return (first.toordinal() if first else 0, p.id)
    return sorted(docs, key=key)


def build(ordered: Sequence[Doc], tags: Sequence[tuple[str, str]], *, words: Words,
          bundles: Bundles | None = None) -> dict[str, str | bytes]:
    """Every file of the search index, keyed by its path in the site. ``ordered`` are the
    papers in index order (``order``), ``words`` their words (``words.gather``); ``tags``
    is (slug, name) in the order the filter lists them. With ``bundles``, a result file
    whose papers are unchanged is read back instead of made (search/bundles.py)."""
    by_tag: dict[str, list[int]] = defaultdict(list)
    by_year: dict[int, list[int]] = defaultdict(list)
    by_category: dict[str, list[int]] = defaultdict(list)
    files: dict[str, str | bytes] = {}
    for number, doc in enumerate(ordered):
        for slug in doc.tags:
            by_tag[slug].append(number)
        if doc.year:
            by_year[doc.year].append(number)
        for category in doc.paper.categories:
            by_category[category].append(number)

    for start in range(0, len(ordered), BUNDLE):
        path, chunk = f"{ROOT}/d/{start // BUNDLE}.bin", ordered[start:start + BUNDLE]
        keys = [key for _, key in words.papers[start:start + BUNDLE]]
        if bundles is None or not all(keys):  # words computed without keys: nothing to know them by
            files[path] = _json([fragment(doc) for doc in chunk])
            continue
        key = bundle_key(zip((doc.url for doc in chunk), keys))
        data = bundles.read_back(path, key) or _json([fragment(doc) for doc in chunk])
        bundles.made_now(path, key, data)
        files[path] = data

    in_order, buffer, ends = records(words.vocabulary, words.ids, words.weights, words.counts)
    cuts: list[tuple[int, int, int]] = []  # each shard's first word, and where its bytes start and end
    first = start = 0
    for i, end in enumerate(ends):
        if i > first and end - start > SHARD_BYTES:  # a record of its own when it alone is larger
            cuts.append((first, start, ends[i - 1]))
            first, start = i, ends[i - 1]
    if ends:
        cuts.append((first, start, ends[-1]))
    raw = [buffer[a:b].tobytes() for _, a, b in cuts]
    shards = [[in_order[first], _name(data)] for (first, _, _), data in zip(cuts, raw, strict=True)]
    # zlib lets go of the GIL: shards are deflated on every core
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for (_, name), stored in zip(shards, pool.map(deflated, raw, chunksize=64), strict=True):
            files[f"{ROOT}/t/{name}.bin"] = stored

    for prefix, groups in (("tag", by_tag), ("year", by_year), ("cat", by_category)):
        for key, numbers in groups.items():
            files[f"{ROOT}/f/{prefix}-{key}.bin"] = deflated(_gaps(numbers))

    # result and filter files keep their names while what they hold changes (a title, a retagging):
    # the browser asks for them with this version, a digest of every file, so it never mixes two builds'
    version = hashlib.blake2b(digest_size=6)
    for path in sorted(files):
        data = files[path]
        version.update(path.encode() + b"\0" + (data if isinstance(data, bytes) else data.encode()))
    manifest = {
        "format": FORMAT, "version": version.hexdigest(), "docs": len(ordered), "bundle": BUNDLE,
        "scoring": {"impact_max": IMPACT_MAX, "title_bonus": TITLE_BONUS, "title_bit": TITLE_BIT},
        "stopwords": sorted(STOPWORDS),
        "tags": [[slug, name, len(by_tag[slug])] for slug, name in tags if by_tag.get(slug)],
        "years": [[year, len(by_year[year])] for year in sorted(by_year, reverse=True)],
        # the most common first; a category of a few papers is still a filter of its own
        "categories": [[c, len(by_category[c])] for c in sorted(by_category, key=lambda c: (-len(by_category[c]), c))],
        "shards": shards,
    }
    files[MANIFEST] = _json(manifest)
    return files
