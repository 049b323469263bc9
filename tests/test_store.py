"""The cache folder may be shared: `tripexif cache --clear` removes tripexif's own files and
nothing else (no other file, no folder)."""


import pytest

from tripexif.store.index import Index

OWN = ["index-v2.sqlite", "index-v2.sqlite-wal", "index-v2.sqlite-shm",
       "index-v1.sqlite-journal", "geonames-1-1913227-1712345678901234567-42.pickle",
       ".tripexif-k3j_9x2a.tmp", "index-v2.sqlite.corrupt-20261126-070102",
       "index-v2.sqlite.corrupt-20261126-070102-wal"]
OTHERS = ["notes.txt", "index-vacation.sqlite", "index-v2.sqlite.bak", "tmpk3j9x2ab.tmp",
          "geonames.pickle", ".tripexif-notes.txt", "index-v2.sqlite.corrupt-mine"]


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """A shared folder as TRIPEXIF_CACHE_DIR: tripexif's files among a user's."""
    folder = tmp_path / "shared"
    folder.mkdir()
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(folder))
    with Index() as index:  # a real index, made where tripexif makes it
        index.store([("/a.jpg", 1, 2, "[]")])
    for name in OWN[1:] + OTHERS:  # (closing the index removed its -wal and -shm)
        (folder / name).write_text("x")
    # folders, even of tripexif's names, and what is inside them
    (folder / "photos").mkdir()
    (folder / "photos" / "index-v2.sqlite").write_text("x")
    (folder / "geonames-1-2-3-4.pickle").mkdir()
    (folder / "link.sqlite").symlink_to(folder / "notes.txt")
    (folder / "index-v3.sqlite").symlink_to(folder / "notes.txt")
    return folder


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_clear_removes_only_tripexifs_files_and_lists_them(run, shared):
    kept = sorted(set(_tree(shared)) - set(OWN))
    result = run("cache", "--clear")
    assert result.exit_code == 0, result.output
    assert result.stdout == "".join(f"removed {shared / name}\n" for name in sorted(OWN))
    assert _tree(shared) == kept
    assert (shared / "notes.txt").read_text() == "x"  # the symlinks' target, untouched
    again = run("cache", "--clear")
    assert again.stdout == f"nothing to remove in {shared}\n"
    assert shared.is_dir()


def test_clear_of_a_missing_folder_removes_nothing(run, tmp_path, monkeypatch):
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(tmp_path / "nowhere"))
    result = run("cache", "--clear")
    assert result.exit_code == 0
    assert result.stdout == f"nothing to remove in {tmp_path / 'nowhere'}\n"
    assert not (tmp_path / "nowhere").exists()


def test_cache_counts_only_tripexifs_files(run, shared):
    (shared / "big.bin").write_bytes(b"\0" * 3_000_000)
    result = run("cache")
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"cache folder: {shared}", f"size: 0.0 MB in {len(OWN)} files"]
    assert lines[2] == "scan index: 1 files, 0 zone cells, 0 place names"
