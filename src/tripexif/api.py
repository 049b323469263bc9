"""From PATH arguments to resolved photo records: walk -> (index | read in parallel) -> time."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import NamedTuple

from tripexif.clock.times import TimeSettings, resolve
from tripexif.clock.zones import ZoneFinder
from tripexif.model import Photo
from tripexif.read.pool import read_all
from tripexif.read.walk import Entry, walk
from tripexif.store.index import Index, cacheable, pack, unpack


class PhotoSet(NamedTuple):
    photos: list[Photo]
    warnings: list[str]
    ignored: int = 0  # walked files that are not photos or videos
    read: int = 0  # files actually read (not answered by the index)


def _key(entry: Entry) -> tuple[str, int, int] | None:
    if entry.problem:
        return None
    try:
        info = os.stat(entry.path)
    except OSError:
        return None
    return os.path.abspath(entry.path), info.st_size, info.st_mtime_ns


def load(
    paths: Iterable[str],
    settings: TimeSettings,
    *,
    jobs: int = 1,
    index: Index | None = None,
    zones: ZoneFinder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PhotoSet:
    """Read every file under ``paths`` (through ``index`` when given) and resolve times."""
    entries = list(walk(paths))
    keys = [_key(e) for e in entries] if index else [None] * len(entries)
    known = index.lookup([k for k in keys if k]) if index else {}
    todo = [i for i, k in enumerate(keys) if k is None or k[0] not in known]
    total = len(entries)
    base = total - len(todo)
    if progress:
        progress(base, total)
    fresh = read_all([entries[i] for i in todo], jobs,
                     (lambda n: progress(base + n, total)) if progress else None)
    records: list[Photo | None] = [None] * total
    for i, key in enumerate(keys):
        if key is not None and key[0] in known:
            records[i] = unpack(entries[i].path, known[key[0]])
    new_rows = []
    for i, photo in zip(todo, fresh, strict=True):
        records[i] = photo
        key = keys[i]
        if index and key and photo is not None and cacheable(photo):
            new_rows.append((*key, pack(photo)))
    if index:
        index.store(new_rows)
    photos = [p for p in records if p is not None]
    ignored = sum(1 for p in records if p is None)
    finder = zones or ZoneFinder(index)
    resolved, warnings = resolve(photos, settings, finder.name_at)
    finder.save()
    return PhotoSet(resolved, warnings, ignored, read=len(todo))


