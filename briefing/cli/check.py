"""``briefing check``: misattribution in a summary of an article."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefing.cli.options import (
    BACKEND_HELP,
    EXIT_FINDINGS,
    EXIT_OK,
    F,
    GateCommand,
    fail,
    settings,
)
from briefing.cli.options import model_run as run_model
from briefing.errors import BriefingError
from briefing.llm.settings import BACKENDS

if TYPE_CHECKING:
    from briefing.evals.judge import Judge
    from briefing.llm.settings import Settings
    from briefing.models import Analysis, Article

# A file's name: one word, a suffix a summary file has. ``--summary`` reads such a value as a path
# only for the form earlier releases took (an existing file), and says to use --summary-file.
_FILE_SUFFIXES = frozenset({".txt", ".md"})
_MAX_NAME = 255


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BriefingError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BriefingError(f"{path}: is a folder, not a summary file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BriefingError(f"{path}: cannot be read: {e}") from None


def _looks_like_a_file(value: str) -> bool:
    """One word that names a file: an existing one, or one with a summary file's suffix."""
    if not value or len(value.encode()) > _MAX_NAME or any(c.isspace() for c in value):
        return False
    p = Path(value)
    try:
        return p.is_file() or p.suffix.lower() in _FILE_SUFFIXES
    except OSError:  # not a name the file system takes: text
        return False


def summary_text(summary: str | None, summary_file: str | None) -> str:
    """The summary: ``--summary`` is the text itself whatever its length, ``--summary-file`` a
    file or ``-`` for stdin. For compatibility, ``--summary -`` still reads stdin and
    ``--summary PATH`` (one word naming an existing file) still reads the file, with a warning."""
    if (summary is None) == (summary_file is None):
        raise click.UsageError("give one of --summary TEXT or --summary-file PATH (- for stdin)")
    if summary_file is not None:
        return _read(summary_file)
    assert summary is not None
    if summary == "-":
        return sys.stdin.read()
    if _looks_like_a_file(summary):
        if not Path(summary).is_file():
            raise BriefingError(
                f"{summary}: no such file (--summary-file names a file, --summary takes text)"
            )
        click.echo(
            f"briefing: warning: --summary {summary}: reading the file; use --summary-file for "
            "a file (--summary will take only text)",
            err=True,
        )
        return _read(summary)
    return summary


def judge_options(f: F) -> F:
    """``--judge``, ``--judge-samples``, ``--model`` and ``--base-url``: the optional model judge
    of ``check`` and ``eval``, configured as the model stage is (flags, environment,
    ``briefing.toml``)."""
    f = click.option(
        "--base-url",
        default=None,
        help="The OpenAI-compatible endpoint of the judge (and of --backend openai). "
        "Env: OPENAI_BASE_URL.",
    )(f)
    f = click.option(
        "--model",
        default=None,
        help="The model of the judge (and of --backend openai; default gpt-4o-mini). "
        "Env: BRIEFING_MODEL.",
    )(f)
    f = click.option(
        "--judge-samples",
        type=int,
        default=None,
        help="Samples the judge is asked for, the verdict their majority (default 3).",
    )(f)
    f = click.option(
        "--judge",
        "judge_name",
        type=click.Choice(["openai"]),
        default=None,
        help="After the rules, ask a model (any OpenAI-compatible endpoint; OPENAI_API_KEY) "
        "about the summaries they passed. Answers are cached: a rerun makes no call.",
    )(f)
    return f


def make_judge(
    name: str | None,
    samples: int | None,
    model: str | None,
    base_url: str | None,
    *,
    backend: str | None = None,
) -> Judge | None:
    """The judge the flags ask for, or None; a flag of the judge's without ``--judge`` is bad
    usage (it would be ignored in silence). With ``--backend openai``, ``--model`` and
    ``--base-url`` are the backend's too."""
    if name is None:
        own = [("--judge-samples", samples)]
        if backend != "openai":
            own += [("--model", model), ("--base-url", base_url)]
        given = [flag for flag, value in own if value is not None]
        if given:
            raise click.UsageError(f"{', '.join(given)} configure the judge: give --judge openai")
        return None
    from briefing.evals.judge import DEFAULT_SAMPLES, Judge

    try:
        n = DEFAULT_SAMPLES if samples is None else samples
        return Judge(settings("openai", model, base_url), n)
    except BriefingError as e:
        fail(str(e))


@click.command(
    epilog="""
\b
Examples:
  briefing check --article examples/articles/kcna-putin-pyongyang.txt \\
    --summary "Putin said he will visit soon."
  briefing check --article article.html --summary-file summary.txt --format json
  model-cli summarise article.txt | briefing check --article article.txt --summary-file -
  briefing check --article article.txt --summary-file summary.txt --judge openai

\b
Exit codes: 0 passed, 1 findings, 2 bad usage or unreadable input,
3 internal error, 130 interrupted.
""",
    cls=GateCommand,
)
@click.option("--article", required=True, help="The article the summary claims to summarise.")
@click.option("--summary", default=None, help="The summary's text, of any length.")
@click.option(
    "--summary-file",
    default=None,
    help="A file holding the summary (UTF-8), or - for standard input.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@judge_options
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help=BACKEND_HELP + " With openai the summary is judged against the engine's attributions "
    "and the model's that ground in the article (as extract --backend openai prints them).",
)
def check(
    article: str,
    summary: str | None,
    summary_file: str | None,
    fmt: str,
    judge_name: str | None,
    judge_samples: int | None,
    backend: str | None,
    model: str | None,
    base_url: str | None,
) -> None:
    """Find misattribution and misstated facts in a summary of an article. Exit 1 on errors."""
    from briefing import pipeline
    from briefing.ingest import load_article

    model_settings = settings(backend, model, base_url)

    if article == "-" and "-" in (summary, summary_file):
        raise click.UsageError("the article and the summary cannot both be standard input")
    if (summary is None) == (summary_file is None):
        raise click.UsageError("give one of --summary TEXT or --summary-file PATH (- for stdin)")
    judge = make_judge(judge_name, judge_samples, model, base_url, backend=model_settings.backend)
    try:
        art = load_article(article)
        text = summary_text(summary, summary_file)
        if not text.strip():
            where = summary_file if summary_file is not None else summary
            raise BriefingError(
                f"{where if where and len(where) < 80 else 'summary'}: the summary is empty"
            )
    except BriefingError as e:
        fail(str(e))
    source: Article | Analysis = art
    if model_settings.backend == "openai":
        source = _reconciled(art, model_settings)
    ck = pipeline.checker(source)
    result, judged = ck.check(text), None
    if judge is not None:
        from briefing.evals.judge import JudgeFailed

        try:
            result, judged = judge.review(ck.an, text, result)
        except JudgeFailed as e:
            click.echo(judge.usage_line(), err=True)
            fail(str(e))
        click.echo(judge.usage_line(), err=True)
    if fmt == "json" and judge is not None and judged is not None:
        data = result.model_dump(mode="json")
        data["judge"] = {"model": judge.settings.model, "samples": judge.samples}
        data["judge"].update(judged.as_json())
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        if result.passed and not result.findings:
            click.echo("passed: no problems found")
        for f in result.findings:
            click.echo(f"{f.severity}: {f.type}: {f.message}")
            click.echo(f"  summary: {f.summary_span.text!r}")
            if f.evidence_sentence_ids:
                click.echo(
                    f"  article: {', '.join(f.evidence_sentence_ids)}; "
                    f"expected {f.expected}, found {f.found}"
                )
        if judge is not None and judged is not None:
            from briefing.evals.judge import verdict_line

            click.echo(verdict_line(judge, judged))
    raise click.exceptions.Exit(EXIT_OK if result.passed else EXIT_FINDINGS)


def _reconciled(art: Article, settings: Settings) -> Analysis:
    """The article's analysis with the model's grounded attributions among the engine's (from
    the cache, or asked for), so that a speaker only the model found is the article's speaker
    here as in ``extract`` and the brief; where the model fails, the engine's alone (said on
    stderr with the usage line, as ``build`` says it)."""
    from briefing.analyze import analyze
    from briefing.pipeline import Loaded
    from briefing.verify.reconciled import reconciled

    an = analyze(art)
    run = run_model(Loaded([an], []), settings)
    return reconciled(an, run.verified.get(an.article.id))
