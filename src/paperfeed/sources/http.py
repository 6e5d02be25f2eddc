"""HTTP clients for the live sources: the Hugging Face daily papers API and arXiv.

One requests Session with urllib3 retries: bounded attempts with exponential
backoff on 429 and 5xx, honouring Retry-After (capped, so a misbehaving server
cannot park the daily job for hours), a timeout on every request, a
User-Agent, and an optional token from the environment.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from paperfeed import __version__
from paperfeed.sources import Batch, SourceError, arxiv, hf_daily

USER_AGENT = f"paperfeed/{__version__} (+https://github.com/paperfeed/paperfeed)"
TOKEN_ENV = "HF_TOKEN"


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 2.0
    max_retry_after: float = 120.0


class _CappedRetry(Retry):
    """urllib3's Retry, with Retry-After waits capped at ``max_retry_after``."""

    max_retry_after = 120.0

    def get_retry_after(self, response):  # type: ignore[no-untyped-def]
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.max_retry_after)

    def new(self, **kw):  # type: ignore[no-untyped-def]
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry


def session(settings: HttpSettings, *, token: str | None = None) -> requests.Session:
    retry = _CappedRetry(
        total=settings.retries, connect=settings.retries, read=settings.retries,
        status=settings.retries, backoff_factor=settings.backoff,
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
        response = s.get(url, params=params, timeout=settings.timeout)
    except requests.RequestException as exc:
        raise SourceError(f"GET {url} {params}: {type(exc).__name__}: {_reason(exc)}") from None
    if response.status_code != 200:
        retried = f" after {settings.retries} retries" if response.status_code in (429, 500, 502, 503, 504) else ""
        raise SourceError(f"GET {response.url}: HTTP {response.status_code}{retried}")
    response.encoding = response.encoding or "utf-8"
    return response.text


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
    return Batch(parsed.papers, parsed.problems, parsed.items, {day} if parsed.items else set(),
                 parsed.notices(source))


def hf_token() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


class ArxivClient:
    """Title searches against the arXiv API, never more than one per ``interval`` seconds."""

    def __init__(self, api_url: str, settings: HttpSettings, *, interval: float = 3.0) -> None:
        self.api_url = api_url
        self.settings = settings
        self.interval = interval
        self._session = session(settings)
        self._session.headers["Accept"] = "application/atom+xml"
        self._last = 0.0

    def search_title(self, title: str, *, max_results: int = 5) -> list:
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        # arXiv's phrase search chokes on quotes and colons; words are enough to rank the title first
        words = " ".join("".join(ch if ch.isalnum() else " " for ch in title).split())
        params = {"search_query": f'ti:"{words}"', "start": "0", "max_results": str(max_results)}
        try:
            text = _get(self._session, self.api_url, params, self.settings)
        finally:
            self._last = time.monotonic()
        try:
            return arxiv.parse(text, source=self.api_url)
        except arxiv.ArxivError as exc:
            raise SourceError(str(exc)) from None
