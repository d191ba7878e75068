"""The pipeline: the one place where the stages are strung together.

    load (ingest -> analyze) -> [model (llm extract -> verify)] -> compose (brief) -> fit

``build``, ``extract``, ``check``, ``eval`` and the pytest plugin all call these functions, so an
article takes the same path whichever command reads it. Each function is plain: models in,
models out, nothing printed. What a user should hear about (a skipped file, an article the model
failed on) comes back as data for the caller to show.

Stages import lazily: ``extract`` needs neither the brief's renderer nor the LLM stack, and a
command should not pay for what it does not use.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from briefing import __version__
from briefing.errors import InputError
from briefing.models import Analysis, Article, Brief, Usage

if TYPE_CHECKING:
    from briefing.analyze import Unanalysable
    from briefing.evals.check import Checker, CheckResult
    from briefing.ingest.web import WebOptions
    from briefing.llm.settings import Settings
    from briefing.verify import Verified


@dataclass
class Loaded:
    """What was read: one analysis per good article, one error per bad input."""

    analyses: list[Analysis]
    errors: list[InputError]
    # articles dated another day than the brief's (``--date``): (path, their date)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    # what the reader should know of an input that was read (an encoding guessed, a feed's
    # summary used for a page that failed, the same story under two URLs), one line each
    warnings: list[str] = field(default_factory=list)
    # every page and feed read from the web: (URL, HTTP status, when it was fetched, whether
    # from the cache), so that a brief can say exactly what it read and when
    fetched: list[tuple[str, int, str, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class FellBack:
    """An article the model failed on, so the offline engine wrote its lines."""

    article_id: str
    path: str
    reason: str


@dataclass
class ModelRun:
    """The model stage's outcome: verified answers, the articles it failed on, and its cost."""

    verified: dict[str, Verified]
    usage: Usage
    made_by: str
    # each article the offline engine wrote instead of the model, and why
    fell_back: list[FellBack] = field(default_factory=list)
    # each article's share of ``usage`` (a shared call's tokens split among its articles), by id
    usage_by_article: dict[str, Usage] = field(default_factory=dict)
    # the settings it ran with: the brief's headlines and bottom line are asked of the same model
    settings: Settings | None = field(default=None, repr=False)

    @property
    def withheld(self) -> int:
        return sum(len(v.withheld) for v in self.verified.values())

    @property
    def wrote(self) -> bool:
        """Whether anything the model wrote passed verification: a line, an attribution."""
        return any(v.bottom_line or v.events or v.attributions for v in self.verified.values())

    def brief_args(self) -> dict[str, Any]:
        """What ``make_brief`` needs of it. A model that wrote nothing (it failed on every
        article, or verification withheld all it wrote) made nothing: the brief is then the
        offline engine's, and says so."""
        args: dict[str, Any] = {
            "verified": self.verified,
            "fell_back": [f.article_id for f in self.fell_back],
            "usage": self.usage,
        }
        if self.wrote:
            args["made_by"] = self.made_by
        return args


def _entry(article: Article, result: Analysis | Unanalysable) -> Analysis | InputError:
    """An analysis, or the error that spoils this article's entry (not the batch)."""
    from briefing.analyze import Unanalysable

    if isinstance(result, Unanalysable):
        return InputError(article.meta.path, result.reason)
    return result


def load(
    paths: Sequence[str | Path],
    *,
    day: str | None = None,
    advance: Callable[[], None] | None = None,
    on_count: Callable[[int], None] | None = None,
    web: WebOptions | None = None,
) -> Loaded:
    """Read and analyse every input. ``day`` (YYYY-MM-DD) leaves out articles dated another day
    (undated ones stay in); ``on_count`` hears how many articles will be analysed and ``advance``
    is called after each, for a progress bar. ``web``: how URLs and feeds are read (fetched, or
    from the cache alone), and the feeds to read."""
    from briefing.ingest import load_all

    warnings: list[str] = []
    remote = _remote(web)
    articles, errors = load_all(list(paths), remote=remote, warn=warnings.append)
    left_out = []
    if day:
        kept = []
        for a in articles:
            if a.meta.published and not a.meta.published.startswith(day):
                left_out.append((a.meta.path, a.meta.published[:10]))
            else:
                kept.append(a)
        articles = kept
    if on_count is not None:
        on_count(len(articles))
    from briefing.analyze import analyze_many

    analyses = []
    for art, analysed in zip(articles, analyze_many(articles), strict=True):
        result = _entry(art, analysed)
        if isinstance(result, InputError):
            errors.append(result)
        else:
            analyses.append(result)
        if advance is not None:
            advance()
    return Loaded(analyses, errors, left_out, warnings, remote.fetched())


def stream(
    paths: Sequence[str | Path],
    *,
    stdin: IO[Any] | None = None,
    web: WebOptions | None = None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[Analysis | InputError]:
    """Read and analyse the inputs, yielding each article's analysis, or the error that kept it
    out, in input order, as soon as it is done: only the few chunks of articles being analysed
    are held (``analyze.batch``: the parser is faster over many sentences at once, and chunks go
    to a worker process per core), so memory stays flat however many articles there are.

    What it yields is what :func:`load` collects, in the same order, with one difference:
    ``load`` lists the articles the engine failed on after every unreadable file, and here each
    comes where it occurs. The analyses are :func:`load`'s: the same ids, the same engine.
    """
    from briefing.analyze import analyze_many

    read_so_far: deque[Article | InputError] = deque()  # in input order, not yet yielded

    def articles() -> Iterator[Article]:
        for item in read(paths, stdin=stdin, web=web, warn=warn):
            read_so_far.append(item)
            if not isinstance(item, InputError):
                yield item

    for analysed in analyze_many(articles()):
        while isinstance(read_so_far[0], InputError):
            yield read_so_far.popleft()  # type: ignore[misc]
        yield _entry(read_so_far.popleft(), analysed)  # type: ignore[arg-type]
    yield from read_so_far  # errors after the last article


def read(
    paths: Sequence[str | Path],
    *,
    stdin: IO[Any] | None = None,
    web: WebOptions | None = None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[Article | InputError]:
    """Each input's article, or its error, one at a time in input order (``ingest.read_all``),
    then the items of the feeds ``web`` names."""
    from briefing.ingest import read_all

    return read_all(list(paths), stdin=stdin, remote=_remote(web), warn=warn)


def _remote(web: WebOptions | None) -> Any:
    """What reads URLs and feeds; a URL among the inputs is fetched even with no options."""
    from briefing.ingest.web import WebOptions, WebRemote

    return WebRemote(web or WebOptions())


def model(analyses: list[Analysis], settings: Settings) -> ModelRun:
    """Ask the model about each article and verify every answer against the engine. An article
    the model fails on falls back to the engine; a setting that makes every call fail (no key,
    a bad endpoint) raises ``BriefingError`` before any call is made."""
    from briefing.llm.extract import run
    from briefing.llm.settings import redact
    from briefing.verify import verify

    settings.require_key()
    results = run(analyses, settings)
    verified, fell_back, usage, by_article = {}, [], Usage(), {}
    for an in analyses:
        r = results[an.article.id]
        usage = usage.add(r.usage)
        by_article[an.article.id] = r.usage
        if r.extraction is None:
            reason = redact(r.error or "no answer", settings)
            fell_back.append(FellBack(an.article.id, an.article.path, reason))
        else:
            verified[an.article.id] = verify(an, r.extraction)
    return ModelRun(verified, usage, made_by(settings), fell_back, by_article, settings)


def made_by(settings: Settings) -> str:
    """How a brief written with the model says it was made: the model's name and whose service
    it is, never the endpoint's address (a brief travels; an internal host name should not)."""
    from urllib.parse import urlsplit

    host = (urlsplit(settings.base_url).hostname or "") if settings.base_url else "api.openai.com"
    where = "OpenAI" if host == "api.openai.com" else "an OpenAI-compatible endpoint"
    return f"{settings.model} ({where}), checked by the offline engine (briefing {__version__})"


def compose(
    analyses: list[Analysis],
    *,
    skipped: list[InputError] | None = None,
    date: str | None = None,
    title: str | None = None,
    run: ModelRun | None = None,
    pages: int | None = None,
) -> Brief:
    """The brief with every item, ranked and checked against its article; ``fit`` then keeps
    what fits the page. ``pages``: the pages ``fit`` will cut it to, so that only lines that can
    reach them are checked (None: every line). With a model that wrote lines (``run``), the
    model is then asked once for the developments' headlines and the bottom line, each checked
    like every line (:mod:`briefing.llm.headlines`; ``headlines = false`` in the settings asks
    nothing more); a model that failed on every article is not asked again, and the brief stays
    the offline engine's."""
    from briefing.brief import make_brief

    extra = run.brief_args() if run is not None else {}
    brief = make_brief(analyses, skipped=skipped, date=date, title=title, pages=pages, **extra)
    if run is not None and run.settings is not None and run.settings.headlines and run.verified:
        from briefing.llm.headlines import write

        brief = write(brief, run.settings, made_by=run.made_by)
    return brief


def fit(brief: Brief, paper: str = "A4", pages: int = 1) -> Brief:
    """The brief cut to ``pages`` pages of ``paper`` (one by default): the lowest-ranked items
    go, never the font size."""
    from briefing.brief.fit import fit_pages

    return fit_pages(brief, paper=paper, pages=pages)


def extraction(analysis: Analysis, run: ModelRun | None = None) -> dict[str, Any]:
    """One article's ``briefing extract`` JSON: the engine's analysis and, with a model, what
    the model found that verification kept and what it withheld, and why."""
    d = analysis.model_dump(mode="json", exclude_none=False)
    if d["article"].get("text") is None:
        d["article"].pop("text", None)
    if run is None:
        return d
    checked = run.verified.get(analysis.article.id)
    if checked is None:
        d["llm"] = None
        return d
    d["llm"] = {
        "bottom_line": [x.model_dump() for x in checked.bottom_line],
        "events": [x.model_dump() for x in checked.events],
        "attributions": [x.model_dump() for x in checked.attributions],
        "withheld": [vars(w) for w in checked.withheld],
        "disagreements": checked.disagreements,
    }
    return d


def checker(article: Article | Analysis) -> Checker:
    """A checker of any number of summaries against one article, read once."""
    from briefing.evals.check import Checker

    return Checker(article)


def check(article: Article | Analysis, summary: str) -> CheckResult:
    """``briefing check``: the findings for one summary of one article."""
    return checker(article).check(summary)


def summarise(analysis: Analysis, settings: Settings | None = None) -> str:
    """The pipeline's own summary of an article, as ``build`` would print it: its brief's bottom
    line. Offline that is extractive; with a model configured the model writes it and ``verify``
    has withheld what it could not ground, so an eval case checks what a reader would get."""
    from briefing.llm.settings import load_settings

    settings = settings or load_settings()
    run = model([analysis], settings) if settings.backend == "openai" else None
    brief = compose([analysis], run=run)
    return " ".join(item.text for item in brief.bottom_line)
