"""The persistent scan index: each file's record keyed by what git keys its index on (path,
size, mtime and ctime in ns, inode and device), and the time zone of each ~100 m cell, in one
SQLite file in the user cache folder.

An unchanged file is not read again; a changed, added or renamed file is, and so is a file
edited in place and given back its old mtime (its ctime and perhaps its inode changed). A
record is keyed on an ``fstat`` of the descriptor it was read through, never on an earlier
stat, and errors of the moment (a file vanished, denied, empty while being written) are
never kept.

The index never gives a wrong answer and never stops a run: every record read back is
checked, and a bad one is dropped and the file read again; a corrupt file or one of another
layout is moved aside (``index-v2.sqlite.corrupt-<time>``) and a new one started. Two runs
may share the index (WAL journaling, every write one transaction); a run waits for another
one's write lock at most ``LOCK_WAIT_S`` in all, then goes on without caching. Whatever the
problem, the run says so once (``warnings``) and costs only speed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from tripexif.model import Photo, RawTimes
from tripexif.store.folder import cache_dir as cache_dir  # its home was here

# the layout of the tables (PRAGMA user_version). The file keeps its name when the layout
# changes: the layout before (2: records keyed on size and mtime only) is upgraded in place.
SCHEMA_VERSION = 3
INDEX_NAME = "index-v2.sqlite"
LOCK_WAIT_S = 1.5  # the longest a run waits, in all, for another run's write lock
LOCK_RETRY_S = 0.05
# errors that depend on the moment, not on the file's bytes: never cached
TRANSIENT_PREFIXES = ("permission denied", "file vanished", "cannot open", "read failed",
                      "took longer than", "empty file")
_TABLES = {
    "files": "CREATE TABLE files (path BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
             " ctime_ns INTEGER, inode INTEGER, device INTEGER, record TEXT) WITHOUT ROWID",
    "zones": "CREATE TABLE zones (cell TEXT PRIMARY KEY, zone TEXT) WITHOUT ROWID",
    "places": "CREATE TABLE places (key TEXT PRIMARY KEY, place TEXT, stored REAL)"
              " WITHOUT ROWID",
}
_COLUMNS = {"files": ["path", "size", "mtime_ns", "ctime_ns", "inode", "device", "record"],
            "zones": ["cell", "zone"], "places": ["key", "place", "stored"]}
_OLD_FILES = ["path", "size", "mtime_ns", "record"]  # layout 2, upgraded in place
# what the reader makes of a file's bytes: bumped whenever a reader change gives another
# record for the same bytes (a fix, a new field), so records made before are read again
READER_REVISION = 4
_FIELDS = 18  # in a packed record: the reader revision, then the record
_CORRUPT_CODES = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


class Stamp(NamedTuple):
    """What identifies one version of a file's bytes: git's stat data."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int


def stamp(info: os.stat_result) -> Stamp:
    return Stamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


class BadRecord(ValueError):
    """A stored record that is not what ``pack`` writes."""


class Outdated(BadRecord):
    """A record an earlier reader made: read the file again (nothing is wrong with it)."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _dt(text: object, aware: bool) -> datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise BadRecord(f"not a time: {text!r}")
    moment = datetime.fromisoformat(text)  # ValueError when malformed
    if (moment.tzinfo is not None) != aware:
        raise BadRecord(f"time {text!r} should be {'aware' if aware else 'naive'}")
    return moment


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise BadRecord(f"not text: {value!r}")


def _zone_offset(value: object) -> str | None:
    """An offset as the reader writes it: "+hh:mm"."""
    text = _text(value)
    if text is not None and not (len(text) == 6 and text[0] in "+-" and text[3] == ":"
                                 and (text[1:3] + text[4:]).isascii()
                                 and (text[1:3] + text[4:]).isdigit()):
        raise BadRecord(f"not an offset: {text!r}")
    return text


_TEXT_TYPES = {str, type(None)}
_NUMBER_TYPES = {int, float, type(None)}  # not bool: type(True) is bool, not int


def pack(photo: Photo) -> str:
    """A reader record (before time resolution) as compact JSON; paths are not included."""
    raw = photo.raw
    return json.dumps(
        [READER_REVISION, photo.kind, photo.lat, photo.lon, photo.alt, photo.camera,
         _iso(raw.datetime_original), raw.offset_original, _iso(raw.gps_utc),
         _iso(raw.create_utc), photo.gps_note, photo.skipped, photo.error, raw.time_field,
         raw.gps_field, raw.offset_lent, raw.camera_zone, raw.serial],
        ensure_ascii=False, separators=(",", ":"),
    )


def unpack(path: str, text: object) -> Photo:
    """The record ``pack`` wrote; BadRecord (a ValueError) for anything else."""
    if not isinstance(text, str):
        raise BadRecord(f"not a packed record: {text!r}")
    try:
        fields = json.loads(text)
        if isinstance(fields, list) and fields and fields[0] != READER_REVISION \
                and isinstance(fields[0], int) and not isinstance(fields[0], bool):
            raise Outdated(f"made by reader revision {fields[0]}")
        if not isinstance(fields, list) or len(fields) != _FIELDS:
            raise BadRecord(f"not a list of {_FIELDS} fields")
        (_, kind, lat, lon, alt, camera, dto, offset, gps_utc, create_utc, note, skipped,
         error, time_field, gps_field, offset_lent, camera_zone, serial) = fields
        if kind not in ("photo", "video"):
            raise BadRecord(f"unknown kind {kind!r}")
        # one check of all text fields' types (a re-scan unpacks every record)
        if not {type(v) for v in (offset, camera, note, skipped, error, time_field, gps_field,
                                  offset_lent, serial)} <= _TEXT_TYPES:
            raise BadRecord("a text field is not text")
        if not {type(v) for v in (lat, lon, alt)} <= _NUMBER_TYPES:
            raise BadRecord("a coordinate is not a number")
        raw = RawTimes(_dt(dto, aware=False), offset, _dt(gps_utc, aware=True),
                       _dt(create_utc, aware=True), time_field, gps_field, offset_lent,
                       _zone_offset(camera_zone), serial)
        return Photo(path, kind, None if lat is None else float(lat),
                     None if lon is None else float(lon), None if alt is None else float(alt),
                     camera, raw, gps_note=note, skipped=skipped, error=error)
    except BadRecord:
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        raise BadRecord(str(exc)) from exc


def cacheable(photo: Photo) -> bool:
    return not (photo.error and photo.error.startswith(TRANSIENT_PREFIXES))


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return int(code) & 0xFF  # the primary code of an extended one
    text = str(exc)
    if "malformed" in text or "not a database" in text:
        return 11
    if "locked" in text or "busy" in text:
        return 5
    return None


def _corrupt(exc: sqlite3.Error) -> bool:
    return _code(exc) in _CORRUPT_CODES


class _Foreign(Exception):
    """The file is an SQLite database, but not one of our layout."""


class _Locked(Exception):
    """Another run holds the write lock the new or upgraded layout needs (said once)."""


class Index:
    """Opened lazily; every method degrades to "nothing cached" when SQLite fails.

    ``warn(message)`` is told of each kind of problem once (a read-only, full, locked or
    corrupt index, records that were dropped); without it the messages are kept in
    ``warnings`` (``take_warnings()`` hands them over; ``tripexif.api.load`` puts them in
    its ``PhotoSet.warnings``). ``clock`` and ``sleep`` time the wait for a lock (tests).

    Close it when done: ``with Index() as index: ...`` or ``index.close()``. A failed write
    is rolled back whole, so the connection is ready for the next one."""

    def __init__(self, path: Path | None = None, *, warn: Callable[[str], None] | None = None,
                 lock_wait: float = LOCK_WAIT_S,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.path = path or cache_dir() / INDEX_NAME
        self.warnings: list[str] = []
        self._warn = warn
        self._warned: set[str] = set()
        self._lock_left = lock_wait
        self._clock = clock
        self._sleep = sleep
        self._db: sqlite3.Connection | None = None
        self._broken = False

    # --- problems: said once per run, never raised ------------------------------------

    def _say(self, kind: str, message: str) -> None:
        if kind in self._warned:
            return
        self._warned.add(kind)
        if self._warn is not None:
            self._warn(message)
        else:
            self.warnings.append(message)

    def take_warnings(self) -> list[str]:
        """The warnings kept so far, handed over once."""
        taken, self.warnings = self.warnings, []
        return taken

    def dropped(self) -> None:
        """Say (once) that stored content was bad: dropped, and worked out again."""
        self._say("dropped", f"the scan index in {self.path.parent} held records that could "
                  "not be used: they were dropped and worked out again")

    def _failed(self, exc: BaseException, doing: str) -> None:
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        self._say("failed", f"the scan index in {self.path.parent} cannot be used ({doing}: "
                  f"{reason}): files are read again on every run until this is fixed "
                  "(or use --no-cache)")

    def _error(self, exc: sqlite3.Error, doing: str) -> None:
        """An SQLite error in a statement: a corrupt file is moved aside, anything else
        said once."""
        if _corrupt(exc):
            self._quarantine(str(exc))
        else:
            self._failed(exc, doing)

    # --- the connection ---------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._open()
            except _Foreign as exc:
                self._quarantine(str(exc))
            except _Locked:
                self._broken = True
            except sqlite3.Error as exc:
                if _corrupt(exc):
                    self._quarantine(str(exc))
                else:
                    self._broken = True
                    self._failed(exc, "opening it")
            except OSError as exc:
                self._broken = True
                self._failed(exc, "opening it")
        return self._db

    def _open(self) -> sqlite3.Connection:
        # SQLite's own busy wait is off: _begin waits, within this run's budget
        db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._layout(db)
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.close()
            raise
        return db

    def _layout(self, db: sqlite3.Connection) -> None:
        """Check the tables are ours, made or upgraded as needed; _Foreign when not ours."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = self._tables(db)
        if version == SCHEMA_VERSION and tables == _COLUMNS:
            return
        if version == SCHEMA_VERSION or version not in (0, 2):
            raise _Foreign(f"layout {version}, tables {sorted(tables)}")
        for name, columns in tables.items():  # layout 2, or new, or half made
            if columns != _COLUMNS.get(name) and not (name == "files" and columns == _OLD_FILES):
                raise _Foreign(f"table {name} with columns {columns}")
        if not self._begin(db):
            raise _Locked
        try:
            if self._tables(db).get("files") == _OLD_FILES:
                db.execute("DROP TABLE files")  # its records lack the new key: read again
            for create in _TABLES.values():
                db.execute(create.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise

    @staticmethod
    def _tables(db: sqlite3.Connection) -> dict[str, list[str]]:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")]
        return {name: [row[1] for row in db.execute(f"PRAGMA table_info('{name}')")]
                for name in names}

    def _quarantine(self, why: str) -> None:
        """Move the corrupt or foreign index aside (kept, for a look) and start a new one."""
        self.close()
        stamp_text = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp_text}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):  # a new file must not meet the old journal
                with contextlib.suppress(FileNotFoundError):
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        except OSError as exc:
            self._broken = True
            self._failed(exc, f"moving aside a damaged index ({why})")
            return
        self._say("corrupt", f"the scan index {self.path} was damaged or of another layout "
                  f"({why}): moved aside to {aside.name}, a new one is started")
        try:
            self._db = self._open()
        except _Locked:
            self._broken = True
        except (sqlite3.Error, OSError, _Foreign) as exc:
            self._broken = True
            self._failed(exc, "starting a new one")

    def _begin(self, db: sqlite3.Connection) -> bool:
        """BEGIN IMMEDIATE, waiting for another run's lock at most what is left of this run's
        LOCK_WAIT_S; False (said once) when it is still locked."""
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as exc:
                if _code(exc) not in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
                    raise
            if self._lock_left <= 0:
                self._say("locked", f"the scan index in {self.path.parent} is locked by "
                          "another tripexif run: some of this run's results were not cached")
                return False
            started = self._clock()
            self._sleep(min(LOCK_RETRY_S, self._lock_left))
            self._lock_left -= max(self._clock() - started, 1e-3)

    def _write(self, work: Callable[[sqlite3.Connection], object]) -> bool:
        """``work(db)`` as one transaction; whether it landed. When it fails, it is rolled
        back (an SQLite error is then said once: the cache just misses it; anything else is
        raised again)."""
        db = self._connect()
        if db is None:
            return False
        try:
            if not self._begin(db):
                return False
            work(db)
            db.execute("COMMIT")
            return True
        except BaseException as exc:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            if not isinstance(exc, sqlite3.Error):
                raise
            if isinstance(exc, sqlite3.InterfaceError | sqlite3.ProgrammingError):
                return False  # a caller's bad value, not the index's problem
            self._error(exc, "storing")
            return False

    def _read(self, query: str, args: Sequence[Any] = ()) -> list[Any] | None:
        """The rows of a query, or None (said once) when SQLite fails."""
        db = self._connect()
        if db is None:
            return None
        try:
            return db.execute(query, args).fetchall()
        except sqlite3.Error as exc:
            self._error(exc, "reading")
            return None

    # --- file records -----------------------------------------------------------------

    def lookup(self, keys: Sequence[tuple[str, Stamp]]) -> dict[str, str]:
        """{absolute path: packed record} for the (path, stamp) keys whose stamp still
        matches. The records are not checked: see ``unpack``, and ``forget`` bad ones."""
        if not keys or self._connect() is None:
            return {}
        # paths are stored as the file system's bytes: names need not be valid UTF-8
        wanted = {os.fsencode(path): (path, key) for path, key in keys}
        found: dict[str, str] = {}
        paths = list(wanted)
        for start in range(0, len(paths), 900):
            chunk = paths[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self._read("SELECT path, size, mtime_ns, ctime_ns, inode, device, record"
                              f" FROM files WHERE path IN ({marks})", chunk)
            if rows is None:
                return {}
            for key, *got, record in rows:
                path, want = wanted[key]
                if tuple(got) == want:
                    found[path] = record
        return found

    def store(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Keep records: rows of (path, size, mtime_ns, ctime_ns, inode, device, packed
        record); (path, size, mtime_ns, record), the rows of layout 2, leave the rest 0."""
        full = [(os.fsencode(row[0]), *row[1:-1], *(0,) * (7 - len(row)), row[-1])
                for row in rows]
        if full:
            self._write(lambda db: db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", full))

    def forget(self, paths: Iterable[str]) -> None:
        """Drop the records of these paths (found bad: said once)."""
        encoded = [(os.fsencode(p),) for p in paths]
        if encoded:
            self.dropped()
            self._write(lambda db: db.executemany("DELETE FROM files WHERE path = ?", encoded))

    def prune(self, roots: Iterable[str], seen: Iterable[str]) -> int:
        """Drop the records of files that are gone under the walked folders ``roots``
        (absolute): those a walk of them did not see, and that do not exist. The count."""
        seen_paths = {os.fsencode(p) for p in seen}
        gone: list[bytes] = []
        for root in roots:
            prefix = os.fsencode(root.rstrip(os.sep) + os.sep)
            after = prefix[:-1] + bytes([prefix[-1] + 1])
            rows = self._read("SELECT path FROM files WHERE path >= ? AND path < ?",
                              (prefix, after))
            gone += [path for (path,) in rows or () if path not in seen_paths
                     and not os.path.lexists(path)]
        return self._delete(gone)

    def prune_missing(self) -> int:
        """Drop the records of every file that no longer exists. The count."""
        rows = self._read("SELECT path FROM files") or []
        return self._delete([path for (path,) in rows if not os.path.lexists(path)])

    def _delete(self, paths: list[bytes]) -> int:
        if paths and self._write(lambda db: db.executemany(
                "DELETE FROM files WHERE path = ?", [(p,) for p in paths])):
            return len(paths)
        return 0

    def vacuum(self) -> None:
        """Compact the file (raises sqlite3.Error when it cannot, e.g. locked)."""
        db = self._connect()
        if db is None:
            raise sqlite3.OperationalError("the index cannot be opened")
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- zones and places -------------------------------------------------------------

    def zones(self) -> dict[str, str | None]:
        """{cell: zone name or None}; rows of the wrong shape are dropped (the zone names
        themselves are checked by the caller: ``forget_zones``)."""
        rows = self._read("SELECT cell, zone FROM zones")
        if rows is None:
            return {}
        good = {cell: zone for cell, zone in rows
                if isinstance(cell, str) and (zone is None or isinstance(zone, str))}
        if len(good) != len(rows):
            self.forget_zones([cell for cell, zone in rows if cell not in good])
        return good

    def forget_zones(self, cells: Sequence[object]) -> None:
        if cells:
            self.dropped()
            self._write(lambda db: db.executemany("DELETE FROM zones WHERE cell IS ?",
                                                  [(c,) for c in cells]))

    def store_zones(self, cells: dict[str, str | None]) -> None:
        if cells:
            self._write(lambda db: db.executemany("INSERT OR REPLACE INTO zones VALUES (?, ?)",
                                                  list(cells.items())))

    def place(self, key: str) -> tuple[bool, str | None]:
        """(found, packed place or None) for a geocoder cache key. A row that is not text
        or NULL is not found (and dropped); the caller checks the text (``forget_place``)."""
        rows = self._read("SELECT place FROM places WHERE key = ?", (key,))
        if not rows:
            return False, None
        packed = rows[0][0]
        if packed is not None and not isinstance(packed, str):
            self.forget_place(key)
            return False, None
        return True, packed

    def forget_place(self, key: str) -> None:
        self.dropped()
        self._write(lambda db: db.execute("DELETE FROM places WHERE key = ?", (key,)))

    def store_place(self, key: str, packed: str | None, stored: float) -> None:
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO places VALUES (?, ?, ?)",
                                          (key, packed, stored)))

    # --- the whole --------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        """Rows per table, and ``bytes``: the size of the file and its journal."""
        counts = {table: (self._read(f"SELECT COUNT(*) FROM {table}") or [(0,)])[0][0]
                  for table in ("files", "zones", "places")}
        size = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                size += os.stat(f"{self.path}{suffix}").st_size
        return {**counts, "bytes": size}

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
