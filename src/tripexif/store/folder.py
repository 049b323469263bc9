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
    r"index-v\d+\.sqlite(-wal|-shm|-journal)?"  # the scan index (store/index.py) and SQLite's
    r"|geonames-[0-9-]+\.pickle"  # the offline geocoder's compact index (geocode/offline.py)
    r"|\.tripexif-[A-Za-z0-9_]+\.tmp"  # a temporary left by an interrupted atomic write
)
TEMP_PREFIX = ".tripexif-"
TEMP_SUFFIX = ".tmp"


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
