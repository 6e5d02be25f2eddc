"""How good a taxonomy is, measured against papers labelled by reading.

A label file is JSON Lines, one paper a line: ``{"id", "tags", "unsure", "note"}``.
``tags`` are the tags a reader of each tag's page would expect the paper on;
``unsure`` the close calls, which count neither way. The scores, summed over all
papers (micro) and per tag: a predicted tag that is in ``unsure`` is dropped;
precision = |kept ∩ tags| / |kept|; recall = |predicted ∩ tags| / |tags|. A fork
labels a hundred of its own papers this way and measures its own taxonomy with
``paperfeed tags --eval``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


class LabelsError(Exception):
    """A label file cannot be read; names the file and line."""


@dataclass(frozen=True)
class Label:
    id: str
    tags: frozenset[str]
    unsure: frozenset[str]


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    missed: int = 0

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        return self.right / (self.right + self.missed) if self.right + self.missed else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    micro: Score = field(default_factory=Score)
    tags: dict[str, Score] = field(default_factory=dict)
    #: labelled papers the archive does not have
    absent: list[str] = field(default_factory=list)
    papers: int = 0
    #: per tag, how many confident labels it has
    labels: Counter[str] = field(default_factory=Counter)


def read_labels(path: Path) -> list[Label]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsError(f"{path}: cannot read ({exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            label = Label(str(data["id"]), frozenset(data.get("tags") or []), frozenset(data.get("unsure") or []))
        except (ValueError, KeyError, TypeError) as exc:
            raise LabelsError(f"{path}:{number}: not a label line ({exc})") from None
        out.append(label)
    return out


def evaluate(labels: list[Label], predicted: dict[str, list[str]]) -> Report:
    """Score ``predicted`` (paper id → its tags) against ``labels``."""
    report = Report()
    for label in labels:
        if label.id not in predicted:
            report.absent.append(label.id)
            continue
        report.papers += 1
        report.labels.update(label.tags)
        guess = set(predicted[label.id])
        kept = guess - label.unsure
        for slug in kept | label.tags:
            score = report.tags.setdefault(slug, Score())
            if slug in kept and slug in label.tags:
                score.right += 1
            elif slug in kept:
                score.wrong += 1
            elif slug not in guess:  # a label the taxonomy missed
                score.missed += 1
    for score in report.tags.values():
        report.micro.right += score.right
        report.micro.wrong += score.wrong
        report.micro.missed += score.missed
    return report


def table(report: Report) -> list[str]:
    """The report as text: micro scores, then each tag's, most labels first."""
    micro = report.micro
    lines = [f"{report.papers} papers, {sum(report.labels.values())} labels: precision {micro.precision:.2f}, "
             f"recall {micro.recall:.2f}, F1 {micro.f1:.2f} ({micro.right} right, {micro.wrong} wrong, "
             f"{micro.missed} missed)",
             f"{'tag':<26} {'labels':>6} {'right':>6} {'wrong':>6} {'missed':>6} {'prec':>5} {'recall':>6} {'F1':>5}"]
    for slug in sorted(report.tags, key=lambda s: (-report.labels[s], s)):
        s = report.tags[slug]
        lines.append(f"{slug:<26} {report.labels[slug]:>6} {s.right:>6} {s.wrong:>6} {s.missed:>6} "
                     f"{s.precision:>5.2f} {s.recall:>6.2f} {s.f1:>5.2f}")
    if report.absent:
        lines.append(f"{len(report.absent)} labelled papers are not in the archive (first: {report.absent[0]})")
    return lines
