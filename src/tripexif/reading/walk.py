"""Turn the user's PATH arguments into the files to read, in a stable order."""

from __future__ import annotations

import os
import stat
from collections.abc import Generator, Iterable, Iterator
from typing import NamedTuple

# files in walked folders are read when their name says photo/video; any other file is still
# sniffed and read when its first bytes are a format we know (see reader.read_photo)
MEDIA_EXTENSIONS = frozenset(
    [
        "jpg",
        "jpeg",
        "jpe",
        "jfif",
        "jps",
        "heic",
        "heif",
        "hif",
        "avif",
        "png",
        "webp",
        "tif",
        "tiff",
        "dng",
        "cr2",
        "cr3",
        "crw",
        "nef",
        "nrw",
        "arw",
        "srf",
        "sr2",
        "rw2",
        "raf",
        "orf",
        "pef",
        "srw",
        "3fr",
        "iiq",
        "mrw",
        "x3f",
        "erf",
        "kdc",
        "dcr",
        "mos",
        "rwl",
        "gpr",
        "jxl",
        "exif",
        "mp4",
        "mov",
        "m4v",
        "3gp",
        "3g2",
        "mts",
        "m2ts",
        "avi",
        "mkv",
        "webm",
        "insv",
        "lrv",
    ]
)


class Entry(NamedTuple):
    """A file to read, or a path that could not be walked (``problem`` says why)."""

    path: str
    named: bool = False  # the user named this file itself (not found by walking a folder)
    problem: str | None = None
    # whether an XMP sidecar may sit beside it: False when the walked folder has no .xmp
    # file (then the reader does not look for one: a stat per photo saved)
    sidecars: bool = True


def has_media_extension(path: str) -> bool:
    return os.path.splitext(path)[1][1:].lower() in MEDIA_EXTENSIONS


def walk(paths: Iterable[str]) -> Iterator[Entry]:
    """Files under ``paths`` (files as given, folders recursively, sorted by name).

    Hidden files and folders are skipped, symlinked folders are followed once (loops are cut),
    a file reached twice (a folder and a file inside it, or two links to it) is yielded once,
    and folders or paths that cannot be read are reported as entries with a ``problem``."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()
    for path in paths:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            yield Entry(path, True, "no such file or folder")
            continue
        except OSError as exc:
            yield Entry(path, True, f"cannot access: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk_dir(path, info, seen_dirs, seen_files)
        elif _first_time((info.st_dev, info.st_ino), seen_files):
            yield Entry(path, named=True)


def _first_time(key: tuple[int, int], seen: set[tuple[int, int]]) -> bool:
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk_dir(root: str, info: os.stat_result, seen: set[tuple[int, int]],
              seen_files: set[tuple[int, int]]) -> Iterator[Entry]:
    """The files under folder ``root``: a folder's files, then each subfolder's, depth
    first, in name order. Iterative (a stack of the subfolders still to visit), so that a
    thousand nested folders need no thousand nested calls."""
    pending: list[Iterator[str]] = []  # per open folder: its subfolders not visited yet
    folder: tuple[str, os.stat_result] | None = (root, info)
    while True:
        if folder is not None:
            subdirs = yield from _list_folder(*folder, seen, seen_files)
            pending.append(iter(subdirs))
            folder = None
        if not pending:
            return
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
            continue
        try:
            folder = (child, os.stat(child))
        except OSError as exc:
            yield Entry(child, problem=f"cannot access folder: {exc.strerror or exc}")


def _list_folder(path: str, info: os.stat_result, seen: set[tuple[int, int]],
                 seen_files: set[tuple[int, int]]) -> Generator[Entry, None, list[str]]:
    """Yield the files of one folder (not hidden, each file once); return its subfolders."""
    key = (info.st_dev, info.st_ino)
    if key in seen:  # a symlink loop, or the same folder named twice
        return []
    seen.add(key)
    try:
        with os.scandir(path) as it:
            children = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Entry(path, problem=f"cannot read folder: {exc.strerror or exc}")
        return []
    subdirs = []
    sidecars = any(c.name[-4:].lower() == ".xmp" for c in children)
    for child in children:
        if child.name.startswith("."):
            continue
        try:
            is_dir = child.is_dir()  # follows symlinks
        except OSError:
            is_dir = False
        if is_dir:
            subdirs.append(child.path)
        elif _first_time(_file_key(child, info.st_dev), seen_files):
            yield Entry(child.path, sidecars=sidecars)
    return subdirs


def _file_key(child: os.DirEntry[str], folder_device: int) -> tuple[int, int]:
    """(device, inode) of a folder entry: free from the folder listing for a plain file; a
    link is followed (a dangling one keys on itself, and the reader reports it)."""
    if not child.is_symlink():
        return folder_device, child.inode()
    try:
        target = os.stat(child.path)
    except OSError:
        return folder_device, child.inode()
    return target.st_dev, target.st_ino


def read_path_list(stream: Iterable[bytes] | bytes, null: bool) -> list[str]:
    """Paths from standard input: one per line, or NUL-separated with ``-0``.

    ValueError when lines hold NUL bytes (``find -print0`` output read without ``-0``)."""
    data = stream if isinstance(stream, bytes) else b"".join(stream)
    if not null and b"\0" in data:
        raise ValueError("the paths on standard input are NUL-separated: add -0")
    parts = data.split(b"\0") if null else data.splitlines()
    return [os.fsdecode(p) for p in parts if p]
