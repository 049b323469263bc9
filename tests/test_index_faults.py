"""Issue 11: the scan index never gives a wrong answer, never crashes a run and never stalls
it; what goes wrong with it is said once, naming the folder; it shrinks."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from tripexif.api import load
from tripexif.clock.times import TimeSettings
from tripexif.geocode.cache import CachedGeocoder, pack_place
from tripexif.model import Place
from tripexif.reading import pool
from tripexif.store.index import INDEX_NAME, Index

import synth

PARIS = (48.8566, 2.3522)
ROME = (41.8902, 12.4922)  # same number of digits: the file keeps its size
WHEN = datetime(2025, 8, 1, 10, 0)


def _exif(lat_lon, when=WHEN):
    lat, lon = lat_lon
    return synth.Exif(make="Apple", model="iPhone 15", datetime_original=when,
                      offset_original="+02:00", lat=lat, lon=lon)


def _photo(path, lat_lon, when=WHEN):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(synth.jpeg_bytes(_exif(lat_lon, when), size=(16, 16)))
    return path


def _scan(folder, index_path, **kw):
    with Index(index_path, **kw) as index:
        return load([str(folder)], TimeSettings(), index=index)


def _where(photoset):
    return [(round(p.lat, 4), round(p.lon, 4)) for p in photoset.photos]


@pytest.fixture
def trip(tmp_path):
    folder = tmp_path / "trip"
    for i in range(3):
        _photo(folder / f"p{i}.jpg", PARIS, WHEN.replace(minute=i))
    return folder


# --- 1. stale data --------------------------------------------------------------------

def test_a_photo_edited_in_place_with_its_old_mtime_is_read_again(tmp_path):
    photo = _photo(tmp_path / "t" / "a.jpg", PARIS)
    index = tmp_path / "index.sqlite"
    assert _where(_scan(photo.parent, index)) == [PARIS]
    before = os.stat(photo)
    with open(photo, "r+b") as fh:  # in place, as metadata tools do: same inode
        new = synth.jpeg_bytes(_exif(ROME), size=(16, 16))
        assert len(new) == before.st_size
        fh.write(new)
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r
    after = os.stat(photo)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == \
        (before.st_size, before.st_mtime_ns, before.st_ino)
    again = _scan(photo.parent, index)
    assert again.read == 1 and _where(again) == [ROME]


# --- 2. poisoned records --------------------------------------------------------------

def _meddling(monkeypatch, change):
    """Run ``change(path)`` on each file just before the reader opens it (after the walk
    and the index lookup took their stat)."""
    real = pool.read_entry_stamped

    def meddled(entry):
        change(entry.path)
        return real(entry)

    monkeypatch.setattr(pool, "read_entry_stamped", meddled)


def test_a_file_truncated_during_a_scan_and_restored_is_read_again(tmp_path, monkeypatch):
    photo = _photo(tmp_path / "t" / "a.jpg", PARIS)
    data, before = photo.read_bytes(), os.stat(photo)
    index = tmp_path / "index.sqlite"
    with monkeypatch.context() as patch:
        _meddling(patch, lambda path: open(path, "wb").close())  # noqa: SIM115
        assert [p.error for p in _scan(photo.parent, index).photos] == ["empty file"]
    photo.write_bytes(data)
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = _scan(photo.parent, index)
    assert [p.error for p in again.photos] == [None] and _where(again) == [PARIS]


def test_an_empty_file_is_not_cached(tmp_path):
    """Empty may be "being written": the next run looks again."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.jpg").write_bytes(b"")
    index = tmp_path / "index.sqlite"
    assert [p.error for p in _scan(tmp_path / "t", index).photos] == ["empty file"]
    assert _scan(tmp_path / "t", index).read == 1


def test_a_record_is_keyed_on_the_stat_of_the_bytes_it_was_read_from(tmp_path, monkeypatch):
    photo = _photo(tmp_path / "t" / "a.jpg", PARIS)
    index = tmp_path / "index.sqlite"
    rome = synth.jpeg_bytes(_exif(ROME), size=(32, 32))  # another size, too
    with monkeypatch.context() as patch:  # changed between the walk's stat and the read
        _meddling(patch, lambda path: Path(path).write_bytes(rome))
        assert _where(_scan(photo.parent, index)) == [ROME]
    now = os.stat(photo)
    with sqlite3.connect(index) as db:
        row = db.execute("SELECT size, mtime_ns, ctime_ns, inode, device FROM files").fetchall()
    db.close()
    assert row == [(now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino, now.st_dev)]
    again = _scan(photo.parent, index)
    assert again.read == 0 and _where(again) == [ROME]


# --- 3. bad content -------------------------------------------------------------------

def _corrupt(index, sql, *args):
    db = sqlite3.connect(index)
    with db:
        db.execute(sql, args)
    db.close()


BAD_RECORDS = {
    "garbage": "not json at all",
    "null": None,
    "a number": 42,
    "a blob": b"\x00\x01",
    "json object": '{"kind": "photo"}',
    "older: 11 fields": '["photo",48.8,2.3,null,null,null,null,null,null,null,null]',
    "newer: 13 fields": '["photo",48.8,2.3,null,null,null,null,null,null,null,null,null,1]',
    "lat as text": '["photo","48.8",2.3,null,null,null,null,null,null,null,null,null]',
    "lat as true": '["photo",true,2.3,null,null,null,null,null,null,null,null,null]',
    "unknown kind": '["slide",48.8,2.3,null,null,null,null,null,null,null,null,null]',
    "camera as list": '["photo",48.8,2.3,null,["x"],null,null,null,null,null,null,null]',
    "bad time": '["photo",48.8,2.3,null,null,"yesterday",null,null,null,null,null,null]',
    "aware wall clock": '["photo",48.8,2.3,null,null,"2025-08-01T10:00:00+02:00",null,'
                        'null,null,null,null,null]',
    "deep nesting": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("bad", sorted(BAD_RECORDS))
def test_a_bad_record_is_dropped_and_the_file_read_again(trip, tmp_path, bad):
    index = tmp_path / "index.sqlite"
    fresh = _scan(trip, index)
    _corrupt(index, "UPDATE files SET record = ? WHERE CAST(path AS TEXT) LIKE '%p1.jpg'",
             BAD_RECORDS[bad])
    damaged = _scan(trip, index)
    assert damaged.photos == fresh.photos and damaged.read == 1
    [warning] = damaged.warnings
    assert warning.startswith(f"the scan index in {tmp_path} held records that could not be")
    healed = _scan(trip, index)
    assert healed.read == 0 and healed.warnings == [] and healed.photos == fresh.photos


@pytest.mark.parametrize("zone", ["Not/AZone", "", "../../etc/passwd", "Europe", 42, b"x"])
def test_a_zone_row_naming_no_real_zone_is_looked_up_again(tmp_path, zone):
    photo = tmp_path / "t" / "a.jpg"
    photo.parent.mkdir()
    # no offset tag: the time comes from the zone at the position
    photo.write_bytes(synth.jpeg_bytes(synth.Exif(datetime_original=WHEN, lat=PARIS[0],
                                                  lon=PARIS[1]), size=(16, 16)))
    index = tmp_path / "index.sqlite"
    assert _scan(photo.parent, index).photos[0].timezone == "Europe/Paris"
    _corrupt(index, "UPDATE zones SET zone = ?", zone)
    damaged = _scan(photo.parent, index)
    assert damaged.photos[0].timezone == "Europe/Paris"
    assert len(damaged.warnings) == 1 and "held records that could not" in damaged.warnings[0]
    assert _scan(photo.parent, index).warnings == []


class Counting:
    name = "counting"

    def __init__(self):
        self.asked = 0

    def reverse(self, lat, lon):
        self.asked += 1
        return Place("Roma", "Lazio", "Italy", "IT", 0.5)


@pytest.mark.parametrize("packed", ["garbage", '["Roma"]', '{"name": "Roma"}',
                                    '[1, null, null, null, null]', 7,
                                    '["Roma", null, null, null, "far"]'])
def test_a_bad_place_row_is_asked_again(tmp_path, packed):
    path = tmp_path / "index.sqlite"
    inner = Counting()
    with Index(path) as index:
        coder = CachedGeocoder(inner, index, "svc")
        assert coder.reverse(*ROME).name == "Roma"
        _corrupt(path, "UPDATE places SET place = ?", packed)
        assert coder.reverse(*ROME) == Place("Roma", "Lazio", "Italy", "IT", 0.5)
        assert inner.asked == 2
        assert len(index.take_warnings()) == 1
        assert index.place(coder.key(*ROME)) == \
            (True, pack_place(Place("Roma", "Lazio", "Italy", "IT", 0.5)))


def _aside(folder):
    return sorted(p.name for p in folder.iterdir() if ".corrupt-" in p.name)


def _garbage(path):
    path.write_bytes(b"this is not a database" * 100)


def _malformed(path):
    """A real index whose pages past the header are overwritten."""
    data = bytearray(path.read_bytes())
    data[100:] = b"\xa5" * (len(data) - 100)
    path.write_bytes(bytes(data))


def _foreign_version(path):
    _corrupt(path, "PRAGMA user_version = 99")


def _foreign_table(path):
    _corrupt(path, "DROP TABLE files")
    _corrupt(path, "CREATE TABLE files (path TEXT PRIMARY KEY, digest TEXT)")


@pytest.mark.parametrize("damage", [_garbage, _malformed, _foreign_version, _foreign_table])
def test_a_damaged_or_foreign_index_is_moved_aside_and_rebuilt(trip, tmp_path, damage):
    cache = tmp_path / "cache"
    cache.mkdir()
    index = cache / INDEX_NAME
    fresh = _scan(trip, index)
    damage(index)
    damaged = _scan(trip, index)
    assert damaged.photos == fresh.photos
    [aside] = _aside(cache)
    assert aside.startswith(f"{INDEX_NAME}.corrupt-")
    [warning] = damaged.warnings
    assert warning.startswith(f"the scan index {index} was damaged or of another layout (")
    assert warning.endswith(f"moved aside to {aside}, a new one is started")
    rebuilt = _scan(trip, index)
    assert rebuilt.read == 0 and rebuilt.warnings == [] and rebuilt.photos == fresh.photos
    assert len(_aside(cache)) == 1


def test_the_layout_before_is_upgraded_quietly(trip, tmp_path):
    """An index of layout 2 (records keyed on size and mtime only): its records are read
    again, its zones and places kept."""
    path = tmp_path / "index.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE files (path BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                   " record TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE zones (cell TEXT PRIMARY KEY, zone TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE places (key TEXT PRIMARY KEY, place TEXT, stored REAL)"
                   " WITHOUT ROWID")
        db.execute("INSERT INTO places VALUES ('k', NULL, 1.0)")
    db.close()
    first = _scan(trip, path)
    assert first.read == 3 and first.warnings == [] and _aside(tmp_path) == []
    with Index(path) as index:
        assert index.place("k") == (True, None)
        assert index.stats()["files"] == 3


# --- 4. an index that cannot be used says so ------------------------------------------

def test_an_unusable_cache_folder_is_said_once_per_run(trip, tmp_path):
    (tmp_path / "file").write_text("a file where the cache folder should be")
    folder = tmp_path / "file" / "cache"
    for _ in range(2):  # every run says it, once
        result = _scan(trip, folder / INDEX_NAME)
        assert len(result.photos) == 3 and result.read == 3
        [warning] = result.warnings
        assert warning.startswith(f"the scan index in {folder} cannot be used (opening it: ")


def test_a_full_disk_is_said_once(tmp_path):
    trip = tmp_path / "trip"
    for i in range(60):  # more records than the file's free pages hold
        _photo(trip / f"p{i:02d}.jpg", PARIS, WHEN.replace(minute=i))
    path = tmp_path / "index.sqlite"
    with Index(path) as index:
        index.stats()  # opened
        assert index._db is not None
        # the file may not grow past its size now: as a full disk does
        pages = index._db.execute("PRAGMA page_count").fetchone()[0]
        index._db.execute(f"PRAGMA max_page_count = {pages}")
        result = load([str(trip)], TimeSettings(), index=index)
        index.store_zones({"1,1": "Europe/Paris"})
        assert len(result.photos) == 60
        [warning] = result.warnings + index.take_warnings()
    assert warning.startswith(f"the scan index in {tmp_path} cannot be used (storing: ")
    assert "full" in warning


def test_the_cli_says_an_unusable_cache_once(run, trip, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(tmp_path / "file" / "cache"))
    result = run("photos", "-f", "jsonl", str(trip))
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3
    assert result.stderr.count("warning: ") == 1
    assert f"the scan index in {tmp_path / 'file' / 'cache'} cannot be used" \
        in result.stderr.replace("\n", "")


# --- 5. a locked index: a short wait in all, then on without caching ------------------

class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_a_locked_index_costs_a_short_wait_in_all_and_is_said_once(trip, tmp_path):
    path = tmp_path / "index.sqlite"
    _scan(trip, path)
    for name in ("p0.jpg", "p1.jpg"):  # two of them to store again
        _photo(trip / name, ROME)
    other = sqlite3.connect(path, isolation_level=None)  # a run stopped inside its write
    other.execute("BEGIN IMMEDIATE")
    clock = FakeClock()
    try:
        with Index(path, clock=clock, sleep=clock.sleep) as index:
            result = load([str(trip)], TimeSettings(), index=index)
            index.store_zones({"1,1": "Europe/Paris"})
            index.store_place("k", None, 1.0)
            warnings = result.warnings + index.take_warnings()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _where(result) == [ROME, ROME, PARIS]
    assert 1.0 <= sum(clock.sleeps) <= 2.0  # in all, not per write
    assert warnings == [f"the scan index in {tmp_path} is locked by another tripexif run: "
                        "some of this run's results were not cached"]
    assert _scan(trip, path).read == 2  # they were not cached; now they are
    assert _scan(trip, path).read == 0


# --- 6. the index shrinks -------------------------------------------------------------

def test_records_of_files_gone_from_a_walked_folder_are_pruned(trip, tmp_path):
    path = tmp_path / "index.sqlite"
    elsewhere = tmp_path / "elsewhere"
    _photo(elsewhere / "x.jpg", ROME)
    _scan(elsewhere, path)
    _scan(trip, path)
    (trip / "p1.jpg").unlink()
    _photo(tmp_path / "trip-2" / "y.jpg", ROME)  # a sibling whose name starts alike
    _scan(tmp_path / "trip-2", path)
    os.rename(trip / "p2.jpg", trip / "renamed.jpg")
    _scan(trip, path)
    with sqlite3.connect(path) as db:
        kept = sorted(os.path.basename(os.fsdecode(p)) for (p,) in
                      db.execute("SELECT path FROM files"))
    db.close()
    assert kept == ["p0.jpg", "renamed.jpg", "x.jpg", "y.jpg"]


def test_cache_shows_the_index_and_vacuum_compacts_it(run, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(cache))
    folder = tmp_path / "t"
    for i in range(200):
        _photo(folder / f"p{i:03d}.jpg", PARIS, WHEN.replace(minute=i % 60))
    _scan(folder, cache / INDEX_NAME)
    for i in range(150):  # gone, from a folder no scan walks again
        (folder / f"p{i:03d}.jpg").unlink()
    shown = run("cache").stdout.splitlines()
    assert shown[2] == "scan index: 200 files, 1 zone cells, 0 place names"
    assert shown[3].startswith(f"index file: {cache / INDEX_NAME}, ")
    size_before = os.stat(cache / INDEX_NAME).st_size
    result = run("cache", "--vacuum")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "removed 150 records of files that no longer exist"
    assert lines[1].startswith("compacted the scan index: ")
    assert run("cache").stdout.splitlines()[2] == \
        "scan index: 50 files, 1 zone cells, 0 place names"
    assert os.stat(cache / INDEX_NAME).st_size < size_before
    assert not (cache / f"{INDEX_NAME}-wal").exists() or \
        os.stat(cache / f"{INDEX_NAME}-wal").st_size == 0
