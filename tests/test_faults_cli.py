"""Faults at the command line's edges: a full standard output, a PATH that exists but
cannot be read or looked at."""

import json
import os
import subprocess
import sys
from datetime import datetime

from trips import Shot, write


def test_a_full_standard_output_is_one_line_and_exit_1(tmp_path):
    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 8, 1, 10), "Europe/Rome",
                                         41.89, 12.49)])
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "tripexif", "scan", "-f", "json", "-q",
                               "--no-cache", str(folder)], stdout=full, stderr=subprocess.PIPE,
                              timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == b"tripexif: cannot write standard output: No space left on device\n"


def test_a_path_click_would_call_unreadable_is_read_not_a_usage_error(run, tmp_path,
                                                                      monkeypatch):
    """Click's Path checks os.access(R_OK) by default (root passes it, so it is faked): an
    unreadable PATH is the reader's business, listed like any unreadable file."""
    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 8, 1, 10), "Europe/Rome",
                                         41.89, 12.49)])
    photo = str(folder / "a.jpg")
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k:
                        False if os.fspath(path) == photo else access(path, mode, *a, **k))
    result = run("photos", "-f", "json", "--no-cache", photo)
    assert result.exit_code == 0, result.stderr
    assert [r["path"] for r in json.loads(result.stdout)] == [photo]


def test_a_path_that_cannot_be_looked_at_is_listed(run, tmp_path, monkeypatch):
    """A path in a folder we may not search (stat fails with EACCES) exists: it is listed
    with the reason, not called missing."""
    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 8, 1, 10), "Europe/Rome",
                                         41.89, 12.49)])
    locked = str(tmp_path / "locked" / "b.jpg")
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    result = run("scan", "-f", "json", "--no-cache", str(folder), locked)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["errors"] == [{"path": locked, "error": "cannot access: Permission denied"}]
    assert doc["summary"]["photos"] == 2


def test_a_missing_path_is_still_a_usage_error(run, tmp_path):
    result = run("scan", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# --- stale temporaries --------------------------------------------------------------------

def _plant_temps(folder, now):
    """Ours old and new, and old look-alikes that are not ours to remove."""
    old = now - 2 * 3600
    (folder / "sub.tmp").mkdir()
    names = {".tripexif-old1.tmp": old, ".tripexif-new1.tmp": now - 60,
             ".tripexif-old2.tmp.bak": old, "tripexif-old3.tmp": old, "notes.txt": old,
             "target": old}
    for name, mtime in names.items():
        (folder / name).write_text("x")
        os.utime(folder / name, (mtime, mtime))
    (folder / ".tripexif-dir.tmp").mkdir()
    os.utime(folder / ".tripexif-dir.tmp", (old, old))
    os.symlink(folder / "target", folder / ".tripexif-link.tmp")
    os.utime(folder / ".tripexif-link.tmp", (old, old), follow_symlinks=False)
    return sorted(p.name for p in folder.iterdir())


def test_stale_temps_are_removed_only_ours_only_old_only_files(tmp_path):
    from tripexif.store.folder import remove_stale_temps

    now = 1_750_000_000.0
    before = _plant_temps(tmp_path, now)
    removed = remove_stale_temps(tmp_path, now=now)
    assert removed == [str(tmp_path / ".tripexif-old1.tmp")]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        n for n in before if n != ".tripexif-old1.tmp"]


def test_writing_o_removes_stale_temps_beside_it(run, tmp_path):
    import time

    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 8, 1, 10), "Europe/Rome",
                                         41.89, 12.49)])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = _plant_temps(out_dir, time.time())
    result = run("scan", "--no-cache", "-q", str(folder), "-o", str(out_dir / "trip.json"))
    assert result.exit_code == 0, result.stderr
    after = sorted(p.name for p in out_dir.iterdir())
    assert after == sorted([*(n for n in before if n != ".tripexif-old1.tmp"), "trip.json"])


def test_a_cache_folder_others_can_write_costs_the_place_names_nothing(tmp_path, run,
                                                                     monkeypatch):
    """The place names come from the package's own file: nothing is loaded from (or saved
    to) the cache folder, so a folder others can write is no risk to them."""
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(cache))
    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 8, 1, 10), "Europe/Rome",
                                         41.89, 12.49)])
    result = run("scan", "--no-cache", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "Rome" in result.stdout
    assert list(cache.iterdir()) == []
