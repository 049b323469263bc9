"""From PATH arguments to resolved photo records: walk -> (index | read in parallel) -> time."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from tripexif.clock.times import TimeSettings, resolve
from tripexif.clock.zones import ZoneFinder
from tripexif.model import Photo
from tripexif.read.reader import read_entry
from tripexif.read.walk import Entry, walk
from tripexif.store.index import Index, cacheable, pack, unpack

CHUNK = 64  # files per task handed to a worker process
PARALLEL_MIN = 256  # below this many files to read, one process is faster


class PhotoSet(NamedTuple):
    photos: list[Photo]
    warnings: list[str]
    ignored: int = 0  # walked files that are not photos or videos
    read: int = 0  # files actually read (not answered by the index)


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _read_chunk(entries: Sequence[Entry]) -> list[str | None]:
    """Worker: packed records (None for ignored files), in the order given."""
    out: list[str | None] = []
    for entry in entries:
        photo = read_entry(entry)
        out.append(None if photo is None else pack(photo))
    return out


def read_all(entries: Sequence[Entry], jobs: int,
             progress: Callable[[int], None] | None = None) -> list[Photo | None]:
    """Read ``entries`` with up to ``jobs`` processes; the result is in input order and the
    same as a serial read."""
    chunks = [entries[i : i + CHUNK] for i in range(0, len(entries), CHUNK)]
    results: list[Photo | None] = []
    done = 0

    def collect(chunk: Sequence[Entry], packed: list[str | None]) -> None:
        nonlocal done
        for entry, text in zip(chunk, packed, strict=True):
            results.append(None if text is None else unpack(entry.path, text))
        done += len(chunk)
        if progress:
            progress(done)

    if jobs <= 1 or len(entries) < PARALLEL_MIN:
        for chunk in chunks:
            collect(chunk, _read_chunk(chunk))
        return results
    import multiprocessing

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    pool = context.Pool(min(jobs, len(chunks)), initializer=_ignore_sigint)
    try:
        for chunk, packed in zip(chunks, pool.imap(_read_chunk, chunks), strict=True):
            collect(chunk, packed)
        pool.close()
    except BaseException:  # Ctrl-C included: stop the workers now, not after their queue
        pool.terminate()
        raise
    finally:
        pool.join()
    return results


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the main process, which stops them."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


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


