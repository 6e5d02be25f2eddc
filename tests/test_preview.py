"""``paperfeed serve``: it says what it does and where, serves the site at site_url's path, and
rebuilds on every edit without racing itself (once in five edits used to stop it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .conftest import project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"


def wait_for(predicate, seconds: float = 30.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_serve_prints_its_address_and_rebuilds_on_every_edit(tmp_path: Path) -> None:
    where = project(tmp_path)
    config = where / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_url: https://paperfeed.github.io/paperfeed/", "site_url: https://you.github.io/robot-papers/"),
        encoding="utf-8")
    port = free_port()
    log = tmp_path / "serve.log"
    command = [str(Path(sys.executable).parent / "paperfeed"), "serve", "--dev-addr", f"127.0.0.1:{port}"]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=where, stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = f"http://127.0.0.1:{port}/robot-papers/"
        assert wait_for(lambda: f"serving on {url}" in log.read_text(encoding="utf-8"), 120), log.read_text()
        first = log.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("paperfeed: building the site from")  # never two minutes of silence
        assert "Boosting Multi-modal" in get(url)
        assert get(f"http://127.0.0.1:{port}/paperfeed/") == "HTTP 404"  # the sub-path follows site_url
        paper = where / "papers" / "2308" / "2308.07686.md"
        page = f"{url}papers/2308/2308.07686/"
        text = paper.read_text(encoding="utf-8")
        for n in range(5):  # quick successive edits, as a person saving a file does
            paper.write_text(text.replace("title: Boosting", f"title: Edit {n} Boosting"), encoding="utf-8")
            assert wait_for(lambda n=n: f"Edit {n} Boosting" in get(page)), log.read_text(encoding="utf-8")
        assert server.poll() is None  # still serving
        assert "Traceback" not in log.read_text(encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
