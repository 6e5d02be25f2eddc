from __future__ import annotations

import datetime as dt

import pytest

from paperfeed.model import (
    Links, Paper, PaperError, normalize_arxiv_id, normalize_title, relative_path, slug_id, validate,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2405.15738", "2405.15738"),
    ("2405.15738v3", "2405.15738"),
    ("http://arxiv.org/abs/2201.13452v1", "2201.13452"),
    ("https://arxiv.org/pdf/2201.13452v2.pdf", "2201.13452"),
    ("arXiv:1501.00001", "1501.00001"),
    ("http://arxiv.org/abs/astro-ph/9904306v1", "astro-ph/9904306"),
    ("math.GT/0309136", "math.GT/0309136"),
    ("not an id", None),
    ("2405.1", None),
])
def test_normalize_arxiv_id(raw: str, expected: str | None) -> None:
    assert normalize_arxiv_id(raw) == expected


def test_paths_are_sharded_by_yymm_and_safe_for_old_ids() -> None:
    assert relative_path("2405.15738") == "2405/2405.15738.md"
    assert relative_path("astro-ph/9904306") == "9904/astro-ph_9904306.md"
    assert relative_path("math.GT/0309136") == "0309/math.GT_0309136.md"
    assert relative_path("myodex-a-generalizable-prior") == "no-id/myodex-a-generalizable-prior.md"
    with pytest.raises(PaperError):
        relative_path("../../etc/passwd")


def test_title_normalization_ignores_case_accents_punctuation_and_wraps() -> None:
    assert normalize_title("PATIENT-Ψ: Using  LLMs\n to Simulate") == normalize_title("patient: using llms to simulate")
    assert normalize_title("Café — Déjà vu") == "cafe deja vu"
    assert slug_id("MyoDex: A Generalizable Prior!") == "myodex-a-generalizable-prior"


def test_validate_names_each_bad_field() -> None:
    paper = Paper(
        id="2405.15738", title="T", featured=[dt.date(2024, 5, 28), dt.date(2024, 5, 27)], upvotes=-1,
        links=Links(github="javascript:alert(1)"), sources=["somewhere"],
    )
    fields = {e.field for e in validate(paper)}
    assert fields == {"featured", "upvotes", "links.github", "sources"}
    assert validate(Paper(id=2405.1, title="x"))[0].field == "id"  # type: ignore[arg-type]
    assert validate(Paper(id="2405.15738", title="ok", sources=["hf-daily"])) == []
