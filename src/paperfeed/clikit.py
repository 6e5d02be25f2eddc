"""The pieces every ``paperfeed`` command shares: settings from the context, option
callbacks, the progress bar, the summary line, and the one place where library
errors become a clean message and a non-zero exit."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from paperfeed import config
from paperfeed import site as site_mod
from paperfeed.site import plural
from paperfeed.archive import enrich as enrich_mod
from paperfeed.archive import lock as lock_mod
from paperfeed.archive import review as review_mod
from paperfeed.archive.store import ArchiveError, printable_path
from paperfeed.archive.update import Outcome
from paperfeed.model import Paper
from paperfeed.publish import background
from paperfeed.tagging import Taxonomy, TaxonomyError
from paperfeed.sources import Batch, SourceError, daily
from paperfeed.sources import http as http_mod

ERRORS = (ArchiveError, SourceError, config.ConfigError, enrich_mod.LookupTableError, TaxonomyError,
          site_mod.BuildError, review_mod.ReviewError, lock_mod.LockedError, background.BackgroundError)


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


def http_settings(settings: config.Settings) -> http_mod.HttpSettings:
    return http_mod.http_settings(settings)


def files_in(folder: Path) -> list[Path]:
    """The files of ``folder`` to import, in order; hidden files and folders (.git) are not data."""
    found = []
    for where, subfolders, names in os.walk(folder):  # never into a linked folder
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        found += [Path(where) / n for n in names if not n.startswith(".")]
    return sorted(found)


def report(batch: Batch, outcome: Outcome) -> None:
    for warning in batch.warnings:
        click.echo(f"note: {warning}", err=True)
    for path in outcome.swept:
        click.echo(f"note: removed {path}, left by a command that was killed while writing", err=True)
    for problem in batch.problems:
        click.echo(f"{'skipped' if problem.skipped else 'dropped'}: {problem}", err=True)
    for conflict in outcome.conflicts:
        click.echo(f"skipped: {conflict}", err=True)
    days = f"{len(batch.days)} day{'s' if len(batch.days) != 1 else ''}, "
    papers = len(outcome.new) + len(outcome.updated) + len(outcome.unchanged)
    skipped = sum(p.skipped for p in batch.problems) + len(outcome.conflicts)
    dropped = len(batch.problems) - skipped
    fields = f", {dropped} bad field{'s' if dropped != 1 else ''} dropped" if dropped else ""
    click.echo(f"{days}{batch.items} items → {papers} papers: {outcome.summary()}, {skipped} skipped{fields}")


def dry_run_report(got: daily.Fetched) -> None:
    """What a fetch would keep and drop, and why (``paperfeed fetch --dry-run``)."""
    for listing in got.listings:
        for paper, kind, why in listing.kept:
            click.echo(f"{listing.day.isoformat()} keep {paper.id} ({kind}) {paper.title[:70]!r}: {why}")
        for paper, kind, why in listing.dropped:
            click.echo(f"{listing.day.isoformat()} drop {paper.id} ({kind}) {paper.title[:70]!r}: {why}")
        for paper in listing.replaced:
            click.echo(f"{listing.day.isoformat()} update {paper.id} (replace) {paper.title[:70]!r}: "
                       "a new version, for a paper the archive has")
    batch = got.batch
    hf = len(batch.papers) - sum(len(listing.featured) for listing in got.listings)
    if hf:
        click.echo(f"{plural(hf, 'paper')} from Hugging Face (no filters)")
    click.echo(f"dry run: {plural(len(batch.papers), 'paper')} and {plural(len(batch.updates), 'new version')} "
               "would be applied; nothing was written")


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


def print_problems(problems: list[ArchiveError]) -> None:
    """Each problem as ``file:line: message`` on stderr, and under GitHub Actions also as an
    ``::error`` annotation, escaped as GitHub's workflow-command rules say, so no file
    name or message can inject a command of its own (``::stop-commands``)."""
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        where = os.path.relpath(problem.path)  # GitHub places annotations by repository-relative path
        line = f":{problem.line}" if problem.line else ""
        click.echo(f"{printable_path(where)}{line}: {printable_path(problem.message)}", err=True)
        if github:
            props = f"file={escape_property(where)}" + (f",line={problem.line}" if problem.line else "")
            click.echo(f"::error {props}::{escape_data(problem.message)}")


def escape_data(text: str) -> str:
    """A workflow command's message (actions/toolkit's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (actions/toolkit's escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def explanation(taxonomy: Taxonomy, paper: Paper) -> list[str]:
    """``paperfeed tags --explain``: each tag with evidence, its score against its threshold, and why."""
    lines = [f"{paper.id}: {paper.title}"]
    for e in taxonomy.explain(paper):
        verdict = "applies" if e.applies else "no"
        how = "by hand" if e.by_hand else f"{e.score:g} of {e.threshold:g}"
        lines.append(f"  {e.slug:<24} {verdict:<8} {how}")
        for name, phrase, weight in e.found:
            lines.append(f"      {name:<9} {phrase!r} (counts {weight:g})")
        if e.categories:
            lines.append(f"      category  {', '.join(e.categories)}")
        if e.implied_by:
            lines.append(f"      implied by {', '.join(e.implied_by)}")
    return lines
