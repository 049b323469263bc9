"""SIGTERM and SIGHUP stop a run as Ctrl-C does: no temporary file and no half-written
output are left, one line on stderr, exit 128 + the signal (143, 129). Each run is a
subprocess that sends the signal itself at a known point: mid-read, after 128 files (as
test_hardening's Ctrl-C test), or just before the output's temporary file is renamed."""

import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from trips import Shot, write

# argv: WHEN (read | write) HOW (self | group | kill) SIGNAL, then the tripexif arguments.
# "self" signals this process only (kill PID, systemd's stop); "group" the whole process
# group, reader processes included (a terminal's hang-up); "kill" SIGKILLs this process.
SIGNAL_AT = """
import os, signal, sys
when, how, name = sys.argv[1:4]
signum = getattr(signal, name)
sent = False
def send():
    global sent
    if sent:
        return
    sent = True
    if how == "group":
        os.killpg(os.getpgrp(), signum)
    else:
        os.kill(os.getpid(), signum)
if when == "read":
    from tripexif import api
    real = api.read_all
    def read_all(entries, jobs, progress=None):
        def tick(done):
            if done >= 128:
                send()
            if progress:
                progress(done)
        return real(entries, jobs, tick)
    api.read_all = read_all
else:
    from tripexif.export import write
    real_replace = write.os.replace
    def replace(src, dst, **kwargs):
        if os.path.basename(str(dst)) == "trip.json":
            send()
        return real_replace(src, dst, **kwargs)
    write.os.replace = replace
from tripexif.cli import main
main(sys.argv[4:])
"""


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    """600 photos: enough for the parallel reader (PARALLEL_MIN is 256)."""
    return write(tmp_path_factory.mktemp("signals") / "t", [
        Shot(f"p{i:04d}.jpg", datetime(2025, 8, 1, 10) + timedelta(seconds=i), "Europe/Rome",
             41.89, 12.49) for i in range(600)])


def run_signalled(trip, out, when, how, name, jobs="2", **kwargs):
    return subprocess.run(
        [sys.executable, "-c", SIGNAL_AT, when, how, name, "scan", str(trip), "-o", str(out),
         "--no-cache", "-j", jobs], stderr=subprocess.PIPE, start_new_session=True,
        timeout=60, **kwargs)


def temps(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".tripexif"))


@pytest.mark.parametrize(("how", "name", "jobs"), [
    ("self", "SIGTERM", "1"), ("self", "SIGTERM", "2"),
    ("group", "SIGHUP", "1"), ("group", "SIGHUP", "2"), ("group", "SIGTERM", "2")])
def test_a_signal_mid_read_stops_the_run_cleanly(trip, tmp_path, how, name, jobs):
    out = tmp_path / "trip.json"
    proc = run_signalled(trip, out, "read", how, name, jobs)
    assert proc.returncode == 128 + getattr(signal, name), proc.stderr
    assert proc.stderr == f"tripexif: stopped by {name}\n".encode()
    assert not out.exists()
    assert temps(tmp_path) == []


@pytest.mark.parametrize(("how", "name"), [("self", "SIGTERM"), ("group", "SIGHUP")])
def test_a_signal_while_writing_leaves_the_old_output_and_no_temporary(trip, tmp_path, how,
                                                                        name):
    out = tmp_path / "trip.json"
    out.write_text("the previous itinerary\n")
    proc = run_signalled(trip, out, "write", how, name)
    assert proc.returncode == 128 + getattr(signal, name), proc.stderr
    assert proc.stderr == f"tripexif: stopped by {name}\n".encode()
    assert out.read_text() == "the previous itinerary\n"
    assert temps(tmp_path) == []


def test_an_ignored_hangup_stays_ignored(trip, tmp_path):
    """Under nohup (SIGHUP ignored) a hang-up does not stop the run."""
    out = tmp_path / "trip.json"
    proc = run_signalled(trip, out, "write", "group", "SIGHUP",
                         preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["summary"]["photos"] == 600
    assert temps(tmp_path) == []


def test_the_handlers_are_put_back_after_main(tmp_path):
    """main() from Python leaves the caller's signal handlers as they were."""
    from tripexif.cli import main

    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    with pytest.raises(SystemExit):
        main(["photos", str(tmp_path), "-q"])
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


def test_readers_of_a_killed_run_end_without_traceback(trip, tmp_path):
    """The main process SIGKILLed mid-read: its reader processes, left without a parent,
    end quietly (stderr is read until the last of them has closed it)."""
    out = tmp_path / "trip.json"
    proc = run_signalled(trip, out, "read", "self", "SIGKILL")
    assert proc.returncode == -signal.SIGKILL
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    assert proc.stderr == b""
    assert temps(tmp_path) == []


def test_only_the_first_signal_stops_a_second_lets_the_clean_up_finish():
    from tripexif.cli.context import Stopped, stop_on_signals

    cleaned = False
    with pytest.raises(Stopped) as stopped, stop_on_signals():
        assert signal.getsignal(signal.SIGTERM) != signal.SIG_DFL  # or the kill ends pytest
        assert signal.getsignal(signal.SIGHUP) != signal.SIG_DFL
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        finally:
            os.kill(os.getpid(), signal.SIGHUP)  # e.g. the terminal closing meanwhile
            cleaned = True
    assert stopped.value.signum == signal.SIGTERM
    assert cleaned


WORKER_KILLED = """
import multiprocessing, os, signal, sys
from tripexif import api
real = api.read_all
def read_all(entries, jobs, progress=None):
    killed = []
    def tick(done):
        if done >= 128 and not killed:
            killed.append(True)
            os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)
        if progress:
            progress(done)
    return real(entries, jobs, tick)
api.read_all = read_all
from tripexif.cli import main
main(sys.argv[1:])
"""


def test_a_reader_process_killed_from_outside_is_one_error_line(trip, tmp_path):
    """A worker SIGKILLed mid-read (the OOM killer, a user's kill): the run ends with one
    line and exit 1, without a traceback and without waiting for the dead worker."""
    out = tmp_path / "trip.json"
    done = subprocess.run(
        [sys.executable, "-c", WORKER_KILLED, "scan", str(trip), "-o", str(out), "--no-cache",
         "-j", "2"], stderr=subprocess.PIPE, start_new_session=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == (b"tripexif: a reader process died (killed from outside?); "
                           b"run again\n")
    assert not out.exists() and temps(tmp_path) == []
