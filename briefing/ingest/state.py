"""The daily run: what the last brief from the same configuration read, so today's can say
what is new.

``briefing build --feeds-only --since-last`` reads the configured feeds from the time the last
brief with the same configuration (its feeds and inputs) was built, and says of each article
whether it is new, updated (the same story, its text changed) or unchanged since then. One
small SQLite file, ``state.sqlite`` beside the page cache, holds for each configuration the
time of its last brief and each story's text digest; a story is known by its canonical URL (so
an AMP copy or a link with tracking parameters is the same story) or, for a file, its path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from briefing.ingest.cache import default_dir
from briefing.ingest.files import is_url
from briefing.models import ArticleMeta

# a story read (its metadata) and its words (the text, or its sentences joined)
Read = tuple[ArticleMeta, str]

Change = Literal["new", "updated", "unchanged"]
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS runs (config TEXT PRIMARY KEY, built_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stories (config TEXT NOT NULL, story TEXT NOT NULL, "
    "digest TEXT NOT NULL, seen_at TEXT NOT NULL, PRIMARY KEY (config, story))",
    # the developments of the last brief of each configuration, each by who it is about and
    # its key terms (JSON lists), so that a new article in one of them makes it updated
    "CREATE TABLE IF NOT EXISTS developments (config TEXT NOT NULL, actors TEXT NOT NULL, "
    "terms TEXT NOT NULL)",
)
# a development as the state keeps it: its actors and its key terms
Known = tuple[list[str], list[str]]


def config_key(inputs: Sequence[str], feeds: Sequence[str], title: str | None) -> str:
    """The configuration a brief is built from, as a digest: its inputs, feeds and title."""
    blob = json.dumps({"inputs": sorted(inputs), "feeds": sorted(feeds), "title": title})
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def story_of(meta: ArticleMeta) -> str:
    """What a story is known by from one run to the next."""
    from briefing.ingest.web import story_key

    url = meta.url or (meta.path if is_url(meta.path) else None)
    return story_key(url) if url else f"file:{meta.path}"


def combined(states: Iterable[Change]) -> Change:
    """One article read through several outlets' copies (``ingest.wire``), each compared with
    the last brief on its own: updated if any copy changed, unchanged if any was read before
    word for word (another outlet's copy of a story read yesterday is not news today), else
    new."""
    seen = set(states)
    if "updated" in seen:
        return "updated"
    return "unchanged" if "unchanged" in seen else "new"


def digest(text: str) -> str:
    """The article's words, whatever their spacing: a re-wrapped page is unchanged."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class RunState:
    """The state of the daily runs, opened on first use."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_dir()
        self._db: sqlite3.Connection | None = None

    @property
    def path(self) -> Path:
        return self.folder / "state.sqlite"

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            for statement in _SCHEMA:
                self._db.execute(statement)
        return self._db

    def last_built(self, config: str) -> dt.datetime | None:
        """When the last brief of this configuration was built, or None (the first run)."""
        if not self.path.is_file():
            return None
        row = self._open().execute("SELECT built_at FROM runs WHERE config = ?", (config,))
        found = row.fetchone()
        return dt.datetime.fromisoformat(found[0]) if found else None

    def changes(self, config: str, articles: Sequence[Read]) -> dict[str, Change]:
        """Each article (by id) as new, updated or unchanged since the last brief."""
        out: dict[str, Change] = {}
        known: dict[str, str] = {}
        if self.path.is_file():
            rows = self._open().execute(
                "SELECT story, digest FROM stories WHERE config = ?", (config,)
            )
            known = dict(rows.fetchall())
        for meta, text in articles:
            before = known.get(story_of(meta))
            if before is None:
                out[meta.id] = "new"
            elif before != digest(text):
                out[meta.id] = "updated"
            else:
                out[meta.id] = "unchanged"
        return out

    def developments(self, config: str) -> list[Known]:
        """The developments of the last brief of this configuration (none on a first run)."""
        if not self.path.is_file():
            return []
        rows = self._open().execute(
            "SELECT actors, terms FROM developments WHERE config = ?", (config,)
        )
        return [(json.loads(a), json.loads(t)) for a, t in rows.fetchall()]

    def record(
        self,
        config: str,
        articles: Sequence[Read],
        built_at: dt.datetime,
        developments: Sequence[Known] = (),
    ) -> None:
        """A brief was built: its time, the text of each story it read, and its developments
        (which replace the last brief's)."""
        db = self._open()
        stamp = built_at.astimezone(dt.UTC).isoformat()
        with db:
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (config, stamp))
            db.executemany(
                "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?)",
                [(config, story_of(meta), digest(text), stamp) for meta, text in articles],
            )
            db.execute("DELETE FROM developments WHERE config = ?", (config,))
            db.executemany(
                "INSERT INTO developments VALUES (?, ?, ?)",
                [(config, json.dumps(sorted(a)), json.dumps(sorted(t))) for a, t in developments],
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
