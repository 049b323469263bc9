"""The scan index and parallel reading give exactly what a fresh serial read gives."""

import json
import os
import shutil
from datetime import datetime

import pytest

from tripexif.api import load
from tripexif.clock.times import TimeSettings
from tripexif.read.pool import read_all
from tripexif.read.walk import walk
from tripexif.store.index import Index

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
    index = Index(tmp_path / "index.sqlite")
    first = load([str(library)], TimeSettings(), index=index)
    again = load([str(library)], TimeSettings(), index=Index(tmp_path / "index.sqlite"))
    assert first.read == 301 and again.read == 0
    assert first.photos == again.photos


def test_two_runs_sharing_the_index(library, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "shared.sqlite"

    def one(_):
        return load([str(library)], TimeSettings(), index=Index(path)).photos

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(one, range(2))
    assert a == b
    assert Index(path).stats()["files"] == 301


def test_a_broken_index_costs_nothing_but_speed(library, tmp_path):
    path = tmp_path / "index.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    result = load([str(library)], TimeSettings(), index=Index(path))
    assert len(result.photos) == 301
