"""``paperfeed fetch`` against a real HTTP server on 127.0.0.1 serving real day files."""

from __future__ import annotations

import datetime as dt
import time
import json
from pathlib import Path

import pytest

from paperfeed.archive.store import path_for, read_entry

from .apiserver import Answer, ApiServer
from .conftest import FIXTURES, HF_DATA, tree

FAST = """site_name: test
extra:
  paperfeed:
    timeout: 0.5
    retries: 2
    backoff: 0.0
"""


@pytest.fixture
def api(tmp_path: Path):
    (tmp_path / "mkdocs.yml").write_text(FAST, encoding="utf-8")
    with ApiServer() as server:
        yield server


def fetch(run, api: ApiServer, *args: str, expect: int = 0):
    return run("fetch", "--api-url", f"{api.url}/api", "--papers", "papers", *args, expect=expect)


def test_backfill_real_days_then_refetch_changes_nothing(run, api: ApiServer, shared_data: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "secret-token")
    days = ["2026-04-10", "2026-04-13", "2026-04-16"]  # a weekend and empty days in between
    api.serve_days(HF_DATA, days)
    result = fetch(run, api, "--since", "2026-04-10", "--until", "2026-04-16")
    expected = sum(len(json.loads((HF_DATA / f"{d}.json").read_text())) for d in days)
    assert f"3 days, {expected} items" in result.stdout
    assert len(api.log) == 7 and {r.query["date"] for r in api.log} == {
        (dt.date(2026, 4, 10) + dt.timedelta(n)).isoformat() for n in range(7)}
    request = api.log[0]
    assert request.path == "/api/daily_papers"
    assert request.headers["User-Agent"].startswith("paperfeed/")
    assert request.headers["Authorization"] == "Bearer secret-token"
    pair = read_entry(path_for(tmp_path / "papers", "2604.07429")).paper
    assert pair.featured == [dt.date(2026, 4, 10), dt.date(2026, 4, 16)] and pair.upvotes == 42
    before = tree(tmp_path / "papers")
    again = fetch(run, api, "--since", "2026-04-10", "--until", "2026-04-16")
    assert " 0 new, 0 updated" in again.stdout and tree(tmp_path / "papers") == before


def test_429_with_retry_after_is_honoured(run, api: ApiServer) -> None:
    api.script("/api/daily_papers?date=2024-05-27",
               Answer(status=429, body=b"slow down", headers={"Retry-After": "1"}),
               Answer(body=(FIXTURES / "hf_2024-05-27.json").read_bytes()))
    result = fetch(run, api, "--date", "2024-05-27")
    assert "1 day, 1 items → 1 papers: 1 new" in result.stdout
    assert len(api.log) == 2 and api.log[1].at - api.log[0].at >= 0.9


def test_500_then_success(run, api: ApiServer) -> None:
    api.script("/api/daily_papers?date=2024-05-27", Answer(status=500, body=b"oops"),
               Answer(body=(FIXTURES / "hf_2024-05-27.json").read_bytes()))
    assert "1 new" in fetch(run, api, "--date", "2024-05-27").stdout
    assert len(api.log) == 2


def test_a_slow_answer_times_out_and_is_retried(run, api: ApiServer) -> None:
    api.script("/api/daily_papers?date=2024-05-27", Answer(delay=2.0, body=b"[]"),
               Answer(body=(FIXTURES / "hf_2024-05-27.json").read_bytes()))
    assert "1 new" in fetch(run, api, "--date", "2024-05-27").stdout
    assert len(api.log) == 2


def test_truncated_json_fails_that_day_and_keeps_the_others(run, api: ApiServer, tmp_path: Path) -> None:
    api.script("/api/daily_papers?date=2024-05-27", Answer(body=b'[{"paper": {"id": "2405.1'))
    api.script("/api/daily_papers?date=2024-05-28", Answer(body=(FIXTURES / "hf_2024-05-27.json").read_bytes()))
    result = fetch(run, api, "--since", "2024-05-27", "--until", "2024-05-28", expect=1)
    assert "1 of 2 days failed" in result.stderr and "date=2024-05-27: not valid JSON" in result.stderr
    assert (tmp_path / "papers" / "2405" / "2405.15738.md").exists()


def test_server_down_exits_non_zero_and_changes_nothing(run, api: ApiServer, tmp_path: Path) -> None:
    api.serve_days(FIXTURES, [])
    api.script("/api/daily_papers?date=2024-05-27", Answer(body=(FIXTURES / "hf_2024-05-27.json").read_bytes()))
    fetch(run, api, "--date", "2024-05-27")
    before = tree(tmp_path / "papers")
    api.default = Answer(status=503, body=b"down")
    result = fetch(run, api, "--days", "2", expect=1)
    assert "HTTP 503 after 2 retries" in result.stderr
    assert len(api.log) == 1 + 2 * 3  # two days, three tries each
    assert tree(tmp_path / "papers") == before


def test_default_is_the_last_three_days(run, api: ApiServer) -> None:
    result = fetch(run, api)
    today = dt.datetime.now(dt.timezone.utc).date()
    assert [r.query["date"] for r in api.log] == [(today - dt.timedelta(n)).isoformat() for n in (2, 1, 0)]
    assert result.stdout.strip() == "0 days, 0 items → 0 papers: 0 new, 0 updated, 0 unchanged, 0 skipped"


def test_a_wrong_api_url_says_what_it_should_be(run, api: ApiServer) -> None:
    api.default = Answer(status=404, body=b"Not Found", content_type="text/plain")
    result = run("fetch", "--api-url", f"{api.url}/wrong", "--papers", "papers", "--days", "3", expect=1)
    assert "the URL is the API's base, such as https://huggingface.co/api" in result.stderr
    assert result.stderr.count("HTTP 404") <= 6  # three days, each said once (and once more in the summary)


def test_no_network_fails_fast_with_one_clear_line(run, api: ApiServer) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    result = run("fetch", "--api-url", f"http://127.0.0.1:{port}/api", "--papers", "papers", "--days", "3", expect=1)
    assert time.monotonic() - start < 20
    assert "cannot reach 127.0.0.1" in result.stderr and "the other 2 days were not asked for" in result.stderr
    assert "3 of 3 days failed" in result.stderr and "Traceback" not in result.output
