"""arXiv API answers for tests, in the post-November-2025 shape of ../shared/data/arxiv-api/
(bare links, ``published`` after ``summary``), written from a few hand-picked fields."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Entry:
    id: str  # with its version: 2511.20001v1
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]  # the primary first
    published: str  # 2025-11-24T19:30:00Z
    updated: str = ""


def atom(*entries: Entry) -> bytes:
    parts = ["<?xml version='1.0' encoding='UTF-8'?>",
             '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/'
             'atom" xmlns="http://www.w3.org/2005/Atom">',
             "  <id>https://arxiv.org/api/test</id>", "  <title>arXiv Query</title>",
             "  <updated>2025-11-26T00:00:00Z</updated>",
             f"  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>"]
    for e in entries:
        parts += ["  <entry>", f"    <id>http://arxiv.org/abs/{e.id}</id>", f"    <title>{escape(e.title)}</title>",
                  f"    <updated>{e.updated or e.published}</updated>",
                  f'    <link href="https://arxiv.org/abs/{e.id}"/>', f'    <link href="https://arxiv.org/pdf/{e.id}"/>',
                  f"    <summary>{escape(e.abstract)}</summary>",
                  *(f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e.categories),
                  f"    <published>{e.published}</published>",
                  f'    <arxiv:primary_category term="{e.categories[0]}"/>',
                  *(f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in e.authors),
                  "  </entry>"]
    parts.append("</feed>")
    return ("\n".join(parts) + "\n").encode("utf-8")


ERROR = atom(Entry("api/errors", "Error", "rate exceeded, retry later", (), ("cs.RO",), "2025-11-26T00:00:00Z"))
