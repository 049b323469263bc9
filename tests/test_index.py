"""The scan index and parallel reading give exactly what a fresh serial read gives."""

import json
import os
import shutil
import sqlite3
from datetime import datetime

import pytest

from tripexif.api import load
from tripexif.clock.times import TimeSettings
from tripexif.reading.pool import read_all
from tripexif.reading.walk import walk
from tripexif.store.index import Index, Stamp

from trips import Shot, write


def _records(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def library(tmp_path):
    shots = [Shot(f"p{i:03d}.jpg", datetime(2025, 5, 1 + i // 40, 8 + (i % 40) // 4, i % 60),
                  "Europe/Paris", 48.85 + (i % 7) * 0.01, 2.29 + (i % 5) * 0.01)
             for i in range(300)]
    folder = write(tmp_path / "lib", shots)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif")
    return folder


def test_parallel_read_is_identical_to_serial(library):
    entries = list(walk([str(library)]))
    assert len(entries) > 256  # large enough for the process pool to be used
    assert read_all(entries, jobs=2) == read_all(entries, jobs=1)


def test_index_matches_a_fresh_read_after_changes(run, library, tmp_path):
    def scan(*extra):
        result = run("photos", "-f", "jsonl", str(library), *extra)
        assert result.exit_code == 0
        return _records(result)

    assert scan() == scan("--no-cache")
    # modify (new content, same name), add, delete, rename
    write(library, [Shot("p000.jpg", datetime(2025, 6, 1, 12, 0), "Asia/Tokyo",
                         35.0037, 135.7788)])
    write(library, [Shot("new.jpg", datetime(2025, 6, 2, 12, 0), "Asia/Tokyo", 35.0, 135.7)])
    os.unlink(library / "p001.jpg")
    os.rename(library / "p002.jpg", library / "renamed.jpg")
    shutil.copy(library / "p003.jpg", library / "copy.jpg")
    warm = scan()
    assert warm == scan("--no-cache")
    by_name = {os.path.basename(r["path"]): r for r in warm}
    assert by_name["p000.jpg"]["timezone"] == "Asia/Tokyo"
    assert "p001.jpg" not in by_name and "renamed.jpg" in by_name


def test_unchanged_files_are_not_read_again(library, tmp_path):
    with Index(tmp_path / "index.sqlite") as index:
        first = load([str(library)], TimeSettings(), index=index)
    with Index(tmp_path / "index.sqlite") as index:
        again = load([str(library)], TimeSettings(), index=index)
    assert first.read == 301 and again.read == 0
    assert first.photos == again.photos


def test_two_runs_sharing_the_index(library, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "shared.sqlite"

    def one(_):
        # closed in the thread that opened it; a long lock wait: this is about two runs
        # sharing the index, not about giving up on a busy one (a loaded machine once made
        # both give up within the default 1.5 s and store nothing)
        with Index(path, lock_wait=60.0) as index:
            return load([str(library)], TimeSettings(), index=index).photos

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(one, range(2))
    assert a == b
    with Index(path) as index:
        assert index.stats()["files"] == 301


def test_a_broken_index_costs_nothing_but_speed(library, tmp_path):
    path = tmp_path / "index.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with Index(path) as index:
        result = load([str(library)], TimeSettings(), index=index)
    assert len(result.photos) == 301


def test_the_index_closes_as_a_context_manager_and_twice(tmp_path):
    with Index(tmp_path / "index.sqlite") as index:
        index.store([("/a.jpg", 1, 2, "[]")])
        db = index._db
        assert db is not None
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")
    index.close()  # again: nothing happens
    assert index._db is None


# each makes the write fail inside its transaction, after part of it was done
FAILING_WRITES = {
    # the second row's cell is NULL: the primary key's NOT NULL constraint fails
    "store_zones": lambda index: index.store_zones({"1,2": "Asia/Tokyo", None: "UTC"}),
    # the second row's size cannot be bound
    "store": lambda index: index.store([("/x.jpg", 1, 2, "[]"), ("/y.jpg", {}, 2, "[]")]),
    # the key cannot be bound
    "store_place": lambda index: index.store_place({}, "packed", 1.0),
}


@pytest.mark.parametrize("method", sorted(FAILING_WRITES))
def test_a_failed_write_is_rolled_back_and_the_next_one_lands(tmp_path, method):
    path = tmp_path / "index.sqlite"
    with Index(path) as index:
        index.store([("/before.jpg", 1, 2, "[]")])
        FAILING_WRITES[method](index)  # dropped quietly: the cache just misses it
        index.store([("/after.jpg", 3, 4, "[]")])
        index.store_place("key", "packed", 2.0)
    with Index(path) as other:  # what another run sees
        # (path, size, mtime, record) rows leave ctime, inode and device 0
        assert other.lookup([("/before.jpg", Stamp(1, 2, 0, 0, 0)),
                             ("/after.jpg", Stamp(3, 4, 0, 0, 0)),
                             ("/x.jpg", Stamp(1, 2, 0, 0, 0))]) \
            == {"/before.jpg": "[]", "/after.jpg": "[]"}
        assert other.zones() == {}  # the failed write kept none of its rows
        assert other.place("key") == (True, "packed")


def test_records_of_an_earlier_reader_are_read_again_quietly(library, tmp_path, monkeypatch):
    """A reader fix changes what the same bytes give: records cached before it are not
    served (they carry the reader's revision), and no warning blames the cache."""
    from tripexif.store import index as index_module

    with Index(tmp_path / "index.sqlite") as index:
        load([str(library)], TimeSettings(), index=index)
    monkeypatch.setattr(index_module, "READER_REVISION", index_module.READER_REVISION + 1)
    with Index(tmp_path / "index.sqlite") as index:
        again = load([str(library)], TimeSettings(), index=index)
    assert again.read == 301
    assert again.warnings == []
    with Index(tmp_path / "index.sqlite") as index:
        assert load([str(library)], TimeSettings(), index=index).read == 0  # stored anew
