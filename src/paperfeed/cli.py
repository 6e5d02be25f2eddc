"""The ``paperfeed`` command: a thin click layer over the library.

Each command's docstring is its ``--help``. Library errors are turned into a
one-line message and a non-zero exit at the edge (clikit.handle_errors), and
nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path

import click

from paperfeed import __version__, clikit, config
from paperfeed import site as site_mod
from paperfeed.archive import check as check_mod
from paperfeed.archive import enrich as enrich_mod
from paperfeed.archive import review as review_mod
from paperfeed.archive.update import apply
from paperfeed.sources import Batch, SourceError, daily, read_file
from paperfeed.sources.daily import SOURCE_NAMES
from paperfeed.sources import http as http_mod
from paperfeed.tagging import Taxonomy
from paperfeed.tagging import stats as tag_stats


@click.group()
@click.version_option(__version__, prog_name="paperfeed")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The settings file (default: the nearest mkdocs.yml).")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None) -> None:
    """paperfeed: a daily feed of research papers as a static site.

    The archive (papers/) is one Markdown file per paper; these commands fill
    it, check it and turn it into a site.
    """
    try:
        settings = config.load(config_file)
    except config.ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.obj = {"settings": settings, "config_file": config_file or config.find_config(Path.cwd())}


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--date", "day", callback=clikit.parse_date, metavar="YYYY-MM-DD",
              help="The featured day of a page scrape (the page shows no year).")
@clikit.papers_option
@click.pass_context
@clikit.handle_errors
def import_(ctx: click.Context, paths: tuple[Path, ...], day: dt.date | None, papers: Path | None) -> None:
    """Import saved files into the archive.

    Each PATH is a file or a folder of files: Hugging Face daily papers API
    JSON, arXiv API Atom, or a plain-text scrape of the papers page; the kind
    is detected from the content. Items that cannot be read are reported
    with their file and index and skipped. Importing the same input twice
    changes nothing.

    Example:

        paperfeed import saved/2025-03-14.json

        paperfeed import scrape.txt --date 2025-03-14
    """
    files = [f for p in paths for f in (clikit.files_in(p) if p.is_dir() else [p])]
    batch, unreadable = Batch(), []
    with clikit.progress(len(files), "Reading") as step:
        for file in files:
            try:
                batch.extend(read_file(file, day=day))
            except SourceError as exc:  # one bad file (a README, a binary) does not stop the others
                unreadable.append(str(exc))
            step(1)
    outcome = apply(clikit.papers_dir(ctx, papers), batch.papers, notes=clikit.settings_of(ctx).notes_dir)
    clikit.report(batch, outcome)
    if unreadable:
        for failure in unreadable:
            click.echo(f"error: {failure}", err=True)
        raise click.ClickException(f"{len(unreadable)} of {len(files)} files could not be read (the others were "
                                   f"imported): {unreadable[0]}")


@cli.command()
@click.option("--date", "day", callback=clikit.parse_date, metavar="YYYY-MM-DD", help="Fetch this one day.")
@click.option("--days", type=int, help="Fetch the last N days, today included (default: 3).")
@click.option("--since", callback=clikit.parse_date, metavar="YYYY-MM-DD", help="Backfill from this day…")
@click.option("--until", callback=clikit.parse_date, metavar="YYYY-MM-DD", help="…to this day (default: today).")
@click.option("--source", type=click.Choice(SOURCE_NAMES), help="Fetch from this source only (default: every "
              "source enabled in extra.paperfeed.sources).")
@click.option("--api-url", help="The daily papers API base URL (default: extra.paperfeed.api_url).")
@click.option("--arxiv-url", help="The arXiv API URL (default: extra.paperfeed.arxiv_api_url).")
@click.option("--dry-run", is_flag=True, help="Fetch, and say what would be kept and dropped and why; write nothing.")
@clikit.papers_option
@click.pass_context
@clikit.handle_errors
def fetch(ctx: click.Context, day: dt.date | None, days: int | None, since: dt.date | None,
          until: dt.date | None, source: str | None, api_url: str | None, arxiv_url: str | None, dry_run: bool,
          papers: Path | None) -> None:
    """Fetch papers from the enabled sources: Hugging Face's daily papers, arXiv's listings.

    Hugging Face's days are the days papers were featured; arXiv's are
    announcement days, of the categories in extra.paperfeed.sources.arxiv,
    kept or dropped by its include and exclude phrases (--dry-run shows which
    and why). By default the last 3 days are fetched again, because a day's
    list keeps growing during that day. Weekends and empty days are not
    errors. A day that fails (after bounded retries that honour Retry-After
    and arXiv's overload answers) is reported, the other days are still
    saved, and the command exits non-zero. No server can hold it: answers
    over max_response_bytes, a Retry-After over max_retry_after and anything
    past the whole fetch's fetch_deadline are given up ("gave up on DAY:
    why"). A token in HF_TOKEN is sent to Hugging Face when set.

    Example:

        paperfeed fetch --since 2025-01-01 --until 2025-01-31

        paperfeed fetch --source arxiv --date 2025-11-26 --dry-run
    """
    settings = clikit.settings_of(ctx)
    wanted = clikit.days_wanted(day, days, since, until, settings.fetch_days)
    names = (source,) if source else settings.sources.names
    click.echo(f"Fetching {clikit.plural(len(wanted), 'day')} from {' and '.join(names) or 'no source'} "
               f"(at most {settings.fetch_deadline:.0f} s)", err=True)
    with clikit.progress(len(wanted) * len(names), "Fetching") as step:
        got = daily.fetch(settings, wanted, only=source, hf_url=api_url, arxiv_url=arxiv_url, step=step)
    if dry_run:
        clikit.dry_run_report(got)
    else:
        outcome = apply(clikit.papers_dir(ctx, papers), got.batch.papers, notes=settings.notes_dir,
                        updates=got.batch.updates)
        clikit.report(got.batch, outcome)
    if got.failures:
        for failure in got.failures[:5]:
            click.echo(f"error: {failure}", err=True)
        if len(got.failures) > 5:
            click.echo(f"error: … and {len(got.failures) - 5} more like these", err=True)
        raise click.ClickException(f"{len(got.failures) + got.not_asked} of {got.asked + got.not_asked} days failed: "
                                   f"{got.failures[0]}")


@cli.command()
@click.option("--base", metavar="REV", help="Also compare with this git revision (a pull request's base): "
              "only people-owned keys and notes may change.")
@click.option("--author", metavar="HANDLE", help="With --base: the pull request's author, who may add notes "
              "signed with this handle and edit or delete only those.")
@clikit.papers_option
@click.pass_context
@clikit.handle_errors
def check(ctx: click.Context, base: str | None, author: str | None, papers: Path | None) -> None:
    """Validate the archive and the notes, and exit non-zero on any problem.

    Reports YAML and schema errors with file and line, duplicate ids, files
    whose name does not follow from their id, stray files (symbolic links,
    temp files, other kinds), and notes that break the rules (author, date,
    size, http(s) links only, no HTML that runs script). With --base, a
    change to what the daily fetch owns, a paper added, moved or removed, a
    note changed by someone other than who signed it (--author), a symbolic
    link anywhere, and a move of the archive in mkdocs.yml are errors too.
    Under GitHub Actions the problems are also annotations on the files' lines.

    Example:

        paperfeed check --base origin/main --author octocat
    """
    settings = clikit.settings_of(ctx)
    root = clikit.papers_dir(ctx, papers)
    result = check_mod.check(root, settings.notes_dir)
    problems = list(result.problems)
    if base:
        config_file = ctx.obj["config_file"]
        before = review_mod.settings_at(review_mod.top_of(config_file), base, config_file) if config_file else None
        problems += review_mod.settings_moved(before, config_file, settings) if config_file else []
        problems += review_mod.review(root, base, notes=settings.notes_dir, author=author,
                                      maintainers=(before or settings).maintainers)
        if author is None:
            click.echo("note: without --author, who signed each note is not checked", err=True)
    clikit.print_problems(problems)
    notes = sum(len(n) for n in result.notes.values())
    click.echo(f"{result.papers} papers and {notes} notes checked: {clikit.plural(len(problems), 'problem')}")
    if problems:
        sys.exit(1)


@cli.command()
@click.option("--lookup", "table", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Look ids up in this TSV table instead of the arXiv API.")
@click.option("--api-url", help="The arXiv API URL (default: extra.paperfeed.arxiv_api_url).")
@clikit.papers_option
@click.pass_context
@clikit.handle_errors
def enrich(ctx: click.Context, table: Path | None, api_url: str | None, papers: Path | None) -> None:
    """Find arXiv ids, authors and dates for papers that came from a scrape.

    Each paper without an arXiv id is looked up by title (one arXiv request
    every 3 seconds, as arXiv asks) and, on an exact title match, gets its id,
    authors and first-version date; its file moves to where the id says.
    Nothing already filled in is changed.

    Example:

        paperfeed enrich --lookup seed.arxiv.tsv
    """
    settings = clikit.settings_of(ctx)
    if table is not None:
        lookup = enrich_mod.table_lookup(enrich_mod.read_lookup_table(table))
    else:
        http = clikit.http_settings(settings)
        client = http_mod.ArxivClient(api_url or settings.arxiv_api_url, http, interval=settings.arxiv_interval)
        lookup = enrich_mod.search_lookup(client.search_title)
    result = enrich_mod.enrich(clikit.papers_dir(ctx, papers), lookup, notes=settings.notes_dir)
    for missing in result.missing:
        click.echo(f"not found: {missing}", err=True)
    click.echo(f"{len(result.found) + len(result.missing)} papers without an id: "
               f"{len(result.found)} found, {len(result.missing)} not found")
    if result.stopped:
        raise click.ClickException(f"stopped early, the papers found so far are saved: {result.stopped}")


@cli.command()
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning (as the publish workflow does).")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Where to write the site.")
@click.option("--clean", is_flag=True, help="Rebuild everything, not only what changed since the last build.")
@click.option("--timings", is_flag=True, help="Print how long each stage took, and the build's peak memory when it ended.")
@click.option("--allow-empty", is_flag=True, help="Build even when the archive holds no paper (an empty site).")
@clikit.papers_option
@click.pass_context
@clikit.handle_errors
def build(ctx: click.Context, strict: bool, site_dir: Path | None, clean: bool, timings: bool, allow_empty: bool,
          papers: Path | None) -> None:
    """Build the static site from the archive.

    Reads and checks every paper file (nothing is written if one is broken,
    or if the archive is missing or empty, unless --allow-empty),
    writes the generated pages (home, days, papers, tags, archive), the
    feeds (RSS, Atom, JSON Feed, OPML) and the search index under docs/,
    then runs the MkDocs build with Material into site/. A build redoes only
    what changed since the last one (the cache is in .cache/paperfeed/);
    the site is the same byte for byte either way.

    Example:

        paperfeed build --strict --site-dir public
    """
    settings = clikit.settings_of(ctx)
    if papers is not None:
        settings = dataclasses.replace(settings, papers=str(papers.resolve()))
    start = time.perf_counter()
    result = site_mod.build(settings=settings, config_file=clikit.config_file_of(ctx), strict=strict,
                            site_dir=site_dir, clean=clean, allow_empty=allow_empty)
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    if timings:
        for stage, seconds in result.timings.items():  # in the order they ran
            click.echo(f"{seconds:8.2f} s  {result.peaks.get(stage, 0):>7,} MB  {stage}")
        computed, changed = result.related
        click.echo(f"related papers: {computed:,} lists computed in full, {changed:,} changed")
    how = "only what changed rebuilt" if result.incremental else "clean build"
    click.echo(f"{result.papers} papers → {result.pages} pages ({result.written} written, "
               f"{result.deleted} removed; {how}) in {time.perf_counter() - start:.1f} s")


@cli.command()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@clikit.papers_option
@click.pass_context
@clikit.handle_errors
def serve(ctx: click.Context, dev_addr: str, papers: Path | None) -> None:
    """Build the site and serve it with live reload for a local preview.

    The site is served at site_url's path on this address (for
    https://owner.github.io/repo/, http://127.0.0.1:8000/repo/), printed when
    it is ready. Whenever a paper, a note, the taxonomy, mkdocs.yml or a
    hand-written page changes, what changed is built again and the browser
    reloads.

    Example:

        paperfeed serve --dev-addr 127.0.0.1:8000
    """
    from paperfeed import preview

    settings = clikit.settings_of(ctx)
    if papers is not None:
        settings = dataclasses.replace(settings, papers=str(papers.resolve()))
    preview.serve(settings=settings, config_file=clikit.config_file_of(ctx), dev_addr=dev_addr,
                  say=lambda line: click.echo(line, err=True))


@cli.command()
@click.option("--stats", "show_stats", is_flag=True, help="Print how many papers each tag has.")
@click.option("--eval", "labels", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Measure the tags against papers labelled by reading (JSON Lines: id, tags, unsure).")
@click.option("--explain", "explain_id", metavar="ID", help="Show why each tag applies to this paper.")
@clikit.papers_option
@click.pass_context
@clikit.handle_errors
def tags(ctx: click.Context, show_stats: bool, labels: Path | None, explain_id: str | None,
         papers: Path | None) -> None:
    """Apply the taxonomy to the archive and report coverage, quality or reasons.

    Tags come from taxonomy.yml (extra.paperfeed.taxonomy): phrases weighed by
    where they are (title, the source's keywords, the abstract), arXiv
    categories, and implications; hand-written tags always apply. --eval
    prints micro and per-tag precision, recall and F1 against a label file;
    --explain shows which phrases, in which fields, gave each tag its score.

    Example:

        paperfeed tags --eval labels.jsonl

        paperfeed tags --explain 2405.15738
    """
    from paperfeed.tagging import evaluate as eval_mod

    settings = clikit.settings_of(ctx)
    taxonomy = Taxonomy.load(settings.root / settings.taxonomy)
    report = check_mod.check(clikit.papers_dir(ctx, papers))
    all_papers = [e.paper for e in report.entries]
    if explain_id is not None:
        paper = next((p for p in all_papers if p.id == explain_id), None)
        if paper is None:
            raise click.ClickException(f"no paper {explain_id!r} in {clikit.papers_dir(ctx, papers)}")
        for line in clikit.explanation(taxonomy, paper):
            click.echo(line)
        return
    if labels is not None:
        try:
            found = eval_mod.evaluate(eval_mod.read_labels(labels), {p.id: taxonomy.tags_for(p) for p in all_papers})
        except eval_mod.LabelsError as exc:
            raise click.ClickException(str(exc)) from None
        for line in eval_mod.table(found):
            click.echo(line)
        return
    tagged, counts = tag_stats(taxonomy, all_papers)
    total = len(all_papers) or 1
    if show_stats:
        # every tag of the taxonomy, those with no paper too (a new tag that matches nothing
        # must show), then tags added by hand; most papers first
        slugs = [t.slug for t in taxonomy.tags] + sorted(set(counts) - set(taxonomy.by_slug))
        click.echo(f"{'tag':<28} {'papers':>7} {'share':>7}")
        for slug in sorted(slugs, key=lambda s: -counts[s]):
            hand = "" if slug in taxonomy.by_slug else "  (added by hand)"
            click.echo(f"{slug:<28} {counts[slug]:>7,} {counts[slug] / total:>7.1%}{hand}")
    top = counts.most_common(1)[0] if counts else ("-", 0)
    click.echo(f"{len(all_papers)} papers: {tagged} tagged ({tagged / total:.1%}), {len(counts)} tags, "
               f"largest {top[0]} on {top[1] / total:.1%}")
    if report.problems:  # the figures above leave these files out
        clikit.print_problems(report.problems)
        raise click.ClickException(f"{clikit.plural(len(report.problems), 'file')} could not be read "
                                   "(run 'paperfeed check'); the figures leave them out")


def main() -> None:  # pragma: no cover - the console script
    cli()
