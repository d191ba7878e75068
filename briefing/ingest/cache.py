"""Every fetched page and feed, kept with its URL, time and status.

So that a brief can say exactly what it read and when, and a rerun with ``--offline`` builds
the same brief from the same bytes with no network at all. One SQLite file in the cache folder
(``pages.sqlite``); the folder is ``$BRIEFING_FETCH_CACHE``, or ``briefing/pages`` under the
user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``). Only successful fetches are kept; a
failure is reported, not remembered. A page not fetched again for :data:`KEEP_DAYS` days is
dropped when the cache is next written, so a daily run does not grow it without end.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from briefing.ingest.fetch import Response

ENV = "BRIEFING_FETCH_CACHE"
KEEP_DAYS = 30
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    final_url TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    charset TEXT,
    fetched_at TEXT NOT NULL,
    body BLOB NOT NULL
)
"""


def default_dir() -> Path:
    """The cache folder: ``$BRIEFING_FETCH_CACHE``, else under the user's cache folder."""
    given = os.environ.get(ENV)
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing" / "pages"


class PageCache:
    """The pages fetched so far, by the URL they were asked for. Opened on first use, so a
    run that fetches nothing creates nothing."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_dir()
        self._db: sqlite3.Connection | None = None
        self._pruned = False

    @property
    def path(self) -> Path:
        return self.folder / "pages.sqlite"

    def _open(self, create: bool) -> sqlite3.Connection | None:
        if self._db is None:
            if not create and not self.path.is_file():
                return None
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute(_SCHEMA)
        return self._db

    def get(self, url: str) -> Response | None:
        db = self._open(create=False)
        if db is None:
            return None
        row = db.execute(
            "SELECT url, final_url, status, content_type, charset, body, fetched_at "
            "FROM pages WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        return Response(row[0], row[1], row[2], row[3], row[4], bytes(row[5]), row[6])

    def put(self, response: Response) -> None:
        db = self._open(create=True)
        assert db is not None
        with db:
            if not self._pruned:
                cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=KEEP_DAYS)
                db.execute("DELETE FROM pages WHERE fetched_at < ?", (cutoff.isoformat(),))
                self._pruned = True
            db.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    response.url,
                    response.final_url,
                    response.status,
                    response.content_type,
                    response.charset,
                    response.fetched_at,
                    response.body,
                ),
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
