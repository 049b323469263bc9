import os

import pytest

from tripexif.reading.walk import read_path_list, walk


def _names(entries):
    return [(os.path.basename(e.path), e.problem) for e in entries]


def test_walks_recursively_in_name_order_skipping_hidden(tmp_path):
    for rel in ["b.jpg", "a/z.jpg", "a/y.jpg", ".hidden/x.jpg", "a/.DS_Store", "c.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    paths = [os.path.relpath(e.path, tmp_path) for e in walk([str(tmp_path)])]
    assert paths == ["b.jpg", "c.txt", os.path.join("a", "y.jpg"), os.path.join("a", "z.jpg")]


def test_survives_symlink_loops(tmp_path):
    (tmp_path / "trip").mkdir()
    (tmp_path / "trip" / "p.jpg").write_bytes(b"x")
    os.symlink(tmp_path, tmp_path / "trip" / "loop")
    entries = list(walk([str(tmp_path)]))
    assert [os.path.basename(e.path) for e in entries] == ["p.jpg"]


def test_named_files_and_missing_paths(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    entries = list(walk([str(tmp_path / "notes.txt"), str(tmp_path / "nope")]))
    assert entries[0].named and entries[0].problem is None
    assert _names(entries[1:]) == [("nope", "no such file or folder")]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_folder_is_reported(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "p.jpg").write_bytes(b"x")
    locked.chmod(0)
    try:
        entries = list(walk([str(tmp_path)]))
    finally:
        locked.chmod(0o755)
    assert [e.problem for e in entries] == ["cannot read folder: Permission denied"]


def test_path_lists_from_stdin():
    assert read_path_list(b"a.jpg\nb c.jpg\n\n", null=False) == ["a.jpg", "b c.jpg"]
    assert read_path_list(b"a\nb.jpg\0c.jpg\0", null=True) == ["a\nb.jpg", "c.jpg"]


def test_a_thousand_nested_folders_are_walked_in_order(tmp_path):
    """The walk is iterative: 1,000 nested folders raised RecursionError when it recursed.
    Files of a folder come before its subfolders' files, depth first, in name order."""
    folder = tmp_path
    expected = []
    for depth in range(1000):
        folder = folder / "d"
        folder.mkdir()
        if depth % 250 == 0 or depth == 999:
            for name in ("b.jpg", "a.jpg"):
                (folder / name).write_bytes(b"x")
            expected += [str(folder / "a.jpg"), str(folder / "b.jpg")]
    (tmp_path / "z").mkdir()  # a sibling after the deep branch, by name
    (tmp_path / "z" / "last.jpg").write_bytes(b"x")
    try:
        entries = list(walk([str(tmp_path)]))
        assert [e.path for e in entries] == [*expected, str(tmp_path / "z" / "last.jpg")]
        assert all(e.problem is None for e in entries)
    finally:  # shutil.rmtree (pytest's clean-up of old tmp_paths) recurses: too deep for it
        _remove_chain(tmp_path / "d", 1000)


def _remove_chain(top, depth):
    """Remove ``depth`` nested folders ``top/d/d/...`` and their files, deepest first."""
    folders = [top]
    for _ in range(depth - 1):
        folders.append(folders[-1] / "d")
    for folder in reversed(folders):
        for child in folder.iterdir():
            if not child.is_dir():
                child.unlink()
        folder.rmdir()
