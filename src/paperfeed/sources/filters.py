"""Which fetched papers a site keeps: include and exclude phrases, matched as the taxonomy
matches its phrases (tagging/): whole words, case and plurals folded, hyphen or space
alike ("vision-language" is "vision language"), a trailing ``*`` for a prefix
("grasp*": grasp, grasping, grasps), ``...`` for a few words between."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from paperfeed.model import Paper
from paperfeed.tagging.match import Matcher, words
from paperfeed.tagging.rules import Tag, TaxonomyError, parse_phrases


class FilterError(ValueError):
    """A phrase cannot be matched; the message names the setting and the phrase."""


@dataclass(frozen=True)
class Verdict:
    keep: bool
    #: why, for ``paperfeed fetch --dry-run``: 'matches "grasp*" in the title'
    why: str


class PhraseFilter:
    """Keep a paper when an ``include`` phrase is in its title or abstract (or there are none),
    unless an ``exclude`` phrase is."""

    def __init__(self, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (), *,
                 where: str = "extra.paperfeed.sources.arxiv") -> None:
        tags = []
        for name, phrases in (("include", include), ("exclude", exclude)):
            try:
                parsed = parse_phrases(Path(where), name, name, list(phrases)) if phrases else []
            except TaxonomyError as exc:
                raise FilterError(str(exc).replace(f"tag {name!r}: {name}", name)) from None
            tags.append(Tag(name, name, "", phrases={p: 1.0 for p in parsed}))
        self.include, self.exclude = bool(include), bool(exclude)
        self._matcher = Matcher(tags)

    def _found(self, paper: Paper) -> dict[int, tuple[str, str]]:
        """Per list (0 include, 1 exclude): the first phrase found, and where."""
        out: dict[int, tuple[str, str]] = {}
        for place, text in (("title", paper.title), ("abstract", paper.abstract)):
            for index, found in self._matcher.find(list(words(text))).items():
                out.setdefault(index, (found.phrases[0][0], place))
        return out

    def verdict(self, paper: Paper) -> Verdict:
        found = self._found(paper)
        if 1 in found:
            phrase, place = found[1]
            return Verdict(False, f'excluded: "{phrase}" in the {place}')
        if self.include and 0 not in found:
            return Verdict(False, "no include phrase in the title or abstract")
        if 0 in found:
            phrase, place = found[0]
            return Verdict(True, f'"{phrase}" in the {place}')
        return Verdict(True, "no filter")
