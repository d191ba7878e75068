"""``briefing build``: the one-page brief from articles."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import time
from typing import TYPE_CHECKING

import click

from briefing.cli.options import (
    BACKEND_HELP,
    EXIT_USAGE,
    MODEL_HELP,
    GateCommand,
    fail,
    load,
    model_options,
    say_usage,
    web,
    web_options,
)
from briefing.cli.options import model_run as run_model
from briefing.cli.options import settings as load_settings
from briefing.errors import BriefingError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from briefing.ingest.web import WebOptions
    from briefing.llm.settings import Settings
    from briefing.models import Brief, Change
    from briefing.pipeline import Loaded

_EXAMPLES = """
\b
Examples:
  briefing build examples/articles -o brief.html
  briefing build https://example.org/news/story -o brief.html
  briefing build --feed https://example.org/rss --since 24h -o brief.pdf
  briefing build today/*.html -o brief.pdf --paper Letter
  briefing build today/ -o brief.eml --email-from 'Desk <desk@example.org>'
  briefing build today/ -o brief.md --pages 2
  cat article.txt | briefing build - -o brief.md
"""
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@click.command(epilog=_EXAMPLES, cls=GateCommand)
@click.argument("paths", nargs=-1)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the brief; the suffix picks the format: .html, .pdf, .md, "
    ".txt, .json (data) or .eml (an email message, plain text and HTML).",
)
@click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"], case_sensitive=False),
    default="A4",
    show_default=True,
    help="Page size the brief must fit on.",
)
@click.option(
    "--pages",
    "pages",
    default=None,
    metavar="N",
    help="Cut the brief to fit N pages, in any format. Default: one page for .pdf, .html and "
    ".eml; .md, .txt and .json keep every item.",
)
@click.option(
    "--all",
    "keep_all",
    is_flag=True,
    help="Keep every item, in any format: the PDF takes as many pages as it needs.",
)
@click.option(
    "--date",
    "date",
    default=None,
    help="The day of the brief (YYYY-MM-DD): printed on it, and articles dated another day "
    "are left out. Default: today, no filter.",
)
@click.option("--title", default=None, help="Title of the brief.")
@click.option(
    "--email-from",
    "email_from",
    default=None,
    metavar="ADDRESS",
    help="From address of an .eml brief. Env: BRIEFING_EMAIL_FROM. "
    "Default: Briefing <briefing@localhost>.",
)
@click.option(
    "--email-to",
    "email_to",
    multiple=True,
    metavar="ADDRESS",
    help="A recipient of an .eml brief (repeatable). Env: BRIEFING_EMAIL_TO, comma-separated. "
    "Default: none (the mail tool adds them).",
)
@model_options(
    BACKEND_HELP,
    MODEL_HELP,
    "OpenAI-compatible endpoint, e.g. http://localhost:8000/v1. Env: OPENAI_BASE_URL.",
)
@click.option(
    "--max-concurrency",
    type=int,
    default=None,
    help="Articles sent to the model at once (default 4).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print tokens and estimated cost per article and in total; call nothing.",
)
@web_options
@click.option(
    "--feeds-only",
    is_flag=True,
    help="Read the feeds alone (--feed and the [feeds] of briefing.toml); give no PATHS.",
)
@click.option(
    "--since-last",
    is_flag=True,
    help="Feed items since the last brief built from the same feeds and inputs (the first "
    "time: the last 24 hours), and say which articles are new, updated or unchanged since.",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no summary line; errors only.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 2 if any input could not be read (the brief is still written).",
)
def build(
    paths: tuple[str, ...],
    output: str,
    paper: str,
    pages: str | None,
    keep_all: bool,
    date: str | None,
    title: str | None,
    email_from: str | None,
    email_to: tuple[str, ...],
    backend: str | None,
    model: str | None,
    base_url: str | None,
    max_concurrency: int | None,
    dry_run: bool,
    feeds: tuple[str, ...],
    since: str | None,
    offline: bool,
    fetch_cache: str | None,
    feeds_only: bool,
    since_last: bool,
    quiet: bool,
    strict: bool,
) -> None:
    """Make the one-page brief from PATHS (files, folders, - for stdin, or http(s) URLs) and
    the feeds."""
    from briefing import pipeline
    from briefing.brief.mail import email_address
    from briefing.brief.render import PAGED_FORMATS, format_for, write

    settings = load_settings(backend, model, base_url, max_concurrency)
    reading = web(feeds, since, offline, fetch_cache, configured=not paths)
    if feeds_only and paths:
        raise click.UsageError("--feeds-only reads the feeds alone; give no PATHS")
    if feeds_only and not reading.feeds:
        fail("--feeds-only: no feeds; add --feed URL or a [feeds] list to briefing.toml")
    if not paths and not reading.feeds:
        raise click.UsageError("give PATHS (files, folders, -, URLs) or a --feed")
    daily = _Daily(paths, reading, title) if since_last else None
    if daily is not None and since is not None:
        raise click.UsageError("--since and --since-last cannot be used together")
    try:
        fmt = format_for(output)
    except BriefingError as e:
        raise click.UsageError(str(e)) from None
    date = _day(date)
    limit = _page_limit(pages, keep_all, fmt in PAGED_FORMATS)
    sender = email_from or os.environ.get("BRIEFING_EMAIL_FROM") or None
    recipients = list(email_to) or [
        a for a in os.environ.get("BRIEFING_EMAIL_TO", "").split(",") if a.strip()
    ]
    if fmt == "eml":
        try:  # a bad address fails before the articles are read
            if sender:
                email_address(sender, "--email-from")
            for addr in recipients:
                email_address(addr, "--email-to")
        except BriefingError as e:
            fail(str(e))
    page = "A4" if paper.lower() == "a4" else "Letter"
    started = time.perf_counter()
    loaded = load(paths, say_none=True, progress=not quiet, day=date, web=reading)
    changes = daily.compare(loaded) if daily is not None else None
    _one_per_story(loaded, changes)
    if dry_run:
        _dry_run(loaded, settings, date=date, title=title, pages=limit)
        return
    run = run_model(loaded, settings, usage=False) if settings.backend == "openai" else None
    with _refusals_said(quiet or run is None):
        brief = pipeline.compose(
            loaded.analyses, skipped=loaded.errors, date=date, title=title, run=run, pages=limit
        )
    if run is not None:  # the brief's usage: the articles' calls and its headlines call
        say_usage(brief.usage or run.usage, settings, run.withheld)
    if changes is not None and daily is not None:
        brief = _marked(brief, changes, daily.known(brief, loaded), quiet)
    if limit is not None:
        brief = pipeline.fit(brief, paper=page, pages=limit)
    try:
        out = write(brief, output, paper=page, sender=sender, to=recipients)
    except OSError as e:
        fail(f"cannot write {output}: {(e.strerror or str(e)).lower()}")
    if daily is not None:
        daily.record()
    if not quiet:
        kept = (
            f"{brief.omitted} item(s) left out to fit {limit} page(s)"
            if limit is not None
            else "every item kept"
        )
        if loaded.fetched:
            times = sorted(when for _, _, when, _ in loaded.fetched)
            cached = sum(1 for *_, from_cache in loaded.fetched if from_cache)
            span = times[0] if times[0] == times[-1] else f"{times[0]} to {times[-1]}"
            click.echo(
                f"briefing: read {len(loaded.fetched)} page(s) and feed(s) fetched {span}"
                + (f", {cached} from the cache" if cached else ""),
                err=True,
            )
        click.echo(
            f"briefing: wrote {out}: {len(loaded.analyses)} article(s) read, "
            f"{len(loaded.errors)} skipped, "
            f"{_developments(brief)} development(s), "
            f"{kept}, {time.perf_counter() - started:.1f} s",
            err=True,
        )
    if loaded.errors and strict:
        raise click.exceptions.Exit(EXIT_USAGE)


class _Said(logging.Handler):
    """Each record as one ``briefing:`` line on stderr, as the command says everything else."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"briefing: {record.getMessage()}", err=True)


@contextlib.contextmanager
def _refusals_said(quiet: bool) -> Iterator[None]:
    """While the brief is composed, each of the model's headlines and bottom-line sentences
    that verification withheld is said on stderr, one line naming the development and why
    (:mod:`briefing.llm.headline_check`), as the reasons for withheld model lines are shown by
    ``briefing extract``; ``--quiet`` says none."""
    from briefing.llm.headlines import log

    if quiet:
        yield
        return
    handler, level = _Said(logging.INFO), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def _one_per_story(loaded: Loaded, changes: dict[str, Change] | None) -> None:
    """A wire story carried by several outlets is one article with all its outlets
    (``ingest.wire``), so that the brief does not count its copies as corroboration. With
    ``--since-last`` each copy was compared with the last brief on its own; the article takes
    its state from theirs (``ingest.state.combined``)."""
    from briefing.ingest.state import combined
    from briefing.ingest.wire import one_per_story

    by_path = {an.article.path: (changes or {}).get(an.article.id) for an in loaded.analyses}
    loaded.analyses, folded = one_per_story(loaded.analyses)
    for line in folded:
        click.echo(f"briefing: warning: {line}", err=True)
    if changes is None:
        return
    for an in loaded.analyses:
        if an.article.copies:
            paths = [an.article.path, *(c.path for c in an.article.copies)]
            changes[an.article.id] = combined(by_path[p] or "new" for p in paths)


def _developments(brief: Brief) -> int:
    """How many developments the page carries: its stories where it has them (each a headline
    over its lines), else its development lines."""
    if brief.stories:
        return len(brief.stories)
    return len(brief.bottom_line) + len(brief.developments)


class _Daily:
    """``--since-last``: the window from the last brief of the same configuration, and what
    is new since (``ingest.state``). The next window starts when this run started, so nothing
    published while it ran is missed."""

    def __init__(self, paths: tuple[str, ...], reading: WebOptions, title: str | None) -> None:
        from briefing.ingest.state import RunState, config_key

        self.started = dt.datetime.now(dt.UTC)
        self.state = RunState(reading.cache_dir)
        self.key = config_key(paths, reading.feeds, title)
        last = self.state.last_built(self.key)
        self.last = last
        self.reads: list = []  # each input as read (``compare``), recorded once the brief is out
        self.told: dict = {}  # each development's signature (``known``), recorded with them
        reading.since = last or self.started - dt.timedelta(hours=24)

    def _read(self, loaded: Loaded) -> list:
        return [(an.article, " ".join(s.text for s in an.sentences)) for an in loaded.analyses]

    def compare(self, loaded: Loaded) -> dict[str, Change]:
        """Each article new, updated or unchanged since the last brief, said on stderr."""
        self.reads = self._read(loaded)  # each input as read, before copies are folded
        changes = self.state.changes(self.key, self.reads)
        counts = {c: sum(1 for v in changes.values() if v == c) for c in _CHANGES}
        when = self.last.isoformat(timespec="minutes") if self.last else "none; the last 24 h"
        click.echo(
            f"briefing: since the last brief ({when}): "
            + ", ".join(f"{counts[c]} {c}" for c in _CHANGES),
            err=True,
        )
        unchanged = [
            an.article.title or an.article.id
            for an in loaded.analyses
            if changes.get(an.article.id) == "unchanged"
        ]
        if unchanged:
            click.echo(f"briefing: unchanged: {'; '.join(unchanged)}", err=True)
        return changes

    def known(self, brief: Brief, loaded: Loaded) -> set[str]:
        """The brief's developments that the last brief told too (``brief.changes``); their
        signatures are kept for ``record``."""
        from briefing.brief.changes import known_stories, signatures

        self.told = signatures(brief, loaded.analyses)
        earlier = [(set(a), set(t)) for a, t in self.state.developments(self.key)]
        return known_stories(self.told, earlier)

    def record(self) -> None:
        told = [(list(a), list(t)) for a, t in self.told.values()]
        self.state.record(self.key, self.reads, self.started, told)
        self.state.close()


_CHANGES = ("new", "updated", "unchanged")


def _marked(brief: Brief, changes: dict[str, Change], known: set[str], quiet: bool) -> Brief:
    """The brief with each development marked new, updated or unchanged, the unchanged folded
    into one line (``brief.changes``), and how many of each said on stderr."""
    from briefing.brief.changes import counts, mark

    marked = mark(brief, changes, known)
    if not quiet:
        n = counts(marked)
        click.echo(
            "briefing: developments since the last brief: "
            + ", ".join(f"{n[c]} {c}" for c in _CHANGES)
            + (" (the unchanged folded into one line)" if n["unchanged"] else ""),
            err=True,
        )
    return marked


def _day(value: str | None) -> str | None:
    """``--date`` as a real calendar day (YYYY-MM-DD); one line and exit 2 otherwise."""
    if value is None:
        return None
    text = value.strip()
    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        fail(f"--date: {value!r} is not a date; use YYYY-MM-DD, e.g. 2024-06-14")


def _page_limit(pages: str | None, keep_all: bool, paged: bool) -> int | None:
    """How many pages to cut the brief to (None: keep every item): ``--pages N``, ``--all``,
    or the format's default (one page for PDF, HTML and email)."""
    if pages is not None and keep_all:
        fail("--pages and --all cannot be used together")
    if keep_all:
        return None
    if pages is None:
        return 1 if paged else None
    text = pages.strip()
    if not text.isdigit() or int(text) < 1:
        fail(f"--pages: {pages!r} is not a number of pages (a whole number, 1 or more)")
    return int(text)


def _dry_run(
    loaded: Loaded, settings: Settings, *, date: str | None, title: str | None, pages: int | None
) -> None:
    """Tokens and estimated cost per article, from the plan the model stage would follow, and
    of the brief's headlines call where the settings ask for it (``headlines``): its own row,
    one call with no article of its own."""
    from briefing.llm.extract import estimate, plan
    from briefing.llm.pricing import priced

    analyses = loaded.analyses
    rows = estimate(analyses, settings)
    calls = len(plan(analyses, settings))
    asked = _headlines_row(loaded, settings, date=date, title=title, pages=pages)
    click.echo(
        f"{'article':40} {'calls':>5} {'article tok':>11} {'input tok':>9} "
        f"{'output tok (est)':>16} {'cost (est)':>10}"
    )
    for r in rows:
        click.echo(
            f"{r['article'][:40]:40} {r['calls']:>5.2g} {r['article_tokens']:>11} "
            f"{r['input_tokens']:>9} {r['output_tokens_est']:>16} {r['cost_usd_est']:>10.4f}"
        )
    if asked is not None:
        click.echo(
            f"{asked['article']:40} {asked['calls']:>5} {'-':>11} {asked['input_tokens']:>9} "
            f"{asked['output_tokens_est']:>16} {asked['cost_usd_est']:>10.4f}"
        )
        rows = [*rows, asked]
        calls += 1
    click.echo(
        f"{'total':40} {calls:>5} {sum(r['article_tokens'] for r in rows):>11} "
        f"{sum(r['input_tokens'] for r in rows):>9} "
        f"{sum(r['output_tokens_est'] for r in rows):>16} "
        f"{sum(r['cost_usd_est'] for r in rows):>10.4f}"
    )
    click.echo("(short articles share a call; its tokens and cost are split among them by size)")
    if asked is not None:
        click.echo(
            "(the brief's headlines and bottom line: one call more, its prompt that of the "
            "offline engine's brief; the model's own lines may change what it shows)"
        )
    model = settings.model
    if not priced(model):
        click.echo(f"(no price listed for {model} in prices.yaml: costs shown as 0)")


def _headlines_row(
    loaded: Loaded, settings: Settings, *, date: str | None, title: str | None, pages: int | None
) -> dict | None:
    """The estimate of the brief's headlines call (:func:`briefing.llm.planning.
    estimate_headlines`), or None where none would be made: the setting is off, or the brief
    has no development to ask about. Its question is asked of the brief composed as the build
    would compose it with no model (the same page limit, so the same lines checked), and is
    free where the cache answered that very question (the cache read only where it exists)."""
    from briefing import pipeline
    from briefing.llm.cache import Cache
    from briefing.llm.headlines import cache_key_of, question
    from briefing.llm.planning import estimate_headlines

    if not settings.headlines:
        return None
    brief = pipeline.compose(
        loaded.analyses, skipped=loaded.errors, date=date, title=title, pages=pages
    )
    q = question(brief)
    if not q.developments:
        return None
    hit = None
    if settings.cache_path.is_file():
        hit = Cache(settings.cache_path, settings.cache_days).get(cache_key_of(q, settings))
    return estimate_headlines(q, settings, cached=hit is not None)
