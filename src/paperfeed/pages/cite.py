"""A paper's BibTeX entry, which BibTeX and LaTeX accept whatever the title holds.

Titles and names are data: ``&``, ``%``, ``$``, ``#`` and ``_`` are escaped
(``Mapping CVEs to MITRE ATT\\&CK``, ``on \\$60 GPUs``), braces and backslashes
that would unbalance the entry are dropped or spelled out, and ``$…$`` math
that converts cleanly and has balanced braces is kept as math. The year is
the arXiv year: from the first version's date, else from the id itself
(``1909.12828`` is 2019), and only failing both from the first featured day.
"""

from __future__ import annotations

import re

from paperfeed.model import NEW_ID, OLD_ID, Paper
from paperfeed.pages import latex

#: Authors listed before "and others" (BibTeX's own "et al.").
AUTHORS_CITED = 100
_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "\\": r"\textbackslash{}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "{": "", "}": ""}
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")


def escape_text(value: str) -> str:
    """Plain text for a BibTeX field inside braces."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], value)


def escape_title(value: str) -> str:
    """A title: text escaped, clean ``$…$`` math kept for LaTeX to typeset."""
    text = latex.plain(value)
    out, last = [], 0
    for m in latex.MATH.finditer(text):
        tex = m.group("inline")
        out.append(escape_text(text[last:m.start()]))
        if tex and _balanced(tex) and not re.search(r"[#%&]", tex) and latex.mathml(tex) is not None:
            out.append(f"${tex}$")
        else:
            out.append(escape_text(m.group(0)))
        last = m.end()
    out.append(escape_text(text[last:]))
    return "".join(out)


def _balanced(tex: str) -> bool:
    depth = 0
    for i, char in enumerate(tex):
        if char in "{}" and i and tex[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def year(paper: Paper) -> str:
    if paper.published:
        return str(paper.published.year)
    if m := NEW_ID.fullmatch(paper.id):
        return f"20{m.group(1)[:2]}"
    if m := OLD_ID.fullmatch(paper.id):
        yy = int(m.group(2)[:2])
        return f"{1900 + yy if yy >= 91 else 2000 + yy}"
    return str(paper.featured[0].year) if paper.featured else ""


def bibtex(paper: Paper) -> str:
    """A ``@misc`` entry with the arXiv eprint fields."""
    when = year(paper)
    first = paper.authors[0].split()[-1] if paper.authors else "anon"
    word = next((w for w in re.findall(r"[A-Za-z]+", paper.title) if len(w) > 3), "paper")
    key = re.sub(r"[^a-z0-9]", "", f"{first}{when}{word}".lower()) or "paper"
    # a name with " and " in it would be read as two people: braces keep it one
    authors = [f"{{{name}}}" if " and " in name else name
               for name in (escape_text(a) for a in paper.authors[:AUTHORS_CITED])]
    if len(paper.authors) > AUTHORS_CITED:
        authors.append("others")
    fields = [("title", "{" + escape_title(paper.title) + "}"), ("author", " and ".join(authors))]
    if when:
        fields.append(("year", when))
    if paper.has_arxiv_id:
        fields += [("eprint", paper.id), ("archivePrefix", "arXiv")]
    if paper.links.arxiv:
        fields.append(("url", paper.links.arxiv))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return f"@misc{{{key},\n{body}\n}}"
