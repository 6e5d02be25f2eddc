"""LaTeX in titles and abstracts: math as MathML, the common text commands as HTML.

Abstracts are written in LaTeX: math between ``$…$``, ``$$…$$``, ``\\(…\\)`` or
``\\[…\\]``, and text commands around it (``\\%``, ``\\textbf{…}``, ``{\\it …}``).
Math becomes MathML at build time (no JavaScript, no CDN); MathML that is not on
an allowlist of tags and attributes is thrown away and the TeX source shown
instead. Every MathML element is written with an explicit end tag: HTML has no
self-closing ``<mi />``, and a minifier that reads one as an open element would
swallow the rest of the page into the formula. Text commands become ``<strong>``,
``<em>`` and ``<code>``, escaped characters themselves; everything else stays
text, escaped.
"""

from __future__ import annotations

import re

from latex2mathml.converter import convert
from markupsafe import Markup, escape

MATH = re.compile(
    r"\$\$(?P<display>[^$]+?)\$\$"
    r"|\\\[(?P<display2>.+?)\\\]"
    r"|\\\((?P<inline2>.+?)\\\)"
    r"|(?<![\\$])\$(?P<inline>[^$\s](?:[^$]*?[^$\s\\])?)\$(?!\$)", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)([^>]*)>")
_SELF_CLOSING = re.compile(r"<([a-zA-Z][\w:-]*)((?:\s+[^<>]*?)?)\s*/>")
_ATTR = re.compile(r"([a-zA-Z_:][\w:.-]*)\s*=\s*\"[^\"<>]*\"")
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mover munder munderover "
    "mtable mtr mtd mstyle mpadded mphantom menclose merror semantics annotation mfenced mlabeledtr".split())
MATHML_ATTRS = frozenset(
    "xmlns display stretchy mathvariant fence separator lspace rspace accent accentunder columnalign "
    "rowspacing columnspacing linethickness minsize maxsize movablelimits width height depth symmetric "
    "form largeop scriptlevel displaystyle notation align columnlines rowlines frame mathsize".split())

# Text mode: commands with one braced argument, old-style font switches, escaped characters.
_COMMAND = re.compile(r"\\(textbf|textit|emph|textsl|texttt|underline|textsc|textrm|textsf|mbox|text)\s*\{([^{}]*)\}")
_SWITCH = re.compile(r"\{\\(bf|it|em|sl|tt|sc|rm|sf)\s+([^{}]*)\}")
_ESCAPED = re.compile(r"\\([%$&_#{}])")
_TEXT = re.compile(f"{_COMMAND.pattern}|{_SWITCH.pattern}|{_ESCAPED.pattern}")
_HTML = {"textbf": "strong", "bf": "strong", "textit": "em", "emph": "em", "textsl": "em", "it": "em", "em": "em",
         "sl": "em", "texttt": "code", "tt": "code"}


def mathml(tex: str, *, display: bool = False) -> Markup | None:
    """``tex`` as MathML, or None when it cannot be converted safely."""
    try:
        out = convert(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds on malformed TeX; all mean "show the source"
        return None
    out = _SELF_CLOSING.sub(lambda m: f"<{m.group(1)}{m.group(2).rstrip()}></{m.group(1)}>", out)
    for closing, name, attrs in _TAG.findall(out):
        if name not in MATHML_TAGS:
            return None
        rest = _ATTR.sub("", attrs).strip()
        if rest or any(a not in MATHML_ATTRS for a in _ATTR.findall(attrs)) or (closing and attrs.strip()):
            return None
    if "<" in _TAG.sub("", out):
        return None
    return Markup(out)


def text_html(value: str) -> Markup:
    """LaTeX text (no math) as HTML: ``\\textbf{x}`` → ``<strong>x</strong>``, ``\\%`` → ``%``."""
    parts: list[Markup] = []
    last = 0
    for m in _TEXT.finditer(value):
        parts.append(escape(value[last:m.start()]))
        command, argument = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if m.group(5) is not None:
            parts.append(escape(m.group(5)))
        elif command in _HTML:
            tag = _HTML[command]
            parts.append(Markup(f"<{tag}>{{}}</{tag}>").format(text_html(argument)))
        else:
            parts.append(text_html(argument))
        last = m.end()
    parts.append(escape(value[last:]))
    return Markup("").join(parts)


def plain(value: str) -> str:
    """LaTeX text as plain text (feeds, search, citations): commands dropped, their words kept;
    math stays as its TeX source."""
    out = []
    last = 0
    for m in MATH.finditer(value):
        out.append(_plain_text(value[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_plain_text(value[last:]))
    return "".join(out)


def _plain_text(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(5) is not None:
            return m.group(5)
        return _plain_text(m.group(2) if m.group(1) else m.group(4))
    return _TEXT.sub(one, value)


def rich_text(value: str) -> Markup:
    """Escaped text with its math as MathML and its text commands as HTML. Unbalanced ``$``
    and math that cannot be converted stay as text."""
    parts: list[Markup] = []
    last = 0
    for m in MATH.finditer(value):
        display = m.group("display") is not None or m.group("display2") is not None
        tex = m.group("display") or m.group("display2") or m.group("inline") or m.group("inline2")
        rendered = mathml(tex, display=display)
        if rendered is not None and display:
            # a wide equation scrolls on its own on a phone; keyboard users must reach it too
            rendered = Markup('<span class="pf-equation" tabindex="0">{}</span>').format(rendered)
        parts.append(text_html(value[last:m.start()]))
        parts.append(rendered if rendered is not None else escape(m.group(0)))
        last = m.end()
    parts.append(text_html(value[last:]))
    return Markup("").join(parts)
