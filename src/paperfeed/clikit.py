"""The pieces every ``paperfeed`` command shares: settings from the context, option
callbacks, the progress bar, the summary line, and the one place where library
errors become a clean message and a non-zero exit."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from paperfeed import config
from paperfeed import site as site_mod
from paperfeed.archive import enrich as enrich_mod
from paperfeed.archive import review as review_mod
from paperfeed.archive.store import ArchiveError
from paperfeed.pages.taxonomy import TaxonomyError
from paperfeed.sources import Batch, SourceError

ERRORS = (ArchiveError, SourceError, config.ConfigError, enrich_mod.LookupTableError, TaxonomyError,
          site_mod.BuildError, review_mod.ReviewError)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def settings_of(ctx: click.Context) -> config.Settings:
    return ctx.obj["settings"]


def papers_dir(ctx: click.Context, papers: Path | None) -> Path:
    return papers if papers is not None else settings_of(ctx).papers_dir


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ERRORS as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


papers_option = click.option(
    "--papers", type=click.Path(file_okay=False, path_type=Path),
    help="The archive folder (default: extra.paperfeed.papers in mkdocs.yml, else papers/).",
)


@contextmanager
def progress(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silent in CI and pipes."""
    if not sys.stderr.isatty() or length < 2:
        yield lambda n: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def config_file_of(ctx: click.Context) -> Path:
    path = ctx.obj["config_file"]
    if path is None:
        raise click.ClickException("no mkdocs.yml here or above: run from the site's folder or pass --config")
    return path


def report(batch: Batch, outcome_summary: str, *, papers: int) -> None:
    for warning in batch.warnings:
        click.echo(f"note: {warning}", err=True)
    for problem in batch.problems:
        click.echo(f"skipped: {problem}", err=True)
    days = f"{len(batch.days)} day{'s' if len(batch.days) != 1 else ''}, "
    click.echo(f"{days}{batch.items} items → {papers} papers: {outcome_summary}, {len(batch.problems)} skipped")


def days_wanted(day: dt.date | None, days: int | None, since: dt.date | None, until: dt.date | None,
          default: int) -> list[dt.date]:
    today = dt.datetime.now(dt.timezone.utc).date()
    if sum(x is not None for x in (day, days, since)) > 1:
        raise click.UsageError("give one of --date, --days and --since")
    if until is not None and since is None:
        raise click.UsageError("--until goes with --since")
    if day is not None:
        return [day]
    if since is not None:
        end = until or today
        if end < since:
            raise click.UsageError("--until is before --since")
        return [since + dt.timedelta(n) for n in range((end - since).days + 1)]
    count = days if days is not None else default
    if count < 1:
        raise click.UsageError("--days must be at least 1")
    return [today - dt.timedelta(n) for n in reversed(range(count))]
