"""A real HTTP server on 127.0.0.1 that plays the Hugging Face and arXiv APIs.

Each request is answered from a script: a per-path-and-query queue of
behaviours (a file's bytes, a status with headers, a delay, truncated JSON);
when a queue is empty the default answer is given. Every request is logged.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"
    #: send the body one byte at a time, this many seconds apart (a server that drips)
    drip: float = 0.0
    #: send this many bytes of filler in chunks, with no Content-Length (a body without end)
    stream: int = 0
    #: the Content-Length to announce instead of the body's own
    length: int | None = None


EMPTY_ATOM = (b"<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
              b"<title>arXiv Query</title><id>https://arxiv.org/api/empty</id>"
              b"<updated>2025-11-26T00:00:00Z</updated></feed>\n")


def arxiv_key(path: str, search_query: str, start: str = "0") -> str:
    return f"{path}?search_query={search_query}&start={start}"


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


class ApiServer:
    def __init__(self) -> None:
        self.routes: dict[str, deque[Answer]] = defaultdict(deque)
        self.default = Answer()
        self.days: dict[str, Path] = {}
        self.log: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                server.log.append(Request(url.path, query, dict(self.headers), time.monotonic()))
                answer = server.answer_for(url.path, query)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    if not answer.stream:
                        self.send_header("Content-Length", str(answer.length or len(answer.body)))
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if answer.stream:
                        chunk = b" " * 65536
                        for _ in range(answer.stream // len(chunk) + 1):
                            self.wfile.write(chunk)
                    elif answer.drip:
                        for byte in answer.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(answer.drip)
                    else:
                        self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer_for(self, path: str, query: dict[str, str]) -> Answer:
        if "search_query" in query:  # the arXiv API: a search, a page of it (else any search of that path)
            key = arxiv_key(path, query["search_query"], query.get("start", "0"))
            if not self.routes[key]:
                key = path
        else:
            key = f"{path}?date={query['date']}" if "date" in query else path
        if self.routes[key]:
            return self.routes[key].popleft()
        if "date" in query and query["date"] in self.days:
            return Answer(body=self.days[query["date"]].read_bytes())
        return self.default

    def script(self, key: str, *answers: Answer) -> None:
        self.routes[key].extend(answers)

    def serve_days(self, folder: Path, days: list[str]) -> None:
        for day in days:
            self.days[day] = folder / f"{day}.json"

    def __enter__(self) -> ApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
