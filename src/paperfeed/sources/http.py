"""HTTP clients for the live sources: the Hugging Face daily papers API and arXiv.

One requests Session with urllib3 retries: bounded attempts with exponential
backoff on 429 and 5xx, a timeout on every request, a User-Agent, and an
optional token from the environment. Nothing a server does can hold the daily
job: an answer is read as a stream and refused past ``max_bytes``; a server
that asks to retry later than ``max_retry_after`` is given up on at once, not
waited for; and a whole fetch has a deadline, past which each day still
missing is reported as given up ("gave up on DAY: reason"), so the workflow's
alert step always runs.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from paperfeed import __version__
from paperfeed.config import Settings
from paperfeed.sources import Batch, SourceError, arxiv, hf_daily

USER_AGENT = f"paperfeed/{__version__} (+https://github.com/paperfeed/paperfeed)"
TOKEN_ENV = "HF_TOKEN"
_CHUNK = 64 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 2.0
    max_retry_after: float = 120.0
    max_bytes: int = 10_000_000


def http_settings(settings: Settings) -> HttpSettings:
    """The HTTP limits of ``settings`` (mkdocs.yml's extra.paperfeed)."""
    return HttpSettings(timeout=settings.timeout, retries=settings.retries, backoff=settings.backoff,
                        max_retry_after=settings.max_retry_after, max_bytes=settings.max_response_bytes)


class HttpStatus(SourceError):
    """The server answered with an error status (after any retries)."""

    def __init__(self, message: str, status: int, retry_after: float | None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Unreachable(SourceError):
    """The server could not be reached at all (no network, a wrong host): later days would fail too."""


class GaveUp(SourceError):
    """A request was abandoned (deadline, size, a server asking to wait too long); the
    message says why, and the caller says what was given up ("gave up on DAY: …")."""


class Deadline:
    """The moment a whole fetch must end by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def run(self, what: str, work: Callable[[], T]) -> T:
        """``work()``, unless the deadline passes first: then GaveUp. The work runs in a
        daemon thread that is left behind, so a server that drips one byte every few
        seconds (each read within the timeout) cannot hold the fetch past its deadline."""
        if self.left() <= 0:
            raise GaveUp(f"the fetch's deadline ({self.seconds:.0f} s) passed before {what} was asked for")
        box: dict[str, object] = {}

        def target() -> None:
            try:
                box["value"] = work()
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        thread = threading.Thread(target=target, daemon=True, name=f"paperfeed fetch {what}")
        thread.start()
        thread.join(max(self.left(), 0.0))
        if thread.is_alive():
            raise GaveUp(f"no complete answer within the fetch's deadline "
                         f"({self.seconds:.0f} s, extra.paperfeed.fetch_deadline)")
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["value"]  # type: ignore[return-value]


class _RetryTooLate(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class _BoundedRetry(Retry):
    """urllib3's Retry, but a Retry-After longer than ``max_retry_after`` ends the retries
    at once: waiting hours (Retry-After: 100000) would only hold the job."""

    max_retry_after = 120.0

    def sleep_for_retry(self, response=None):  # type: ignore[no-untyped-def]
        seconds = _retry_after(response.headers.get("Retry-After")) if response is not None else None
        if seconds is not None and seconds > self.max_retry_after:
            raise _RetryTooLate(seconds)
        return super().sleep_for_retry(response)

    def new(self, **kw):  # type: ignore[no-untyped-def]
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number, or an HTTP date); urllib3 caps it before we could see it."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max((when - dt.datetime.now(dt.timezone.utc)).total_seconds(), 0.0)


def session(settings: HttpSettings, *, token: str | None = None, status_retries: bool = True) -> requests.Session:
    """A session with bounded retries; ``status_retries`` False leaves 429 and 5xx answers to
    the caller (arXiv's client retries them itself, keeping to its pacing)."""
    retry = _BoundedRetry(
        # a host that cannot be reached is tried twice at most: no network fails in seconds, not minutes
        total=settings.retries, connect=min(settings.retries, 1), read=settings.retries,
        status=settings.retries if status_retries else 0, backoff_factor=settings.backoff,
        status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True, raise_on_status=False,
    )
    retry.max_retry_after = settings.max_retry_after
    s = requests.Session()
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.headers["User-Agent"] = USER_AGENT
    s.headers["Accept"] = "application/json"
    if token:
        s.headers["Authorization"] = f"Bearer {token}"
    return s


def _get(s: requests.Session, url: str, params: dict[str, str], settings: HttpSettings) -> str:
    try:
        response = s.get(url, params=params, timeout=settings.timeout, stream=True)
    except _RetryTooLate as exc:
        raise GaveUp(f"GET {url} {params}: the server asked to retry after {exc.seconds:.0f} s, more than "
                     f"{settings.max_retry_after:.0f} s (extra.paperfeed.max_retry_after)") from None
    except requests.ConnectionError as exc:
        host = urlsplit(url).netloc
        raise Unreachable(f"cannot reach {host} ({_short(exc)}): is the network up, and the URL right?") from None
    except requests.RequestException as exc:
        raise SourceError(f"GET {url} {params}: {type(exc).__name__}: {_reason(exc)}") from None
    with response:
        if response.status_code != 200:
            retried = f" after {settings.retries} retries" if response.status_code in (429, 500, 502, 503, 504) else ""
            hint = " (no such API here: the URL is the API's base, such as https://huggingface.co/api)" \
                if response.status_code == 404 else ""
            raise HttpStatus(f"GET {response.url}: HTTP {response.status_code}{retried}{hint}", response.status_code,
                             _retry_after(response.headers.get("Retry-After")))
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > settings.max_bytes:
            raise GaveUp(f"GET {response.url}: the answer is {int(declared):,} bytes, more than "
                         f"{settings.max_bytes:,} (extra.paperfeed.max_response_bytes)")
        body = bytearray()
        try:
            for chunk in response.iter_content(_CHUNK):
                body += chunk
                if len(body) > settings.max_bytes:
                    raise GaveUp(f"GET {response.url}: the answer passed {settings.max_bytes:,} bytes "
                                 "(extra.paperfeed.max_response_bytes)")
        except requests.RequestException as exc:
            raise SourceError(f"GET {response.url}: {type(exc).__name__}: {_reason(exc)}") from None
    try:
        return body.decode(response.encoding or "utf-8", errors="replace")
    except (LookupError, UnicodeError):  # a charset Python does not know, or cannot decode with
        return body.decode("utf-8", errors="replace")


def _short(exc: Exception) -> str:
    """The last, most specific words of a connection error ("Name or service not known")."""
    text = _reason(exc)
    for marker in ("Failed to resolve", "Connection refused", "Name or service not known", "timed out",
                   "Network is unreachable", "No route to host"):
        if marker.lower() in text.lower():
            return marker.lower()
    return text.rsplit(": ", 1)[-1][:120]


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.split("(Caused by ")[-1].rstrip(")") if "Caused by" in text else text


def fetch_day(s: requests.Session, api_url: str, day: dt.date, settings: HttpSettings) -> Batch:
    """One featured day from the daily papers API. A weekend answers an empty list."""
    url = f"{api_url.rstrip('/')}/daily_papers"
    text = _get(s, url, {"date": day.isoformat()}, settings)
    source = f"{url}?date={day.isoformat()}"
    try:
        parsed = hf_daily.parse(text, source=source, day=day)
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    return Batch(parsed.papers, [], parsed.problems, parsed.items, {day} if parsed.items else set(),
                 parsed.notices(source))


def hf_token() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


class ArxivClient:
    """Searches of the arXiv API, never more than one per ``interval`` seconds, on one connection."""

    def __init__(self, api_url: str, settings: HttpSettings, *, interval: float = 3.0) -> None:
        self.api_url = api_url
        self.settings = settings
        self.interval = interval
        self._session = session(settings, status_retries=False)
        self._session.headers["Accept"] = "application/atom+xml"
        self._last = 0.0

    def _ask(self, params: dict[str, str]) -> str:
        """One answer; 429 and 5xx are asked again (at most ``retries`` times), each time after
        the pacing interval, the backoff and the server's Retry-After, whichever is longest."""
        pause = 0.0
        for attempt in range(self.settings.retries + 1):
            wait = max(self._last + self.interval - time.monotonic(), pause)
            if wait > 0:
                time.sleep(wait)
            try:
                return _get(self._session, self.api_url, params, self.settings)
            except HttpStatus as exc:
                if exc.status not in (429, 500, 502, 503, 504) or attempt == self.settings.retries:
                    raise
                if exc.retry_after is not None and exc.retry_after > self.settings.max_retry_after:
                    raise GaveUp(f"{exc}: the server asked to retry after {exc.retry_after:.0f} s, more than "
                                 f"{self.settings.max_retry_after:.0f} s (extra.paperfeed.max_retry_after)") from None
                pause = max(self.settings.backoff * 2 ** attempt, exc.retry_after or 0.0)
            finally:
                self._last = time.monotonic()
        raise AssertionError("unreachable")

    def search_title(self, title: str, *, max_results: int = 5) -> list:
        # arXiv's phrase search chokes on quotes and colons; words are enough to rank the title first
        words = " ".join("".join(ch if ch.isalnum() else " " for ch in title).split())
        params = {"search_query": f'ti:"{words}"', "start": "0", "max_results": str(max_results)}
        text = self._ask(params)
        try:
            return arxiv.parse(text, source=self.api_url)[0]
        except arxiv.ArxivError as exc:
            raise SourceError(str(exc)) from None

    def entries(self, params: dict[str, str], *, source: str) -> arxiv.Parsed:
        """One page of a search, entry by entry; arXiv's overload answers raise ArxivError."""
        return arxiv.parse_entries(self._ask(params), source=source)
