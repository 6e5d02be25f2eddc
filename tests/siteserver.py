"""A real static file server on 127.0.0.1 that serves a built site under a sub-path.

GitHub Pages serves a project site at ``https://owner.github.io/repo/``; serving
the build under ``/paperfeed/`` here proves every link and asset is relative.
With ``compress``, text is sent gzipped when the browser asks, as GitHub Pages
does (the Lighthouse audit measures what readers get).
"""

from __future__ import annotations

import gzip
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PREFIX = "/paperfeed/"
_TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")  # not .bin: GitHub Pages sends those as stored


class _Handler(SimpleHTTPRequestHandler):
    compress = False

    def translate_path(self, path: str) -> str:
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__outside_the_sub_path__")
        return super().translate_path("/" + path[len(PREFIX):])

    def send_head(self):  # type: ignore[no-untyped-def]
        url = self.path.split("?", 1)[0].split("#", 1)[0]
        path = Path(self.translate_path(url))
        if path.is_dir():
            if not url.endswith("/"):
                return super().send_head()  # the redirect to the folder's own URL
            path = path / "index.html"
        if not (self.compress and path.is_file() and path.suffix in _TEXT
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # GitHub Pages' own
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        pass


@contextmanager
def serve(site: Path, *, compress: bool = False) -> Iterator[str]:
    """Serve ``site`` and yield its base URL, ``http://127.0.0.1:PORT/paperfeed/``."""
    handler = type("Handler", (_Handler,), {"compress": compress})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
