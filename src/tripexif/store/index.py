"""The persistent scan index: each file's record keyed by (path, size, mtime_ns), and the time
zone of each ~1 km cell, in one SQLite file in the user cache folder.

An unchanged file is not read again; a changed, added or renamed file is. Two runs may share
the index: it uses WAL journaling and a busy timeout, and every write is one transaction.
Any problem with the index (read-only folder, corrupt file) costs speed, never the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType

from tripexif.model import Photo, RawTimes
from tripexif.store.folder import cache_dir as cache_dir  # its home was here

SCHEMA_VERSION = 2
INDEX_NAME = f"index-v{SCHEMA_VERSION}.sqlite"
# errors that depend on the moment, not on the file's bytes: never cached
TRANSIENT_PREFIXES = ("permission denied", "file vanished", "cannot open", "read failed",
                      "took longer than")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def pack(photo: Photo) -> str:
    """A reader record (before time resolution) as compact JSON; paths are not included."""
    raw = photo.raw
    return json.dumps(
        [photo.kind, photo.lat, photo.lon, photo.alt, photo.camera,
         _iso(raw.datetime_original), raw.offset_original, _iso(raw.gps_utc),
         _iso(raw.create_utc), photo.gps_note, photo.skipped, photo.error],
        ensure_ascii=False, separators=(",", ":"),
    )


def unpack(path: str, text: str) -> Photo:
    (kind, lat, lon, alt, camera, dto, offset, gps_utc, create_utc, note, skipped,
     error) = json.loads(text)
    raw = RawTimes(_dt(dto), offset, _dt(gps_utc), _dt(create_utc))
    return Photo(path, kind=kind, lat=lat, lon=lon, alt=alt, camera=camera, raw=raw,
                 gps_note=note, skipped=skipped, error=error)


def cacheable(photo: Photo) -> bool:
    return not (photo.error and photo.error.startswith(TRANSIENT_PREFIXES))


class Index:
    """Opened lazily; every method degrades to "nothing cached" when SQLite fails.

    Close it when done: ``with Index() as index: ...`` or ``index.close()``. A failed write
    is rolled back whole, so the connection is ready for the next one."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / INDEX_NAME
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            db = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS files (path BLOB PRIMARY KEY, size INTEGER,"
                    " mtime_ns INTEGER, record TEXT) WITHOUT ROWID"
                )
                db.execute(
                    "CREATE TABLE IF NOT EXISTS zones (cell TEXT PRIMARY KEY, zone TEXT)"
                    " WITHOUT ROWID"
                )
                db.execute(
                    "CREATE TABLE IF NOT EXISTS places (key TEXT PRIMARY KEY, place TEXT,"
                    " stored REAL) WITHOUT ROWID"
                )
                self._db = db
            except (sqlite3.Error, OSError):
                self._broken = True
                if db is not None:  # e.g. the file is not a database
                    with contextlib.suppress(sqlite3.Error):
                        db.close()
        return self._db

    def lookup(self, keys: Sequence[tuple[str, int, int]]) -> dict[str, str]:
        """{absolute path: packed record} for the keys whose size and mtime still match."""
        db = self._connect()
        if db is None or not keys:
            return {}
        # paths are stored as the file system's bytes: names need not be valid UTF-8
        wanted = {os.fsencode(path): (path, size, mtime) for path, size, mtime in keys}
        found: dict[str, str] = {}
        try:
            paths = list(wanted)
            for start in range(0, len(paths), 900):
                chunk = paths[start : start + 900]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT path, size, mtime_ns, record FROM files WHERE path IN ({marks})",
                    chunk,
                )
                for key, size, mtime, record in rows:
                    path, want_size, want_mtime = wanted[key]
                    if (want_size, want_mtime) == (size, mtime):
                        found[path] = record
        except sqlite3.Error:
            return {}
        return found

    def store(self, rows: Iterable[tuple[str, int, int, str]]) -> None:
        rows = list(rows)
        if rows:
            self._write(lambda db: db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                [(os.fsencode(p), *rest) for p, *rest in rows]))

    def zones(self) -> dict[str, str | None]:
        db = self._connect()
        if db is None:
            return {}
        try:
            return dict(db.execute("SELECT cell, zone FROM zones"))
        except sqlite3.Error:
            return {}

    def store_zones(self, cells: dict[str, str | None]) -> None:
        if cells:
            self._write(lambda db: db.executemany("INSERT OR REPLACE INTO zones VALUES (?, ?)",
                                                  list(cells.items())))

    def place(self, key: str) -> tuple[bool, str | None]:
        """(found, packed place or None) for a geocoder cache key."""
        db = self._connect()
        if db is None:
            return False, None
        try:
            row = db.execute("SELECT place FROM places WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return False, None
        return (True, row[0]) if row else (False, None)

    def store_place(self, key: str, packed: str | None, stored: float) -> None:
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO places VALUES (?, ?, ?)",
                                          (key, packed, stored)))

    def _write(self, work: Callable[[sqlite3.Connection], object]) -> None:
        """``work(db)`` as one transaction. When it fails, it is rolled back (an SQLite error
        is then dropped: the cache just misses it; anything else is raised again)."""
        db = self._connect()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            work(db)
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            if not isinstance(exc, sqlite3.Error):
                raise

    def stats(self) -> dict[str, int]:
        db = self._connect()
        if db is None:
            return {"files": 0, "zones": 0, "places": 0}
        try:
            return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                    for table in ("files", "zones", "places")}
        except sqlite3.Error:
            return {"files": 0, "zones": 0, "places": 0}

    def close(self) -> None:
        """Close the connection (again: nothing happens). A later call opens it anew."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
