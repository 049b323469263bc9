"""Faults at the command line's edges: a full standard output, a PATH that exists but
cannot be read or looked at."""

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

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


def test_the_offline_geocoder_removes_stale_temps_in_the_cache(tmp_path):
    import time

    from tripexif.geocode.offline import OfflineGeocoder

    cache = Path(os.environ["TRIPEXIF_CACHE_DIR"])  # the session's: its index is built once
    old = time.time() - 2 * 3600
    (cache / ".tripexif-build1.tmp").write_bytes(b"x" * 1000)
    os.utime(cache / ".tripexif-build1.tmp", (old, old))
    assert OfflineGeocoder(cache_dir=cache).reverse(41.89, 12.49).country_code == "IT"
    assert not (cache / ".tripexif-build1.tmp").exists()


# --- the pickled place-name index -----------------------------------------------------------

class Evil:
    """Unpickling this creates a file: code run by pickle.load."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _index_path(geocoder, cache):
    from tripexif.geocode import offline

    source = offline._source_dir() / "geocode.gz"
    info = source.stat()
    key = f"{offline.INDEX_VERSION}-{info.st_size}-{info.st_mtime_ns}-{info.st_ino}"
    return cache / f"geonames-{key}.pickle"


def test_a_malicious_pickle_in_the_cache_is_not_run(tmp_path):
    import pickle

    from tripexif.geocode.offline import OfflineGeocoder

    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    marker = tmp_path / "pwned"
    geocoder = OfflineGeocoder(cache_dir=cache)
    path = _index_path(geocoder, cache)
    path.write_bytes(pickle.dumps({"lat": Evil(str(marker))}))
    path.chmod(0o600)
    assert geocoder.reverse(41.89, 12.49).country_code == "IT"
    assert not marker.exists()
    # and the bad file was replaced by a good index, loaded by the next geocoder
    assert OfflineGeocoder(cache_dir=cache).reverse(35.0, 135.76).name == "Kyoto"


def test_a_pickle_of_the_wrong_shape_is_rebuilt(tmp_path):
    import pickle

    import numpy as np

    from tripexif.geocode.offline import OfflineGeocoder

    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    geocoder = OfflineGeocoder(cache_dir=cache)
    path = _index_path(geocoder, cache)
    good = OfflineGeocoder(cache_dir=Path(os.environ["TRIPEXIF_CACHE_DIR"]))._load()
    bad = dict(good, name=np.full(len(good["name"]), 10**9, np.uint32))  # out of range
    path.write_bytes(pickle.dumps(bad, protocol=pickle.HIGHEST_PROTOCOL))
    path.chmod(0o600)
    assert geocoder.reverse(35.0, 135.76).name == "Kyoto"


def test_an_index_in_a_folder_others_can_write_is_not_loaded(tmp_path, run):
    import pickle

    from tripexif.geocode.offline import OfflineGeocoder

    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)  # no sticky bit
    geocoder = OfflineGeocoder(cache_dir=cache)
    path = _index_path(geocoder, cache)
    marker = tmp_path / "pwned"
    path.write_bytes(pickle.dumps(Evil(str(marker))))  # would be refused anyway; not opened
    path.chmod(0o600)
    opened = []
    real_open = os.open

    def spy(name, *args, **kwargs):
        opened.append(os.fspath(name))
        return real_open(name, *args, **kwargs)

    os.open = spy
    try:
        assert geocoder.reverse(35.0, 135.76).name == "Kyoto"
    finally:
        os.open = real_open
    assert str(path) not in opened
    assert sorted(p.name for p in cache.iterdir()) == [path.name]  # nothing saved there


def test_the_cli_warns_once_about_a_cache_folder_others_can_write(tmp_path, run,
                                                                  monkeypatch):
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(cache))
    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 8, 1, 10), "Europe/Rome",
                                         41.89, 12.49)])
    result = run("scan", "--no-cache", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("can be written by other users") == 1
    assert "Rome" in result.stdout


def test_a_file_of_ours_that_others_can_write_is_not_loaded(tmp_path):
    from tripexif.geocode.offline import _read_index

    real = Path(os.environ["TRIPEXIF_CACHE_DIR"])
    source = next(real.glob("geonames-*.pickle"))
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    copy.chmod(0o600)
    assert _read_index(copy) is not None
    copy.chmod(0o666)
    assert _read_index(copy) is None
