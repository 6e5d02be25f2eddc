"""HTML fragments for generated pages. Scraped text is data, never markup.

Every string that came from outside is escaped with markupsafe before it
reaches a page, and fragments are emitted as raw HTML blocks, which Markdown
leaves alone: so ``*bold*``, ``# Heading``, ``[x](javascript:…)``, ``{{ config }}``
and ``| a | b |`` show up as exactly that text. ``$…$`` math becomes MathML at
build time (no JavaScript); MathML that is not on an allowlist of tags and
attributes is thrown away and the TeX source shown instead.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable

from latex2mathml.converter import convert
from markupsafe import Markup, escape

from paperfeed.model import Paper

_MATH = re.compile(r"\$\$(?P<display>[^$]+?)\$\$|(?<![\\$])\$(?P<inline>[^$\s](?:[^$]*?[^$\s\\])?)\$(?!\$)")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)([^>]*)>")
_MARKUP = re.compile(r"<[^>]*>")
_MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)
_ATTR = re.compile(r"([a-zA-Z_:][\w:.-]*)\s*=\s*\"[^\"<>]*\"")
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mover munder munderover "
    "mtable mtr mtd mstyle mpadded mphantom menclose merror semantics annotation mfenced mlabeledtr".split())
MATHML_ATTRS = frozenset(
    "xmlns display stretchy mathvariant fence separator lspace rspace accent accentunder columnalign "
    "rowspacing columnspacing linethickness minsize maxsize movablelimits width height depth symmetric "
    "form largeop scriptlevel displaystyle notation align columnlines rowlines frame mathsize".split())


def mathml(tex: str, *, display: bool = False) -> Markup | None:
    """``tex`` as MathML, or None when it cannot be converted safely."""
    try:
        out = convert(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds on malformed TeX; all mean "show the source"
        return None
    for closing, name, attrs in _TAG.findall(out):
        if name not in MATHML_TAGS:
            return None
        rest = _ATTR.sub("", attrs).strip().rstrip("/").strip()
        if rest or any(a not in MATHML_ATTRS for a in _ATTR.findall(attrs)) or (closing and attrs.strip()):
            return None
    if "<" in _TAG.sub("", out):
        return None
    return Markup(out)


def rich_text(value: str) -> Markup:
    """Escaped text with ``$…$`` and ``$$…$$`` rendered as MathML. Unbalanced ``$`` stay as text."""
    parts: list[str] = []
    last = 0
    for m in _MATH.finditer(value):
        tex = m.group("display") or m.group("inline")
        display = m.group("display") is not None
        rendered = mathml(tex, display=display)
        if rendered is not None and display:
            # a wide equation scrolls on its own on a phone; keyboard users must reach it too
            rendered = Markup('<span class="pf-equation" tabindex="0">{}</span>').format(rendered)
        parts.append(escape(value[last:m.start()]))
        parts.append(rendered if rendered is not None else escape(m.group(0)))
        last = m.end()
    parts.append(escape(value[last:]))
    return Markup("").join(parts)


def visible_text(fragment: str) -> str:
    """The text a reader sees in an HTML fragment: MathML reads as its symbols run together."""
    joined = _MATH_ELEMENT.sub(lambda m: _MARKUP.sub("", m.group(0)), fragment)
    return " ".join(html.unescape(_MARKUP.sub(" ", joined)).split())


def url_of(md_path: str) -> str:
    """A docs page's URL path with ``use_directory_urls``: ``days/2025-03-14.md`` → ``days/2025-03-14/``."""
    path = md_path[:-3]
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("index")]
    return path + "/"


def _relative(from_md: str, target: list[str]) -> str:
    start = url_of(from_md).split("/")[:-1]
    common = 0
    for a, b in zip(start, target):
        if a != b:
            break
        common += 1
    return "../" * (len(start) - common) + "/".join(target[common:])


def rel(from_md: str, to_md: str) -> str:
    """A relative link between two pages, so the site works under any sub-path."""
    link = _relative(from_md, url_of(to_md).split("/")[:-1])
    return link + "/" if link and not link.endswith("/") else link or "./"


def rel_file(from_md: str, path: str) -> str:
    """A relative link from a page to a file of the site (a feed, an image)."""
    return _relative(from_md, path.split("/"))


def join(items: Iterable[Markup | str], sep: str = " · ") -> Markup:
    return Markup(sep).join(items)


def link(href: str, label: str) -> Markup:
    """An external link; ``href`` was checked to be http(s) by the validator. It opens in
    the same tab, so it needs no ``rel="noopener"`` (at 30 links a day page, bytes add up)."""
    return Markup('<a href="{}">{}</a>').format(href, label)


def paper_links(paper: Paper) -> Markup:
    links = paper.links
    items = []
    if links.arxiv:
        items.append(link(links.arxiv, "arXiv"))
    if links.pdf:
        items.append(link(links.pdf, "PDF"))
    if links.huggingface:
        items.append(link(links.huggingface, "Hugging Face"))
    if links.github:
        stars = f" ★ {links.github_stars:,}" if links.github_stars is not None else ""
        items.append(link(links.github, f"Code{stars}"))
    if links.project:
        items.append(link(links.project, "Project page"))
    return join(items)


def authors_short(authors: list[str], limit: int = 3) -> str:
    if len(authors) <= limit:
        return ", ".join(authors)
    return ", ".join(authors[:limit]) + f" +{len(authors) - limit}"


def excerpt(value: str, limit: int = 300) -> str:
    if len(value) <= limit:
        return value
    cut = value[:limit]
    cut = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut  # a word, unless it is very long
    # never cut inside a $…$ pair: drop the dangling half
    if cut.count("$") % 2:
        cut = cut[: cut.rfind("$")].rstrip()
    return cut + " …"


#: Authors a paper page lists: a few papers have hundreds (664 in the real corpus), which
#: would make their pages grow without bound; the rest are one click away, on arXiv.
AUTHORS_SHOWN = 100
#: The most of each text that pages, feeds and search show of one paper, whatever its file
#: holds: well above any real paper's (titles reach 175 characters, abstracts 1,923, names
#: 55, summaries 1,606, keywords 33 of up to 73), so only a broken or hostile record is cut.
LIMITS = {"title": 300, "abstract": 5_000, "ai_summary": 2_000, "organization": 200, "submitted_by": 100}
NAME_LIMIT, KEYWORDS_SHOWN = 100, 50


def shown(paper: Paper) -> Paper:
    """``paper`` as every page, feed and search file shows it: each text cut to its limit
    (at a word, with " …"), names too; the list of authors keeps its length, since its
    readers show the first ``AUTHORS_SHOWN`` and count the rest."""
    changes: dict[str, object] = {name: excerpt(value, limit) for name, limit in LIMITS.items()
                                  if isinstance(value := getattr(paper, name), str) and len(value) > limit}
    if any(len(a) > NAME_LIMIT for a in paper.authors):
        changes["authors"] = [excerpt(a, NAME_LIMIT) for a in paper.authors]
    if len(paper.keywords) > KEYWORDS_SHOWN or any(len(k) > NAME_LIMIT for k in paper.keywords):
        changes["keywords"] = [excerpt(k, NAME_LIMIT) for k in paper.keywords[:KEYWORDS_SHOWN]]
    return dataclasses.replace(paper, **changes) if changes else paper


def authors_full(paper: Paper) -> Markup:
    """The paper's authors, all of them up to ``AUTHORS_SHOWN``, then a link to the complete list."""
    shown = escape(", ".join(paper.authors[:AUTHORS_SHOWN]))
    rest = len(paper.authors) - AUTHORS_SHOWN
    if rest <= 0:
        return shown
    where = paper.links.arxiv or paper.links.huggingface
    more = f"and {rest:,} more"
    return shown + (Markup(" {}").format(link(where, more)) if where else Markup(" {}").format(more))


def bibtex(paper: Paper) -> str:
    """A BibTeX entry; braces in scraped text are dropped so the entry stays balanced."""
    def clean(value: str) -> str:
        return value.replace("{", "").replace("}", "").replace("\\", "")
    first = paper.authors[0].split()[-1] if paper.authors else "anon"
    year = str(paper.published.year) if paper.published else (str(paper.featured[0].year) if paper.featured else "")
    word = next((w for w in re.findall(r"[A-Za-z]+", paper.title) if len(w) > 3), "paper")
    key = re.sub(r"[^a-z0-9]", "", f"{first}{year}{word}".lower()) or "paper"
    authors = [clean(a) for a in paper.authors[:AUTHORS_SHOWN]]
    if len(paper.authors) > AUTHORS_SHOWN:
        authors.append("others")  # BibTeX's own "et al."
    fields = [("title", "{" + clean(paper.title) + "}"), ("author", " and ".join(authors))]
    if year:
        fields.append(("year", year))
    if paper.has_arxiv_id:
        fields += [("eprint", paper.id), ("archivePrefix", "arXiv")]
    if paper.links.arxiv:
        fields.append(("url", paper.links.arxiv))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return f"@misc{{{key},\n{body}\n}}"
