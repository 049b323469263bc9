"""The cache folder and the files tripexif keeps in it.

The folder may be shared (``TRIPEXIF_CACHE_DIR`` can point anywhere), so clearing the cache
deletes only the files tripexif itself creates, recognised by their exact name patterns, and
never a folder or any other file.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

# every name tripexif creates in the cache folder, and nothing else
OWN_NAMES = re.compile(
    r"index-v\d+\.sqlite(\.corrupt-\d{8}-\d{6})?(-wal|-shm|-journal)?"  # the scan index
    # (store/index.py), a damaged one it moved aside, and SQLite's journals of either
    r"|geonames-[0-9-]+\.pickle"  # the offline geocoder's compact index (geocode/offline.py)
    r"|\.tripexif-[A-Za-z0-9_]+\.tmp"  # a temporary left by an interrupted atomic write
)
TEMP_PREFIX = ".tripexif-"
TEMP_SUFFIX = ".tmp"
TEMP_NAME = re.compile(r"\.tripexif-[A-Za-z0-9_]+\.tmp")  # as tempfile.mkstemp names ours
STALE_SECONDS = 3600  # a temporary this old is left by a run that was killed


def cache_dir() -> Path:
    """``TRIPEXIF_CACHE_DIR`` when set, else the user cache folder (platformdirs)."""
    override = os.environ.get("TRIPEXIF_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tripexif", appauthor=False))


def is_own(name: str) -> bool:
    """Whether a file called ``name`` in the cache folder is one tripexif creates."""
    return OWN_NAMES.fullmatch(name) is not None


def own_files(folder: Path | None = None) -> list[Path]:
    """tripexif's regular files directly in ``folder`` (default: the cache folder), sorted.

    Folders, symbolic links and files of any other name are never listed."""
    folder = cache_dir() if folder is None else folder
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder yet, or not readable
        return []
    return sorted(Path(entry.path) for entry in entries
                  if is_own(entry.name) and _regular(entry))


def _regular(entry: os.DirEntry[str]) -> bool:
    try:
        return stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        return False


def clear(folder: Path | None = None) -> list[Path]:
    """Delete tripexif's files in ``folder`` (default: the cache folder); the files removed.

    The folder itself and everything else in it are left alone. A file that cannot be
    removed stops the clearing with a TripexifError naming it."""
    from tripexif.errors import TripexifError

    removed = []
    for path in own_files(folder):
        try:
            path.unlink()
        except FileNotFoundError:  # another run removed it first
            continue
        except OSError as exc:
            raise TripexifError(f"cannot remove {path}: {exc.strerror or exc}") from exc
        removed.append(path)
    return removed


def remove_stale_temps(folder: str | os.PathLike[str], now: float | None = None,
                       max_age: float = STALE_SECONDS) -> list[str]:
    """Delete our temporaries (``.tripexif-*.tmp``, regular files only, never a link or a
    folder) last modified over ``max_age`` seconds before ``now`` in ``folder``: what a
    killed run left (a running one's are younger). The paths removed; errors are ignored."""
    import time

    limit = (time.time() if now is None else now) - max_age
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if TEMP_NAME.fullmatch(entry.name) is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            continue
    return removed


def unsafe_reason(folder: str | os.PathLike[str]) -> str | None:
    """Why files in ``folder`` cannot be trusted (another user could have written them), or
    None: the folder is ours and only we may write in it (or, if group- or world-writable,
    it has the sticky bit), or it does not exist yet (we create it)."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be checked ({exc.strerror or exc})"
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return "belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX:
        return "can be written by other users"
    return None


def private_file(fd: int) -> bool:
    """Whether the open file ``fd`` is a regular file of ours that only we may write."""
    info = os.fstat(fd)
    mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    return (stat.S_ISREG(info.st_mode) and mine
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
