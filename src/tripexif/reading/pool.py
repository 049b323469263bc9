"""Read many files in parallel: a process pool in chunks, results in input order."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from tripexif.errors import TripexifError
from tripexif.model import Photo
from tripexif.reading.reader import read_entry_stamped
from tripexif.reading.walk import Entry
from tripexif.store.index import Stamp, pack, unpack

CHUNK = 64  # files per task handed to a worker process
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
PARALLEL_MIN = 256  # below this many files to read, one process is faster
# imported once by the fork server, so that each worker it forks starts ready to read
PRELOAD = ["__main__", "tripexif.reading.pool", "tripexif.reading.exif",
           "tripexif.reading.quicktime"]


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class Records(list[Photo | None]):
    """``read_all``'s records, a list; ``stamps[i]`` is the stamp of the bytes record ``i``
    was read from (None: not to be cached), which the scan index keys it on."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[Stamp | None] = []


def _read_chunk(entries: Sequence[Entry]) -> list[tuple[str | None, Stamp | None]]:
    """Worker: packed records (None for ignored files) and their stamps, in the order given."""
    out: list[tuple[str | None, Stamp | None]] = []
    for entry in entries:
        photo, stamp = read_entry_stamped(entry)
        out.append((None if photo is None else pack(photo), stamp))
    return out


def read_all(entries: Sequence[Entry], jobs: int,
             progress: Callable[[int], None] | None = None) -> Records:
    """Read ``entries`` with up to ``jobs`` processes; the result is in input order and the
    same as a serial read."""
    chunks = [entries[i : i + CHUNK] for i in range(0, len(entries), CHUNK)]
    results = Records()
    done = 0

    def collect(chunk: Sequence[Entry], packed: list[tuple[str | None, Stamp | None]]) -> None:
        nonlocal done
        for entry, (text, stamp) in zip(chunk, packed, strict=True):
            results.append(None if text is None else unpack(entry.path, text))
            results.stamps.append(None if stamp is None else Stamp(*stamp))
        done += len(chunk)
        if progress:
            progress(done)

    if jobs <= 1 or len(entries) < PARALLEL_MIN:
        for chunk in chunks:
            collect(chunk, _read_chunk(chunk))
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    # an executor, not multiprocessing.Pool: a worker killed while it held a queue's lock
    # (a terminal's hang-up signals the whole process group) made Pool.terminate() wait on
    # that lock forever; the executor notices dead workers and never waits on their locks
    executor = ProcessPoolExecutor(min(jobs, len(chunks)), mp_context=context,
                                   initializer=_worker_init)
    try:
        # not executor.map: when the loop is left, map cancels the pending chunks, racing the
        # executor's own clean-up of killed workers (CPython 3.11 then prints a traceback)
        futures = [executor.submit(_read_chunk, chunk) for chunk in chunks]
        for chunk, future in zip(chunks, futures, strict=True):
            collect(chunk, future.result())
    except BrokenProcessPool as exc:
        _stop(executor)
        raise TripexifError("a reader process died (killed from outside?); run again") from exc
    except BaseException:  # Ctrl-C included: stop the workers now, not after their queue
        _stop(executor)
        raise
    executor.shutdown()
    return results


def _stop(executor: Any) -> None:
    """End the workers at once (their pending chunks fail, and nobody waits for them)."""
    for process in list(getattr(executor, "_processes", {}).values()):
        process.kill()
    # waiting is short (the workers are dead) and lets the executor's thread finish before
    # the interpreter's exit wakes it (CPython 3.11 then writes to a pipe it closed)
    executor.shutdown(wait=True)


def start_method() -> str:
    """How worker processes start. A plain fork copies only the calling thread: a lock that
    another thread (rich's progress refresh, a library user's own threads) holds at that
    moment stays locked forever in the child, which can then hang. So fork only while this
    process runs a single thread; otherwise fork from the fork server, a single-threaded
    process started once (then each worker forks from it as fast as from us)."""
    if not sys.platform.startswith("linux"):
        return "spawn"
    return "fork" if threading.active_count() == 1 else "forkserver"


def _worker_init() -> None:
    """Workers leave Ctrl-C to the main process, which stops them. On Linux they also die,
    silently, with their parent (a SIGKILLed run): without that, each printed a
    BrokenPipeError traceback when it sent its next result to the dead parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        parent = os.getppid()
        if ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
            # only with the parent-death signal: alone, a worker dying of SIGPIPE while it
            # holds the result queue's lock would leave the others hanging on it
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(0)
