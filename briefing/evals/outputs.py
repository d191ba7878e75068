"""``briefing eval --outputs``: check summaries that a model under test wrote, one record each.

A record names its article (``article``: a path, relative to the outputs file's folder, or
``article_text``: the text itself) and gives the ``summary``, with an optional ``id`` (the line,
or for CSV the row, by default). JSONL is one JSON object a line; CSV has a header row with those
column names. Other fields are ignored, so a file can carry the model's name or the prompt.

Each record becomes a case that passes when ``check`` passes, run by the suites'
:class:`~briefing.evals.suites.Runner`, so the judgement, the caching of articles (one analysis
per article, however many records use it) and the reports are the suites' own. A broken record is
an error of that record only: one line naming the file, the line or row and the problem, so a
model that wrote one bad line does not hide what the others did.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from briefing.errors import BriefingError, InputError
from briefing.evals.suites import (
    Case,
    CaseResult,
    Expect,
    InlineArticle,
    Runner,
    Suite,
    SuiteError,
    SuiteRun,
)

FIELDS = ("id", "article", "article_text", "summary")
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV may start with a BOM
    except FileNotFoundError:
        raise SuiteError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SuiteError(f"{path}: is a folder, not an outputs file") from None
    except UnicodeDecodeError:
        raise SuiteError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise SuiteError(f"{path}: cannot be read: {e.strerror or e}") from None


def records(path: Path) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """``(where, record)`` for each record, ``where`` being ``line N`` or ``row N``, and a record
    that cannot be parsed given as its problem (a string). A file that cannot be read at all, or
    a CSV without the columns, raises :class:`SuiteError`: no record of it could be checked."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise SuiteError(f"{path}: an outputs file is .jsonl or .csv")
    text = _read(path)
    if fmt == "jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                yield f"line {n}", f"not valid JSON ({e.msg}, column {e.colno})"
                continue
            yield f"line {n}", rec if isinstance(rec, dict) else "not a JSON object"
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as e:
        raise SuiteError(f"{path}: row 1: not valid CSV ({e})") from None
    missing = [c for c in ("summary",) if c not in header]
    if not missing and not {"article", "article_text"} & set(header):
        missing = ["article (or article_text)"]
    if missing:
        raise SuiteError(
            f"{path}: row 1: the header has no {', '.join(missing)} column "
            f"(it has: {', '.join(h for h in header if h) or 'nothing'})"
        )
    n = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            n += 1
            yield f"row {n}", f"not valid CSV ({e})"
            return  # the reader cannot go on past a broken quote
        n += 1  # spreadsheet numbering: the header is row 1
        if None in row:
            yield f"row {n}", f"more cells than the header has columns ({len(header)})"
            continue
        yield f"row {n}", {k: v for k, v in row.items() if k and v not in (None, "")}


def case_of(where: str, rec: dict[str, Any]) -> Case:
    """The case a record stands for: ``check`` must pass. Raises ``ValueError`` with the problem."""
    rid = rec.get("id")
    rid = where.split()[-1] if rid is None or rid == "" else str(rid)
    path, text = rec.get("article"), rec.get("article_text")
    if (path is None) == (text is None):
        raise ValueError("give one of article (a path) or article_text")
    if path is not None and not (isinstance(path, str) and path.strip()):
        raise ValueError("article is a path to an article file")
    if text is not None and not (isinstance(text, str) and text.strip()):
        raise ValueError("article_text is empty")
    summary = rec.get("summary")
    if summary is None:
        raise ValueError("no summary")
    if not isinstance(summary, str):
        raise ValueError("summary is not text")
    try:
        return Case(
            id=rid,
            article=InlineArticle(text=text) if text is not None else path,
            summary=summary,
            expect=Expect(passed=True),
        )
    except ValidationError as e:
        raise ValueError(e.errors()[0]["msg"].removeprefix("Value error, ")) from None


def run_outputs(runner: Runner, path: Path) -> SuiteRun:
    """Check every record of an outputs file; a broken one is a result with ``error`` set."""
    name = path.stem
    suite = Suite.model_construct(suite=name, article=None, cases=[], min_pass_rate=1.0)
    run = SuiteRun(path, name)
    bad_articles: dict[str, str] = {}  # an unreadable article is read once, like a good one
    for where, rec in records(path):
        try:
            if isinstance(rec, str):
                raise ValueError(rec)
            case = case_of(where, rec)
        except ValueError as e:
            rid = rec.get("id") if isinstance(rec, dict) else None
            rid = str(rid) if rid not in (None, "") else where.split()[-1]
            run.results.append(_error(name, rid, f"{path}: {where}: {e}"))
            continue
        spec = case.article
        key = spec if isinstance(spec, str) else ""
        if key and key not in bad_articles:
            try:
                runner.checker(spec, path.parent)  # type: ignore[arg-type]
            except InputError as e:
                bad_articles[key] = e.problem  # the file is named already
            except BriefingError as e:
                bad_articles[key] = str(e)
        if key in bad_articles:
            problem = f"{path}: {where}: article {key}: {bad_articles[key]}"
            run.results.append(_error(name, case.id, problem))
            continue
        run.results.append(runner.run_case(suite, case, path))
    if not run.results:
        raise SuiteError(f"{path}: no records")
    return run


def _error(suite: str, rid: str, problem: str) -> CaseResult:
    case = Case.model_construct(
        id=rid, article=None, summary=None, generate=False, expect=Expect(), note=None
    )
    return CaseResult(suite, case, False, [problem], None, 0.0, error=True)
