"""Where the backend's objects live between restarts: nowhere (memory) or an SQLite file (write-through).

The backend calls ``put``/``delete``/``append_outbox`` while it holds its lock and ``commit`` before the request
is answered, so a restart or a crash loses nothing that was acknowledged to a client.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


class MemoryStore:
    """No persistence: every method is a no-op and ``load`` finds nothing."""

    def load(self) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        return {}, []

    def put(self, kind: str, key: str, body: dict[str, Any]) -> None:
        pass

    def delete(self, kind: str, key: str) -> None:
        pass

    def append_outbox(self, entry: dict[str, Any]) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def clear(self) -> None:
        pass

    def close(self) -> None:
        pass


class SqliteStore(MemoryStore):
    """Objects as JSON rows in one SQLite file; FULL synchronous so a commit survives a crash."""

    def __init__(self, path: str) -> None:
        # One connection shared by the server's threads; the backend's lock serializes every use of it.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level="DEFERRED")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,"
            " PRIMARY KEY (kind, key))"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)")
        self._db.commit()

    def load(self) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        objects: dict[str, list[dict[str, Any]]] = {}
        # rowid keeps creation order: updates (ON CONFLICT DO UPDATE) do not move a row.
        for kind, body in self._db.execute("SELECT kind, body FROM objects ORDER BY rowid"):
            objects.setdefault(kind, []).append(json.loads(body))
        outbox = [json.loads(body) for (body,) in self._db.execute("SELECT body FROM outbox ORDER BY seq")]
        return objects, outbox

    def put(self, kind: str, key: str, body: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO objects (kind, key, body) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            (kind, key, json.dumps(body)),
        )

    def delete(self, kind: str, key: str) -> None:
        self._db.execute("DELETE FROM objects WHERE kind = ? AND key = ?", (kind, key))

    def append_outbox(self, entry: dict[str, Any]) -> None:
        self._db.execute("INSERT INTO outbox (body) VALUES (?)", (json.dumps(entry),))

    def commit(self) -> None:
        self._db.commit()

    def rollback(self) -> None:
        self._db.rollback()

    def clear(self) -> None:
        self._db.execute("DELETE FROM objects")
        self._db.execute("DELETE FROM outbox")
        self._db.commit()

    def close(self) -> None:
        self._db.close()
