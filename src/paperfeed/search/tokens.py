"""Words as the search index stores them, and as the browser reads a query.

``overrides/assets/paperfeed/search-index.js`` implements the very same steps (a test
runs both on the same text): a query word finds a paper only if both sides
agree on every rule here.

1. Unicode NFKD, lower case, accents (combining marks) dropped: ``École`` → ``ecole``.
2. Words are runs of letters and digits: ``GPT-4o`` → ``gpt``, ``4o``.
3. One-character words and a short list of English function words are dropped; the
   one-character words of titles are indexed apart (:func:`short_words`), for a query
   that has nothing else (``μ_0``).
4. Plurals are folded by Harman's S-stemmer (1991): ``policies`` → ``policy``,
   ``models`` → ``model``; nothing more aggressive, so prefixes still work.
5. Each author is also one token, the whole name folded by step 1 (:func:`author_token`),
   for ``author:"Jane Doe"``.

Letters, digits and marks are Unicode's categories, as each side's Unicode
database knows them: a browser's is usually newer than Python's (Unicode 14.0
in Python 3.11), so a character assigned since may split differently. Every
character both know gives the same words (a browser test checks them all).
"""

from __future__ import annotations

import re
import unicodedata

# Words so common in abstracts that they would only make the index larger.
STOPWORDS = frozenset("""
a an and are as at be been but by can for from has have in into is it its of on or our such than that the their
then there these this those to was we were which while with
""".split())

_WORD = re.compile(r"[^\W_]+")


def _ranges(codes: list[int]) -> str:
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in spans)


#: Where Unicode has marks at all: planes 0-3 and 14 (4-13 are unassigned, 15-16 private use;
#: a test checks it against this Python's Unicode database). Looking at every code point
#: took a third of a second at every start of paperfeed.
MARK_PLANES = (range(0, 0x40000), range(0xE0000, 0xF0000))
# Every combining mark (category M*): what NFKD splits off an accented letter.
_MARKS = re.compile("[" + _ranges([c for plane in MARK_PLANES for c in plane
                                   if unicodedata.category(chr(c)).startswith("M")]) + "]+")


def normalize(text: str) -> str:
    """Lower case, accents dropped (step 1)."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text).lower())


def stem(word: str) -> str:
    """Harman's S-stemmer: fold English plurals, leave every other word alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


# Each distinct word's fate ("" when dropped): a corpus has ~10⁵ of them but ~10⁸ occurrences.
_SEEN: dict[str, str] = {}


def _indexed(word: str) -> str:
    return "" if len(word) < 2 or word in STOPWORDS else stem(word)


def words(text: str) -> list[str]:
    """The indexed words of ``text``, in order, repeats kept (for term frequencies)."""
    seen = _SEEN
    out = []
    for raw in _WORD.findall(normalize(text)):
        word = seen.get(raw)
        if word is None:
            word = seen[raw] = _indexed(raw)
        if word:
            out.append(word)
    return out


#: What starts an author's token: no word holds it, and it sorts before letters and after digits.
AUTHOR = "@"


def author_token(name: str) -> str:
    """An author's full name as one token (``author:"Jane Doe"`` finds ``@jane doe``): case,
    accents and spacing folded, nothing else, so a query matches the whole name only."""
    return AUTHOR + " ".join(normalize(name).split())


def short_words(text: str) -> list[str]:
    """The one-character words of ``text`` (``μ_0`` → ``μ``, ``0``), repeats kept."""
    return [w for w in _WORD.findall(normalize(text)) if len(w) == 1 and w not in STOPWORDS]
