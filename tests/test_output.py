"""-o: symlinks followed, streams streamed, modes kept, the folder checked before reading."""

import contextlib
import csv
import io
import os
import socket
import stat
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

import tripexif.api
from tripexif.errors import OutputError, UsageError
from tripexif.export import write as writer
from tripexif.export.write import Target

from trips import Shot, write

TRIPEXIF = [sys.executable, "-m", "tripexif"]
HANG = 20  # seconds before a blocked open counts as a hang (a passing test never waits)


@pytest.fixture
def trip(tmp_path):
    return write(tmp_path / "t", [
        Shot(f"p{i}.jpg", datetime(2025, 8, 1, 10, i), "Europe/Rome", 41.89, 12.49)
        for i in range(3)])


def _temps(*folders):
    return [p for folder in folders for p in Path(folder).iterdir()
            if p.name.startswith(".tripexif-")]


class Reader:
    """Reads a FIFO (or accepts on a socket) in a thread, as `cat fifo` would."""

    def __init__(self, path, listening=None):
        self.path, self.listening, self.data = path, listening, b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        if self.listening is not None:
            conn, _ = self.listening.accept()
            with conn:
                while chunk := conn.recv(65536):
                    self.data += chunk
            return
        with open(self.path, "rb") as fh:
            self.data = fh.read()

    def result(self):
        self.thread.join(HANG)
        assert not self.thread.is_alive(), "nothing was written to the stream"
        return self.data.decode()


def _unblock(fifo):
    """Release a thread stuck opening ``fifo`` (only ever needed when a test fails)."""
    for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, flags))


def _returns(fn, fifo=None, unblock=None):
    """Run fn in a thread; fail (instead of hanging the suite) if it blocks on a stream."""
    box = {}

    def call():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(HANG)
    if thread.is_alive():
        if fifo is not None:
            _unblock(fifo)
        elif unblock is not None:
            unblock()
        pytest.fail("blocked on the stream (opened to sniff it?)")
    if "error" in box:
        raise box["error"]
    return box.get("value")


# --- the library ------------------------------------------------------------------------


def test_a_chain_of_symlinks_is_followed_and_its_target_replaced(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    real = tmp_path / "real" / "trip.csv"
    real.write_text("old")
    inode = real.stat().st_ino
    (tmp_path / "links" / "hop.csv").symlink_to("../real/trip.csv")  # relative, other folder
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "links" / "hop.csv")
    target = Target.prepare(str(link))
    assert (target.kind, target.path) == ("file", str(real))
    target.check_inputs([], [])
    target.write("new")
    assert link.is_symlink() and (tmp_path / "links" / "hop.csv").is_symlink()
    assert real.read_text() == "new" and real.stat().st_ino != inode  # replaced, atomically
    assert _temps(tmp_path, tmp_path / "real", tmp_path / "links") == []


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to("made.csv")
    Target.prepare(str(link)).write("x")
    assert link.is_symlink() and (tmp_path / "made.csv").read_text() == "x"


def test_a_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(UsageError, match="loop of symlinks"):
        Target.prepare(str(tmp_path / "a"))


def test_an_existing_file_keeps_its_mode_and_owner(tmp_path):
    out = tmp_path / "trip.csv"
    out.write_text("old")
    out.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(out, 1234, 4321)
    Target.prepare(str(out)).write("new")
    info = out.stat()
    assert out.read_text() == "new"
    assert stat.S_IMODE(info.st_mode) == 0o600
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 4321)


def test_a_new_file_gets_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        Target.prepare(str(tmp_path / "trip.csv")).write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "trip.csv").stat().st_mode) == 0o640


def test_a_fifo_is_streamed_and_never_opened_to_sniff(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    for path in (fifo, link):
        target = _returns(lambda p=path: Target.prepare(str(p)), fifo)
        assert target.kind == "stream"
        _returns(lambda t=target: t.check_inputs([str(fifo)], [str(fifo)]), fifo)
        reader = Reader(fifo)
        target.write("day,stop\n")
        assert reader.result() == "day,stop\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink()
    assert _temps(tmp_path) == []


def test_a_symlink_to_a_descriptor_is_streamed_to_it_and_survives(tmp_path):
    """What -o /dev/stdout is (/dev/stdout -> /proc/self/fd/1), on a pipe of our own."""
    read_end, write_end = os.pipe()
    try:
        link = tmp_path / "stdout"
        link.symlink_to(f"/proc/self/fd/{write_end}")
        chained = tmp_path / "out.csv"
        chained.symlink_to(link)
        for path in (link, chained, f"/dev/fd/{write_end}"):
            target = Target.prepare(str(path))
            assert (target.kind, target.fd) == ("stream", write_end)
            _returns(lambda t=target: t.check_inputs([], []),
                     unblock=lambda: os.write(write_end, b"\0"))
            target.write("a,b\n")
        assert os.read(read_end, 100) == b"a,b\n" * 3
        assert link.is_symlink() and chained.is_symlink()
        assert os.readlink(link) == f"/proc/self/fd/{write_end}"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_file_behind_a_descriptor_is_appended_to_not_replaced(tmp_path):
    """`tripexif ... -o /dev/stdout >> log`: the shell's file is written through its fd."""
    log = tmp_path / "log.txt"
    log.write_text("before\n")
    inode = log.stat().st_ino
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        target = Target.prepare(f"/dev/fd/{fd}")
        assert target.kind == "stream"
        target.check_inputs(["elsewhere.jpg"], [])
        target.write("after\n")
        with pytest.raises(UsageError, match="one of the input files"):
            target.check_inputs([str(log)], [])
    finally:
        os.close(fd)
    assert log.read_text() == "before\nafter\n" and log.stat().st_ino == inode


def test_a_descriptor_that_is_not_open(tmp_path):
    fd = os.open(os.devnull, os.O_RDONLY)
    os.close(fd)
    with pytest.raises(UsageError, match=f"file descriptor {fd} is not open"):
        Target.prepare(f"/dev/fd/{fd}")


def test_a_character_device_is_streamed(tmp_path):
    null = tmp_path / "null"  # our own /dev/null: a bug can only replace this one
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    link = tmp_path / "link.csv"
    link.symlink_to(null)
    for path in (null, link):
        target = Target.prepare(str(path))
        assert target.kind == "stream"
        target.check_inputs([], [])
        target.write("x")
    assert stat.S_ISCHR(null.lstat().st_mode) and link.is_symlink()
    assert _temps(tmp_path) == []


def test_a_block_device_is_refused(tmp_path):
    disk = tmp_path / "disk"
    try:
        os.mknod(disk, stat.S_IFBLK | 0o600, os.makedev(7, 250))
    except PermissionError:
        pytest.skip("making a device node needs root")
    with pytest.raises(UsageError, match="is a block device"):
        Target.prepare(str(disk))


def test_a_socket_is_streamed(tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    try:
        target = Target.prepare(str(path))
        assert target.kind == "stream"
        reader = Reader(path, server)
        target.write("over the socket")
        assert reader.result() == "over the socket"
    finally:
        server.close()
    assert stat.S_ISSOCK(path.lstat().st_mode)
    ours, theirs = socket.socketpair()  # /dev/fd/N of a socket: written through N itself
    with ours, theirs:
        Target.prepare(f"/dev/fd/{ours.fileno()}").write("through the descriptor")
        assert theirs.recv(100) == b"through the descriptor"


def test_dash_is_standard_output(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for given in ("-", None):
        target = Target.prepare(given)
        assert target.kind == "stdout"
        target.check_inputs(["-"], ["-"])
        target.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n" * 2
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_is_an_output_error(tmp_path, monkeypatch):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone, as `-o >(head -1)` after its line
    try:
        with pytest.raises(OutputError, match="exited before the end"):
            Target.prepare(f"/dev/fd/{write_end}").write("x\n" * 100)
    finally:
        os.close(write_end)

    class Gone(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Gone())
    with pytest.raises(OutputError, match="standard output: the program reading it exited"):
        Target.prepare("-").write("x")


def test_the_folder_must_exist(tmp_path):
    with pytest.raises(UsageError, match="the folder .*nope.* does not exist; create it"):
        Target.prepare(str(tmp_path / "nope" / "trip.csv"))
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="is not a folder"):
        Target.prepare(str(tmp_path / "file" / "trip.csv"))
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "gone" / "trip.csv")  # the link's folder exists, not its target's
    with pytest.raises(UsageError, match="the folder .*gone.* does not exist"):
        Target.prepare(str(link))
    with pytest.raises(UsageError, match="is a folder"):
        Target.prepare(str(tmp_path))


def test_inputs_and_photos_are_refused(tmp_path, trip):
    photo = trip / "p0.jpg"
    link = tmp_path / "link.csv"
    link.symlink_to(photo)
    with pytest.raises(UsageError, match="is a photo or video; refusing"):
        Target.prepare(str(photo)).check_inputs([], [])
    with pytest.raises(UsageError, match=r"'.*link.csv' \(a link to '.*p0.jpg'\) is a photo"):
        Target.prepare(str(link)).check_inputs([], [])
    notes = tmp_path / "notes.txt"
    notes.write_text("keep")
    twin = tmp_path / "twin.txt"
    os.link(notes, twin)  # same inode, another name: found by device+inode
    for inputs, walked in (([str(notes)], []), ([str(twin)], []), ([], [str(notes)]),
                           ([str(tmp_path)], ["elsewhere/notes.txt", str(notes)])):
        with pytest.raises(UsageError, match="one of the input files; refusing"):
            Target.prepare(str(notes)).check_inputs(inputs, walked)
    # a walked file under another name (a hard link) is safe: the atomic write makes a new
    # file at -o's path, and the walked one keeps its bytes (walked files are compared by
    # name first: a library has thousands)
    target = Target.prepare(str(notes))
    target.check_inputs([str(tmp_path)], [str(twin)])
    target.write("new")
    assert twin.read_text() == "keep"
    notes.write_text("keep")
    named = tmp_path / "named.txt"
    named.symlink_to(notes)  # -o is a link, the walk found the file under its own name
    with pytest.raises(UsageError, match=r"named.txt' \(a link to .*one of the input files"):
        Target.prepare(str(named)).check_inputs([], [str(tmp_path / "notes.txt")])
    Target.prepare(str(notes)).check_inputs([str(trip)], [str(trip / "p1.jpg")])
    assert notes.read_text() == "keep"


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "trip.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    target = Target.prepare(str(link))

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        target.write("new")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", disk_full)
    with pytest.raises(OutputError, match=r"cannot write '.*link.csv' .*No space left"):
        target.write("new")
    assert _temps(tmp_path, tmp_path / "real") == [] and real.read_text() == "old"


def test_the_old_functions_still_work(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    out = tmp_path / "trip.csv"
    out.write_text("old")
    out.chmod(0o600)
    writer.check_target(str(out), [], [])
    writer.write_atomic(str(out), "new")
    assert out.read_text() == "new" and stat.S_IMODE(out.stat().st_mode) == 0o600
    _returns(lambda: writer.check_target(str(fifo), [str(fifo)]), fifo)
    reader = Reader(fifo)
    writer.write_atomic(str(fifo), "streamed")
    assert reader.result() == "streamed" and stat.S_ISFIFO(fifo.lstat().st_mode)


# --- through the command line -------------------------------------------------------------


def test_cli_writes_through_a_symlink_and_keeps_the_mode(tmp_path, run, trip):
    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = run("scan", str(trip), "-o", str(link), "--no-cache", "-q")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text().startswith("day,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert _temps(tmp_path) == []


def test_cli_dash_is_standard_output(tmp_path, run, trip, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("scan", "t", "-f", "csv", "-o", "-", "--no-cache", "-q")
    assert result.exit_code == 0, result.output
    assert next(csv.reader(io.StringIO(result.stdout)))[0] == "day"
    assert not (tmp_path / "-").exists()


def test_cli_missing_folder_fails_before_any_photo_is_read(tmp_path, run, trip, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("photos were read before -o was checked")

    monkeypatch.setattr(tripexif.api, "load", no_reading)
    result = run("scan", str(trip), "-o", str(tmp_path / "nope" / "trip.csv"))
    assert result.exit_code == 2
    assert result.stderr == (f"tripexif: -o {str(tmp_path / 'nope' / 'trip.csv')!r}: the folder "
                             f"{str(tmp_path / 'nope')!r} does not exist; create it or give "
                             "another path\n")


def test_cli_refuses_a_photo_behind_a_symlink(tmp_path, run, trip):
    link = tmp_path / "out.csv"
    link.symlink_to(trip / "p2.jpg")
    before = (trip / "p2.jpg").read_bytes()
    result = run("scan", str(trip), "-o", str(link), "--no-cache")
    assert result.exit_code == 2 and "refusing to overwrite it" in result.stderr
    other = write(tmp_path / "other", [Shot("q.jpg", datetime(2025, 8, 1), "UTC", 1.0, 2.0)])
    result = run("scan", str(other), "-o", str(link), "--no-cache")
    assert result.exit_code == 2 and "is a photo or video; refusing" in result.stderr
    assert (trip / "p2.jpg").read_bytes() == before and link.is_symlink()


def _env(tmp_path):
    return dict(os.environ, TRIPEXIF_CACHE_DIR=str(tmp_path / "cache"))


def _bash(tmp_path, script, **kw):
    """Run ``script`` in bash with $TRIPEXIF the command; its output, once every writer
    (process substitutions included) has closed standard output."""
    env = dict(_env(tmp_path), TRIPEXIF=" ".join(TRIPEXIF))
    return subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          timeout=60, **kw)


def test_cli_process_substitution_is_written_to(tmp_path, trip):
    done = _bash(tmp_path, "$TRIPEXIF scan t -f csv -q -o >(sed 's/^/piped: /')")
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert lines and all(line.startswith("piped: ") for line in lines)
    assert lines[0].startswith("piped: day,")


def test_cli_a_closed_process_substitution_is_one_error_line(tmp_path, trip):
    # the reader has exited before tripexif starts: every write gets EPIPE, deterministically
    done = _bash(tmp_path, "exec 3> >(true); wait $!; $TRIPEXIF scan t -f csv -q -o /dev/fd/3")
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert "Traceback" not in err
    assert err.startswith("tripexif: cannot write '/dev/fd/3'")
    assert err.endswith("exited before the end (broken pipe)\n")


def test_cli_a_link_to_standard_output(tmp_path, trip):
    """-o /dev/stdout, on a link of our own (/dev/stdout itself is never put at risk)."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    done = subprocess.run([*TRIPEXIF, "scan", "t", "-f", "csv", "-q", "-o", str(link)],
                          cwd=tmp_path, env=_env(tmp_path), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("day,")
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_cli_a_fifo_is_streamed(tmp_path, trip):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    try:
        done = subprocess.run([*TRIPEXIF, "scan", "t", "-q", "-o", str(fifo)], cwd=tmp_path,
                              env=_env(tmp_path), capture_output=True, timeout=HANG + 40)
    except subprocess.TimeoutExpired:
        _unblock(fifo)
        raise
    assert done.returncode == 0, done.stderr.decode()
    assert reader.result().startswith("day,")
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and _temps(tmp_path) == []
