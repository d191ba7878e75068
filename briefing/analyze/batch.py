"""Many articles at once: parsed a chunk at a time, in memory zones, over the machine's cores.

The parser is most of the engine's time and is faster over many sentences at once, so articles
are parsed a chunk at a time. Each article's analysis depends on that article alone, so chunks
can go to worker processes, one per core: a day of news is analysed in about half the time on
two cores. (Threads do not help: the parser gives up the interpreter lock for many short spells,
and a second thread running the rules makes each spell wait for it; a parse run beside them took
ten times as long.) Results come back in input order, a chunk at a time, so a caller can print
each article as soon as it is done, and only a few chunks are ever in flight, so memory stays flat
however many articles there are.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice

from briefing.analyze.attribution.parsed import to_parse
from briefing.analyze.engine import Prepared, analyze, article_sentences
from briefing.errors import UsageError
from briefing.ingest.quotes import find_quotes
from briefing.models import Analysis, Article

# articles parsed together: one ``nlp.pipe`` call over all their sentences that need a parse
PARSE_CHUNK = 8
# new strings a memory zone of parses may hold before it is renewed (see ``_Zones``): the 84
# PolNeAR dev articles add about 1,200 in all, the 840 train articles 9,500 (a renewal every 150
# or so articles of news)
ZONE_STRINGS = 2_000
# worker processes when ``BRIEFING_WORKERS`` does not say: one per core, at most this many (each
# holds its own parser, about 190 MiB)
MAX_WORKERS = 4
# chunks in flight per worker: one being analysed, one waiting, so that a worker never idles
# while the caller reads the next articles
_AHEAD = 2


@dataclass(frozen=True)
class Unanalysable:
    """An article the engine could not read, and why (text too deeply nested for the rules)."""

    reason: str


Result = Analysis | Unanalysable


def workers() -> int:
    """How many processes analyse articles: ``BRIEFING_WORKERS`` when set, else one per core
    this process may use, at most ``MAX_WORKERS``. 1 analyses in this process."""
    said = os.environ.get("BRIEFING_WORKERS", "").strip()
    if said:
        if not said.isdigit() or int(said) < 1:
            raise UsageError(f"BRIEFING_WORKERS must be a whole number from 1, not {said!r}")
        return int(said)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def analyze_many(
    articles: Iterable[Article], *, processes: int | None = None, chunk: int | None = None
) -> Iterator[Result]:
    """Each article's analysis, or why it has none, in input order, as soon as its chunk is
    done. ``processes`` (default ``workers()``) above 1 spreads chunks over that many worker
    processes once there is more than one chunk; ``chunk`` is the articles parsed together
    (default ``PARSE_CHUNK``). The analyses are those of ``analyze`` one article at a time."""
    size = chunk or PARSE_CHUNK
    wanted = workers() if processes is None else processes
    parallel = wanted > 1 and "fork" in multiprocessing.get_all_start_methods()
    rest = _chunks(articles, size)
    with _Zones() as zones:
        for c in rest:
            yield from zones.analyze(c)
            if parallel:
                break  # the rest, if any, goes to workers forked with the parser loaded
    if parallel and (second := next(rest, None)) is not None:
        yield from _in_workers(chain((second,), rest), wanted)


def _in_workers(chunks: Iterator[list[Article]], processes: int) -> Iterator[Result]:
    """The chunks analysed by worker processes, at most ``_AHEAD`` a worker in flight. Workers
    are forked, so they start with this process's code and data files already read."""
    pool = ProcessPoolExecutor(
        processes, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
    )
    pending: deque[Future[list[Result]]] = deque()
    done = False
    try:
        for c in chunks:
            pending.append(pool.submit(_worker_chunk, c))
            if len(pending) >= processes * _AHEAD:
                yield from pending.popleft().result()
            while pending and pending[0].done():  # out before the next input is waited for
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
        done = True
    finally:
        if not done:  # interrupted, or the caller stopped reading: no worker goes on alone
            for f in pending:
                f.cancel()
            for p in list(getattr(pool, "_processes", {}).values()):
                p.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


_worker_zones: _Zones | None = None


def _start_worker() -> None:
    """A worker leaves Ctrl-C to the process that started it, which stops it."""
    global _worker_zones
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_zones = _Zones()
    _worker_zones.__enter__()


def _worker_chunk(chunk: list[Article]) -> list[Result]:
    assert _worker_zones is not None
    return list(_worker_zones.analyze(chunk))


class _Zones:
    """The spaCy memory zones the parses live in. A zone frees the words first seen in it when
    it ends: without one the parser's vocabulary keeps every new word of every article, and
    memory grows with the number of articles read. A zone ends, and a new one begins, between
    chunks once it holds ``ZONE_STRINGS`` new words; not sooner, because ending it also empties
    the tokenizer's cache, and every word would go through the affix rules again. A chunk's
    parses are read before the next chunk is parsed, and analyses hold text, never parses."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._start: int | None = None

    def __enter__(self) -> _Zones:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def analyze(self, chunk: list[Article]) -> Iterator[Result]:
        from briefing.analyze.parse import known_strings, memory_zone

        if self._start is not None and known_strings() - self._start > ZONE_STRINGS:
            self._stack.close()  # frees the last chunk's parses: its articles are analysed
            self._start = None
        if self._start is None:
            self._stack.enter_context(memory_zone())
            self._start = known_strings()
        for art, prepared in zip(chunk, _prepare(chunk), strict=True):
            yield _analyze_one(art, prepared)


def _analyze_one(article: Article, prepared: Prepared) -> Result:
    """Pathological text spoils its own entry, not the batch."""
    try:
        return analyze(article, prepared)
    except RecursionError:
        return Unanalysable("could not be analysed (text too deeply nested)")


def _prepare(chunk: list[Article]) -> list[Prepared]:
    """The chunk's sentences and quotations, and one ``nlp.pipe`` over the sentences of all its
    articles that need a parse."""
    from briefing.analyze.parse import parse

    prepared = [Prepared(article_sentences(a.text), find_quotes(a.text), {}) for a in chunk]
    chosen = [(p, s) for p in prepared for s in to_parse(p.sentences, p.quotes)]
    for (p, s), doc in zip(chosen, parse(s.text for _, s in chosen), strict=True):
        p.docs[s.start] = doc
    return prepared


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while c := list(islice(it, size)):
        yield c
