"""Read one file into a Photo record; never raise for what a file contains."""

from __future__ import annotations

import os
import signal
import stat
import threading
import time
from typing import Any, BinaryIO

from tripexif.errors import MetadataError
from tripexif.model import Photo
from tripexif.reading import containers
from tripexif.reading.walk import Entry, has_media_extension
from tripexif.store.index import Stamp, stamp

HEAD_BYTES = 512
VIDEO_FORMATS = ("mp4", "mov", "mts", "avi")  # the others are listed as skipped
READ_BUDGET_S = 5.0  # no sane file takes a tenth of this


def read_entry(entry: Entry) -> Photo | None:
    """The record for a walked entry; None for a walked non-media file we silently ignore."""
    return read_entry_stamped(entry)[0]


def read_entry_stamped(entry: Entry) -> tuple[Photo | None, Stamp | None]:
    """``read_entry``'s record, with the stamp of the bytes it was read from (see
    ``read_stamped``)."""
    if entry.problem:
        return Photo(entry.path, error=entry.problem), None
    photo, stamped = read_stamped(entry.path, sidecars=entry.sidecars)
    quiet = not entry.named and not has_media_extension(entry.path)
    if quiet and photo.skipped:
        return None, None
    return photo, stamped


class _TooSlow(BaseException):
    """Raised by the timer inside a parse; a BaseException so no `except Exception` in a
    parser can swallow it."""


class _Deadline:
    """Interrupt a parse that runs past ``seconds`` (SIGALRM; main thread on Unix only —
    elsewhere the size limits in containers/exif still bound the work).

    The process has one real-time timer, which a library user's own ``signal.alarm`` or
    ``setitimer(ITIMER_REAL)`` may be using: their timer and handler are put back when the
    read ends, less the time the read took. An alarm that fell due during the read fires
    as soon as it ends (the read itself is never interrupted by it)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.previous: Any = None
        self.caller_timer = (0.0, 0.0)  # the caller's (delay, interval) when we took over
        self.started = 0.0

    def __enter__(self) -> _Deadline:
        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            self.started = time.monotonic()
            self.caller_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        return self

    def _expire(self, signum: int, frame: Any) -> None:
        if self.armed:  # not once restore() has begun
            raise _TooSlow

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def restore(self) -> None:
        """Disarm, and give the caller back their handler and timer. Safe to call twice: if
        the deadline expires just as the read ends, _TooSlow can leave __exit__ before this
        ran to its end, and read_photo calls it again."""
        if not self.armed:
            return
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        delay, interval = self.caller_timer
        if delay > 0:
            left = delay - (time.monotonic() - self.started)
            # a timer of 0 would cancel it: one that fell due meanwhile fires right away
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)


def _special_kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _unreachable(path: str, exc: OSError) -> Photo:
    if isinstance(exc, FileNotFoundError):
        return Photo(path, error="file vanished before it could be read")
    if isinstance(exc, PermissionError):
        return Photo(path, error="permission denied")
    return Photo(path, error=f"cannot open: {exc.strerror or exc}")


def _not_a_file(path: str, kind: str) -> Photo:
    return Photo(path, skipped=f"{kind}, not a photo file: not read")


def read_photo(path: str, budget: float = READ_BUDGET_S, *, strict: bool = False) -> Photo:
    """The record of ``read_stamped``."""
    return read_stamped(path, budget, strict=strict)[0]


def read_stamped(path: str, budget: float = READ_BUDGET_S, *, strict: bool = False,
                 sidecars: bool = True) -> tuple[Photo, Stamp | None]:
    """Read a file's position, camera and raw time fields. Problems become ``error``.

    Pipes, sockets and devices are skipped without being opened for reading; a file is
    opened read-only and never written; a parse that takes longer than ``budget`` seconds
    is abandoned with an error. An unexpected exception (a bug in tripexif, not a problem
    of the file) also becomes an ``error`` so that it never ends a batch; with ``strict``
    it propagates instead (the fuzz tests use this to find such bugs).

    With the record comes the stamp (``store.index.Stamp``) of an ``fstat`` of the open
    descriptor, the same before and after the parse: the record describes exactly those
    bytes. None when the file was not opened, or changed while it was read. With
    ``sidecars`` False no XMP sidecar is looked for (the walk saw none in the folder)."""
    try:
        kind = _special_kind(os.stat(path).st_mode)
    except OSError as exc:
        return _unreachable(path, exc), None
    if kind:
        return _not_a_file(path, kind), None
    deadline = _Deadline(budget)
    try:
        with deadline:
            return _read(path, strict, sidecars)
    except _TooSlow:
        return Photo(path, error=f"took longer than {budget:g} s to read: abandoned"), None
    finally:
        deadline.restore()


def _read(path: str, strict: bool, sidecars: bool = True) -> tuple[Photo, Stamp | None]:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return _unreachable(path, exc), None
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fd)
        except OSError as exc:
            return Photo(path, error=f"read failed: {exc.strerror or exc}"), None
        kind = _special_kind(info.st_mode)
        if kind:  # it changed since the stat above
            return _not_a_file(path, kind), None
        photo = _parse(path, fh, info.st_size, strict, sidecars)
        try:
            same = stamp(os.fstat(fd)) == stamp(info)
        except OSError:
            same = False
    return photo, stamp(info) if same else None


def _parse(path: str, fh: BinaryIO, size: int, strict: bool, sidecars: bool = True) -> Photo:
    from tripexif.reading import (  # exifread loads only when a file is really read
        avi,
        exif,
        mts,
        quicktime,
        sidecar,
    )

    try:
        head = fh.read(HEAD_BYTES)
        if not head:
            return Photo(path, error="empty file")
        container = containers.locate(fh, size, head)
        if container.unsupported:
            return Photo(path, kind=container.kind, skipped=container.unsupported)
        if container.kind == "video":
            if container.format not in VIDEO_FORMATS:
                return Photo(path, kind="video",
                             skipped=f"{container.format} video metadata is not read")
            read_video = {"mts": mts.read_video, "avi": avi.read_video}.get(
                container.format, quicktime.read_video)
            meta = read_video(fh, size)
        else:
            meta = exif.metadata(exif.read_tags(container, fh))
        if sidecars:
            meta = sidecar.with_sidecar(path, meta)  # where people correct time and place
    except MetadataError as exc:
        return Photo(path, error=str(exc))
    except OSError as exc:
        return Photo(path, error=f"read failed: {exc.strerror or exc}")
    except Exception as exc:  # a bug must not end the batch; keep the reason short
        if strict:
            raise
        return Photo(path, error=f"unexpected {type(exc).__name__}: {exc}"[:200])
    return Photo(
        path, kind=container.kind, lat=meta.lat, lon=meta.lon, alt=meta.alt,
        camera=meta.camera, raw=meta.raw, gps_note=meta.gps_note,
    )
