"""What every command shares: exit codes, the model options, loading inputs, and error lines.

Exit codes (GUIDE section 3) mean one thing each: 0 success, 1 a check found errors, 2 bad usage
or unreadable input, 3 an internal error (a bug: one line, never a traceback), 130 interrupted
(Ctrl-C). Bad input is reported as one line per file on stderr, never as a traceback; in a batch
the bad file is skipped and listed, and the rest goes on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from briefing.errors import BriefingError, UsageError
from briefing.llm.settings import BACKENDS, DEFAULT_MODEL

if TYPE_CHECKING:
    from briefing.ingest.web import WebOptions
    from briefing.llm.settings import Settings
    from briefing.models import Usage
    from briefing.pipeline import Loaded, ModelRun

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr, then exit with ``code``."""
    click.echo(f"briefing: error: {message}", err=True)
    raise click.exceptions.Exit(code)


class GateMixin:
    """For every command (CI gates on ``check`` and ``eval``; cron runs ``build``): Ctrl-C exits
    130 and an unexpected error exits 3, each with one line on stderr, so that no exit code but
    1 means "findings" and no traceback reaches a log. Set ``BRIEFING_TRACEBACK=1`` to see the
    traceback of a bug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except KeyboardInterrupt:
            click.echo("briefing: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except UsageError as e:  # found after the command line was read (a bad environment)
            fail(str(e))
        except Exception as e:
            if os.environ.get("BRIEFING_TRACEBACK"):
                raise
            click.echo(
                f"briefing: internal error: {type(e).__name__}: {e} "
                "(a bug; BRIEFING_TRACEBACK=1 shows where)",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_INTERNAL) from None


class GateCommand(GateMixin, click.Command):
    pass


class GateGroup(GateMixin, click.Group):
    pass


def model_options(backend_help: str, model_help: str, base_url_help: str) -> Callable[[F], F]:
    """``--backend``, ``--model`` and ``--base-url``, worded for the command that takes them."""

    def decorate(f: F) -> F:
        f = click.option("--base-url", default=None, help=base_url_help)(f)
        f = click.option("--model", default=None, help=model_help)(f)
        f = click.option("--backend", type=click.Choice(BACKENDS), default=None, help=backend_help)(
            f
        )
        return f

    return decorate


BACKEND_HELP = (
    "offline (default, no network) or openai (any OpenAI-compatible endpoint). "
    "Env: BRIEFING_BACKEND."
)
MODEL_HELP = f"Model for --backend openai (default {DEFAULT_MODEL}). Env: BRIEFING_MODEL."


def settings(
    backend: str | None,
    model: str | None,
    base_url: str | None,
    max_concurrency: int | None = None,
) -> Settings:
    """Settings from the flags, then the environment, then ``briefing.toml``."""
    from briefing.llm.settings import load_settings

    try:
        return load_settings(
            {
                "backend": backend,
                "model": model,
                "base_url": base_url,
                "max_concurrency": max_concurrency,
            }
        )
    except BriefingError as e:
        raise click.UsageError(str(e)) from None


def load(
    paths: tuple[str, ...],
    *,
    say_none: bool = False,
    progress: bool = False,
    day: str | None = None,
    web: WebOptions | None = None,
) -> Loaded:
    """The pipeline's load, with its skipped files and left-out articles said on stderr; exit 2
    when nothing at all could be read."""
    from briefing import pipeline

    bar: Any = None
    task: Any = None

    def start(total: int) -> None:
        nonlocal bar, task
        if progress and total and sys.stderr.isatty():
            from rich.progress import Progress

            bar = Progress(transient=True)
            bar.start()
            task = bar.add_task("analysing articles", total=total)

    def advance() -> None:
        if bar is not None:
            bar.advance(task)

    try:
        loaded = pipeline.load(paths, day=day, advance=advance, on_count=start, web=web)
    finally:
        if bar is not None:
            bar.stop()
    for line in loaded.warnings:
        click.echo(f"briefing: warning: {line}", err=True)
    for path, published in loaded.left_out:
        click.echo(f"briefing: left out {path}: published {published}, not {day}", err=True)
    for e in loaded.errors:
        click.echo(f"briefing: skipped {e}", err=True)
    if not loaded.analyses:
        if say_none:
            click.echo("briefing: error: no input could be read", err=True)
        raise click.exceptions.Exit(EXIT_USAGE)
    return loaded


def model_run(loaded: Loaded, settings: Settings, *, usage: bool = True) -> ModelRun:
    """The pipeline's model stage, with each fall-back said on stderr, and the usage line
    unless ``usage`` is False (``build`` says it once the brief's own call is made too)."""
    from briefing import pipeline
    from briefing.llm.settings import redact

    try:
        run = pipeline.model(loaded.analyses, settings)
    except BriefingError as e:
        fail(redact(str(e), settings))
    by_reason: dict[str, list[str]] = {}  # one line a reason: a model given up on is said once
    for f in run.fell_back:
        by_reason.setdefault(f.reason, []).append(f.path)
    for reason, paths in by_reason.items():
        where = paths[0] if len(paths) == 1 else f"{len(paths)} articles ({paths[0]} ...)"
        them = "it" if len(paths) == 1 else "them"
        click.echo(
            f"briefing: {where}: the model failed ({reason}); using the offline engine for {them}",
            err=True,
        )
    if usage:
        say_usage(run.usage, settings, run.withheld)
    return run


def say_usage(u: Usage, settings: Settings, withheld: int) -> None:
    """The one line of what the model cost: every call, failed ones included, as the brief's
    masthead counts them."""
    from briefing.llm.pricing import priced

    failed = f" ({u.failed} failed)" if u.failed else ""
    click.echo(
        f"briefing: LLM usage: {u.calls} call(s){failed}, {u.cached} cached, {u.input_tokens} "
        f"input and {u.output_tokens} output tokens, {u.seconds:.1f} s, ${u.cost_usd:.4f}"
        + ("" if priced(settings.model) else f" (no price listed for {settings.model})")
        + f"; {withheld} item(s) withheld by verification",
        err=True,
    )


def web_options(f: F) -> F:
    """``--feed``, ``--since``, ``--offline`` and ``--fetch-cache``: what is fetched, and how."""
    f = click.option(
        "--fetch-cache",
        "fetch_cache",
        default=None,
        metavar="DIR",
        help="Folder of the cache of fetched pages and feeds. Env: BRIEFING_FETCH_CACHE. "
        "Default: ~/.cache/briefing/pages.",
    )(f)
    f = click.option(
        "--offline",
        is_flag=True,
        help="Fetch nothing: read URLs and feeds from the cache alone (a rerun gives the same "
        "brief).",
    )(f)
    f = click.option(
        "--since",
        default=None,
        metavar="24h|DATE",
        help="Only feed items dated within this window: a duration (24h, 2d, 90m) or a date "
        "(YYYY-MM-DD). Undated items are kept.",
    )(f)
    f = click.option(
        "--feed",
        "feeds",
        multiple=True,
        metavar="URL|FILE",
        help="An RSS or Atom feed to read (repeatable). With no PATHS, the [feeds] of "
        "briefing.toml are read too. Each item's page is fetched, or the feed's summary read "
        "where it cannot be.",
    )(f)
    return f


def web(
    feeds: tuple[str, ...],
    since: str | None,
    offline: bool,
    fetch_cache: str | None,
    *,
    configured: bool = True,
) -> WebOptions:
    """How URLs and feeds are read: the feeds named here, then, with ``configured`` (the
    command names no PATHS), those of ``briefing.toml``: a command given files reads those
    files, and fetches no feed it was not asked for."""
    from pathlib import Path

    from briefing.ingest.feeds import since as since_time
    from briefing.ingest.web import WebOptions, configured_feeds, configured_policy

    try:
        listed = list(feeds)
        if configured:
            listed += [f for f in configured_feeds() if f not in feeds]
        start = since_time(since) if since is not None else None
        policy = configured_policy()
    except BriefingError as e:
        raise click.UsageError(str(e)) from None
    return WebOptions(
        feeds=listed,
        since=start,
        offline=offline,
        cache_dir=Path(fetch_cache).expanduser() if fetch_cache else None,
        policy=policy,
    )
