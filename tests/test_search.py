"""The search index (src/paperfeed/search/): its words, its ranking data and its file format.

The browser side is tested in test_browser.py; here the index is read back with
tests/searchindex.py, an independent reader of the documented format.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from paperfeed.model import Paper
from paperfeed.pages.context import Context, Options
from paperfeed.tagging import Taxonomy
from paperfeed.search import files
from paperfeed.search.index import BUNDLE, SHARD_BYTES, TITLE_BIT, Doc, impacts, packed, unpacked
from paperfeed.search.tokens import words

from .conftest import FIXTURES, ROOT
from .searchindex import Index, inflated

HOSTILE = '<img src=x onerror=alert(1)> </script><script>alert(1)</script> "quotes" {{ config }}'


@pytest.mark.parametrize(("text", "expected"), [
    ("Diffusion Models for Video", ["diffusion", "model", "video"]),  # case, a plural, a stopword
    ("École naïve Ångström", ["ecole", "naive", "angstrom"]),  # accents go (NFKD)
    ("GPT-4o and LLaMA-3", ["gpt", "4o", "llama"]),  # punctuation splits; one-character words go
    ("policies classes analyses bus glass", ["policy", "classe", "analyse", "bus", "glass"]),  # S-stemmer
    ("$\\tau$-bench", ["tau", "bench"]),  # TeX source reads as its words
    ("the of and", []),
    ("ＦＵＬＬ　ｗｉｄｔｈ", ["full", "width"]),  # NFKD folds compatibility forms
    ("snake_case x1", ["snake", "case", "x1"]),  # the underscore separates words, as in the browser
])
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def paper(pid: str, title: str, abstract: str = "", day: dt.date = dt.date(2024, 1, 2), **kw: object) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, featured=[day], published=day, sources=["hf-daily"], **kw)


def index_of(papers: list[Paper], notes: dict | None = None) -> Index:
    pages = Context(papers, Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="t"), notes)
    made = files(pages)
    return Index({k: v.encode() if isinstance(v, str) else v for k, v in made.items()})


def test_a_title_word_weighs_more_than_an_abstract_word_and_is_marked() -> None:
    doc = Doc(paper("2401.00001", "Sparse attention", "We study dense attention. Attention is used."),
              "papers/2401/2401.00001/", "Sparse attention", (), ())
    found = impacts(doc)
    assert found["sparse"] & TITLE_BIT and found["attention"] & TITLE_BIT and not found["dense"] & TITLE_BIT
    assert (found["sparse"] & 0x7F) > (found["dense"] & 0x7F)
    assert all(1 <= (v & 0x7F) <= 127 for v in found.values())


def test_packed_words_are_the_impacts_and_a_cache_cannot_slip_others_in() -> None:
    """A build cache keeps a paper's search words packed (two strings); what it hands back is
    used only when it is exactly what ``packed`` makes."""
    doc = Doc(paper("2401.00001", "Sparse attention", "We study dense attention.", authors=["Jane Doe"]),
              "papers/2401/2401.00001/", "Sparse attention", (), ())
    found, weights = unpacked(packed(doc))
    assert dict(zip(found, weights, strict=True)) == impacts(doc) and "@jane doe" in found
    assert unpacked(["", ""]) == ([], b"")
    for bad in ({"sparse": 1}, ["a\nb", "01"], ["a\na", "0101"], ["a", "00"], ["a", "zz"], ["a\n\nb", "010101"],
                ["a", 1], ["a", "01", "x"], ["\udc80", "01"]):
        with pytest.raises(ValueError):
            unpacked(bad)


def test_index_round_trip_ranking_data_and_filters() -> None:
    papers = [paper("2401.00001", "An agent for proofs", "We prove a theorem.", organization="Lab"),
              paper("2401.00002", "Something else", "An agent appears in this abstract only. The agent acts.",
                    day=dt.date(2023, 5, 1)),
              paper("2401.00003", "Third", "Nothing here.", day=dt.date(2024, 1, 3))]
    index = index_of(papers)
    assert index.manifest["docs"] == 3 and index.manifest["bundle"] == BUNDLE
    # numbered oldest first: 2023-05-01, then 2024-01-02, then 2024-01-03
    assert [d["t"] for d in index.docs] == ["Something else", "An agent for proofs", "Third"]
    agent = dict(index.words["agent"])
    assert set(agent) == {0, 1} and agent[1] & TITLE_BIT and not agent[0] & TITLE_BIT
    assert index.filter("year-2023") == [0] and index.filter("year-2024") == [1, 2]
    # the taxonomy tags "agents": the tag filter and the tag's words (a paper is found by its tag name)
    assert index.filter("tag-agents") == [0, 1]
    assert [t[0] for t in index.manifest["tags"]] == ["agents", "math"]
    assert index.manifest["years"] == [[2024, 2], [2023, 1]]


def test_shards_are_cut_in_the_browsers_order_and_stay_small() -> None:
    # a big vocabulary: words with accents, astral characters and many postings
    papers = [paper(f"2401.{i:05d}", f"Paper {i}", " ".join(f"w{(i * 7 + k) % 3000} 𝒳{k}ζ" for k in range(60)))
              for i in range(400)]
    index = index_of(papers)
    firsts = [first for first, _ in index.manifest["shards"]]
    assert len(firsts) > 3
    utf16 = [w.encode("utf-16-be") for w in firsts]
    assert utf16 == sorted(utf16) and len(set(firsts)) == len(firsts)
    for word, name in index.shard_of.items():  # each word lives in the last shard whose first word is <= it
        at = max(i for i, f in enumerate(firsts) if f.encode("utf-16-be") <= word.encode("utf-16-be"))
        assert index.manifest["shards"][at][1] == name
    for name in set(index.shard_of.values()):
        data = inflated(index.files[f"search/t/{name}.bin"])
        assert len(data) <= SHARD_BYTES or len([w for w, n in index.shard_of.items() if n == name]) == 1


def test_a_new_day_changes_no_existing_posting() -> None:
    """Papers are numbered oldest first and impacts need no collection statistics: the
    index of yesterday's papers is a prefix of today's."""
    old = [paper(f"2401.{i:05d}", f"Graph networks {i}", "Graph message passing.") for i in range(30)]
    new = [paper(f"2401.{100 + i:05d}", f"Graph transformers {i}", "Graph attention.", day=dt.date(2024, 1, 3))
           for i in range(5)]
    before, after = index_of(old), index_of(old + new)
    for word, postings in before.words.items():
        assert after.words[word][:len(postings)] == postings
    assert after.docs[:30] == before.docs


def test_result_text_is_data_and_the_index_is_deterministic() -> None:
    papers = [paper("2401.00001", HOSTILE, HOSTILE, authors=[HOSTILE]),
              paper("2401.00002", "An $O(n^2)$ bound", "Plain.")]
    first = index_of(papers)
    assert first.docs[0]["t"] == HOSTILE and first.docs[0]["s"] == HOSTILE  # kept as text, shown as text
    assert first.docs[1]["t"] == "An O(n2) bound"  # math as the reader sees it on the page
    again = index_of(list(reversed(papers)))
    assert again.files == first.files


def test_notes_are_searchable() -> None:
    from paperfeed.archive.notes import Note

    note = Note("2401.00001", "ada", dt.date(2024, 1, 5), "Reproduced with **zebrafish** data.", Path("n.md"))
    index = index_of([paper("2401.00001", "A title", "An abstract.")], {"2401.00001": [note]})
    assert index.titles("zebrafish") == ["A title"]


def test_the_bundled_site_is_indexed() -> None:
    from paperfeed.archive.check import check

    entries = check(ROOT / "papers").entries
    pages = Context([e.paper for e in entries], Taxonomy.load(ROOT / "taxonomy.yml"), Options(site_name="t"))
    index = Index({k: v.encode() if isinstance(v, str) else v for k, v in files(pages).items()})
    assert index.manifest["docs"] == 51
    assert index.titles("myodex") == ["MyoDex: A Generalizable Prior for Dexterous Manipulation"]
    assert "MyoDex: A Generalizable Prior for Dexterous Manipulation" in index.titles("vikash")  # an author
    assert all(len(json.dumps(d)) < 1500 for d in index.docs)  # a result is small


def test_marks_are_only_in_the_planes_the_tokenizer_looks_at() -> None:
    """search/tokens.py builds its mark pattern from planes 0-3 and 14 alone: no other plane
    of this Python's Unicode database holds a mark (a newer Unicode could add one)."""
    import sys
    import unicodedata

    from paperfeed.search.tokens import MARK_PLANES

    looked = set().union(*(set(plane) for plane in MARK_PLANES))
    marks = [c for c in range(sys.maxunicode + 1) if c not in looked and unicodedata.category(chr(c)).startswith("M")]
    assert marks == []


def _record_by_hand(word: str, postings: list[tuple[int, int]]) -> bytes:
    """The documented record (index.py), one posting at a time."""
    def varint(value: int) -> bytes:
        out = bytearray()
        while value >= 0x80:
            out.append(value & 0x7F | 0x80)
            value >>= 7
        out.append(value)
        return bytes(out)
    raw = word.encode("utf-8")
    gaps = [n - last for (n, _), last in zip(postings, [-1] + [n for n, _ in postings])]
    return (varint(len(raw)) + raw + varint(len(postings)) + b"".join(map(varint, gaps))
            + bytes(i for _, i in postings))


def test_every_record_at_once_is_each_record_by_hand() -> None:
    """postings.records encodes all words with numpy: the same bytes as the format, record by
    record, with gaps of one to four bytes, words of any script, and words in every paper."""
    from paperfeed.search.postings import records, utf16

    rng = __import__("random").Random(7)
    vocabulary = ["graph", "𝒳ζ", "é", "zz", "a" * 40, "graphs", "ℝ", "Ｚ", "0", "model"]
    papers = []
    for _ in range(3000):  # "model" in every paper, the others now and then
        chosen = dict.fromkeys(rng.sample(vocabulary, rng.randint(0, 4)) + ["model"])
        papers.append({w: rng.randint(1, 255) for w in chosen})
    papers[2999] = {"rare": 200}  # a gap of 2,999 after -1: two bytes
    papers.extend({} for _ in range(20_000))
    papers.append({"rare": 3, "graph": 128})  # a gap past 16,383: three bytes
    words = list(dict.fromkeys(w for p in papers for w in p))  # numbered as first seen, as index.build does
    ids = np.array([words.index(w) for p in papers for w in p], dtype=np.int32)
    ordered, buffer, ends = records(words, ids, np.array([i for p in papers for i in p.values()], dtype=np.uint8),
                                    np.array([len(p) for p in papers], dtype=np.int32))
    assert ordered == sorted(words, key=utf16)
    expected, at = b"", []
    for word in ordered:
        expected += _record_by_hand(word, [(n, p[word]) for n, p in enumerate(papers) if word in p])
        at.append(len(expected))
    assert buffer.tobytes() == expected and ends == at
    none, nothing, no_ends = records([], np.zeros(0, np.int32), np.zeros(0, np.uint8), np.zeros(0, np.int32))
    assert (none, nothing.size, no_ends) == ([], 0, [])


def test_a_result_file_is_read_back_only_while_its_papers_and_bytes_are_unchanged(tmp_path: Path) -> None:
    """search/bundles.py: a build with its cache reads back the result files of unchanged papers,
    makes those of changed papers, and makes again a file whose bytes changed on disk."""
    from paperfeed.search import Bundles, build, documents, gather, order, tag_names

    papers = [paper(f"2401.{i:05d}", f"Paper {i} on sparse attention") for i in range(3 * BUNDLE)]
    pages = Context(papers, Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="t"))
    docs = order(documents(pages))

    def made(keys: list[str], bundles: Bundles) -> dict[str, bytes]:
        words = gather(docs, keys, kept=None, compute=lambda ds: [packed(d) for d in ds])
        out = build(docs, tag_names(pages), words=words, bundles=bundles)
        for path, data in out.items():  # as the build's Tree writes them
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_bytes(data if isinstance(data, bytes) else data.encode())
        return {p: d for p, d in out.items() if "/d/" in p}

    keys = [f"k{i}" for i in range(len(docs))]
    first = Bundles(tmp_path)
    clean = made(keys, first)
    assert first.reused == 0 and len(clean) == 3

    again = Bundles.loads(tmp_path, first.dumps())
    assert made(keys, again) == clean and again.reused == 3

    keys[BUNDLE + 1] = "edited"  # one paper of the second file changed
    (tmp_path / "search/d/0.bin").write_bytes(b"tampered")  # the first file changed on disk
    third = Bundles.loads(tmp_path, again.dumps())
    assert made(keys, third) == clean and third.reused == 1  # only the third file read back
    assert Bundles.loads(tmp_path, b"[not what a build keeps").kept == {}
