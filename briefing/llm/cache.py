"""A persistent cache of LLM answers, and of what each endpoint accepts.

Keyed by endpoint, model, prompt and article window, so a rerun over the same articles makes no
calls, and a change of prompt or model makes fresh ones. Entries older than ``max_age_days`` are
ignored and purged. SQLite, because it is in the standard library, survives a crash mid-run (each
answer is committed as it arrives), and is safe across threads with one connection per call.
The API key is never part of a key or a row.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    created REAL NOT NULL,
    payload TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS endpoints (
    endpoint TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    created REAL NOT NULL
);
"""


def cache_key(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


class Cache:
    def __init__(self, path: Path, max_age_days: int = 30) -> None:
        self.path = path
        self.max_age = max_age_days * 86400
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)
            db.execute("DELETE FROM answers WHERE created < ?", (time.time() - self.max_age,))

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get(self, key: str) -> tuple[dict[str, Any], int, int] | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT payload, input_tokens, output_tokens, created FROM answers WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None or row[3] < time.time() - self.max_age:
            return None
        return json.loads(row[0]), row[1], row[2]

    def put(
        self, key: str, model: str, payload: dict[str, Any], input_tokens: int, output_tokens: int
    ) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (
                    key,
                    model,
                    time.time(),
                    json.dumps(payload, ensure_ascii=False),
                    input_tokens,
                    output_tokens,
                ),
            )

    def method(self, endpoint: str) -> str | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT method FROM endpoints WHERE endpoint = ?", (endpoint,)
            ).fetchone()
        return row[0] if row else None

    def set_method(self, endpoint: str, method: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO endpoints VALUES (?, ?, ?)", (endpoint, method, time.time())
            )
