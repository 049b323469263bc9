"""The reader inside its process: a library user's own alarm, reading in worker processes while
other threads run, and read errors of the moment that must not be cached."""

import errno
import multiprocessing
import os
import signal
import sys
import threading
import time
from datetime import datetime, timedelta

import pytest

from tripexif.api import load
from tripexif.clock.times import TimeSettings
from tripexif.reading import containers, reader
from tripexif.reading.pool import read_all
from tripexif.reading.reader import read_photo
from tripexif.reading.walk import walk
from tripexif.store.index import Index

import synth
from trips import Shot, write

needs_itimer = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timers")
PLACE = synth.Exif(datetime_original=datetime(2025, 4, 2, 9), lat=35.0037, lon=135.7788)


class Alarm:
    """A library user's SIGALRM handler, and the times it ran."""

    def __init__(self) -> None:
        self.fired: list[float] = []

    def handler(self, signum, frame):
        self.fired.append(time.monotonic())

    def wait(self, limit: float = 5.0) -> bool:
        until = time.monotonic() + limit
        while not self.fired and time.monotonic() < until:
            time.sleep(0.005)
        return bool(self.fired)


@pytest.fixture
def callers_alarm():
    """The caller's handler installed; timer and handler put back as they were afterwards."""
    alarm = Alarm()
    previous = signal.signal(signal.SIGALRM, alarm.handler)
    try:
        yield alarm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def slow_read(make_photo, monkeypatch):
    """A photo whose read takes 50 ms or more."""
    locate = containers.locate

    def slow_locate(*args):
        time.sleep(0.05)
        return locate(*args)

    monkeypatch.setattr(containers, "locate", slow_locate)
    return str(make_photo("a.jpg", PLACE))


@needs_itimer
def test_a_callers_timer_survives_a_read_and_fires(slow_read, callers_alarm):
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    assert read_photo(slow_read).located
    assert signal.getsignal(signal.SIGALRM) == callers_alarm.handler
    assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.25  # less the time the read took
    assert not callers_alarm.fired
    assert callers_alarm.wait()


@needs_itimer
def test_a_callers_signal_alarm_survives_a_read(make_photo, callers_alarm):
    path = str(make_photo("a.jpg", PLACE))
    signal.alarm(30)
    assert read_photo(path).located
    assert signal.alarm(0) in (29, 30)  # what was left of it


@needs_itimer
def test_a_callers_alarm_due_during_a_read_fires_when_the_read_ends(slow_read, callers_alarm):
    signal.setitimer(signal.ITIMER_REAL, 0.01)  # falls due while the read sleeps
    assert read_photo(slow_read).located  # the read is not interrupted by the caller's alarm
    assert callers_alarm.wait(limit=2.0)


@pytest.fixture
def three_hundred(tmp_path):
    shots = [Shot(f"p{i:03d}.jpg", datetime(2025, 5, 1, 8) + timedelta(minutes=i),
                  "Europe/Paris", 48.85 + (i % 7) * 0.01, 2.29 + (i % 5) * 0.01)
             for i in range(300)]
    folder = write(tmp_path / "lib", shots)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif")
    return sorted(walk([str(folder)]), key=lambda e: e.path)


def _parent_pid(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("PPid:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is the question on Linux")
def test_workers_are_not_forked_from_a_process_running_other_threads(three_hundred):
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait, name="like rich's progress refresh")
    busy.start()
    parents: set[int] = set()

    def progress(done):
        parents.update(_parent_pid(p.pid) for p in multiprocessing.active_children()
                       if p.pid is not None and os.path.exists(f"/proc/{p.pid}"))

    try:
        parallel = read_all(three_hundred, jobs=2, progress=progress)
    finally:
        stop.set()
        busy.join()
    assert parallel == read_all(three_hundred, jobs=1)
    assert sum(1 for p in parallel if p is not None and p.located) == 300
    assert parents and os.getpid() not in parents  # forked by the fork server, not by us


def _fault(monkeypatch, photo, how):
    """Make reading ``photo`` fail, once per run, in the way ``how`` names."""
    real_open = os.open

    def failing_open(path, *args, **kwargs):
        if os.fspath(path) == str(photo):
            code, cls = {"denied": (errno.EACCES, PermissionError),
                         "vanished": (errno.ENOENT, FileNotFoundError),
                         "no descriptors": (errno.EMFILE, OSError)}[how]
            raise cls(code, os.strerror(code), str(photo))
        return real_open(path, *args, **kwargs)

    def failing_locate(*args):
        if how == "too slow":
            raise reader._TooSlow  # what the deadline's timer raises
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    if how in ("too slow", "io error"):
        monkeypatch.setattr(containers, "locate", failing_locate)
    else:
        monkeypatch.setattr(os, "open", failing_open)


@pytest.mark.parametrize(("how", "error"), [
    ("denied", "permission denied"),
    ("vanished", "file vanished before it could be read"),
    ("no descriptors", "cannot open: Too many open files"),
    ("io error", "read failed: Input/output error"),
    ("too slow", "took longer than 5 s to read: abandoned"),
])
def test_read_errors_of_the_moment_are_not_cached(tmp_path, monkeypatch, how, error):
    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 8, 1, 10), "Europe/Rome",
                                         41.89, 12.49)])
    index = Index(tmp_path / "i.sqlite")
    with monkeypatch.context() as patch:
        _fault(patch, folder / "a.jpg", how)
        first = load([str(folder)], TimeSettings(), index=index)
    assert [p.error for p in first.photos] == [error]
    again = load([str(folder)], TimeSettings(), index=index)
    assert again.read == 1  # read again, not answered by the index
    [photo] = again.photos
    assert photo.error is None
    assert (photo.lat, photo.lon) == pytest.approx((41.89, 12.49), abs=1e-6)
