"""Where the output goes, checked before any photo is read and written after.

``Target.prepare(output)`` runs first: it follows symlinks, makes sure the folder exists and
sorts the path into standard output, a stream (pipe, FIFO, device, socket, ``/dev/fd/N``)
or a regular file. ``check_inputs`` runs after the walk and refuses to write over a file
being read or over any photo. ``write`` streams to a stream, and replaces a regular file
atomically (a temporary file beside it, then a rename) keeping its mode and owner."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Iterable
from typing import BinaryIO, Literal, NamedTuple

from tripexif.errors import OutputError, UsageError

EXTENSION_FORMATS = {
    ".json": "json", ".geojson": "geojson", ".gpx": "gpx", ".csv": "csv", ".jsonl": "jsonl",
    ".html": "html", ".htm": "html",
}


def format_for(
    output: str | None, explicit: str | None, allowed: Iterable[str], default: str
) -> str:
    """The output format: -f when given, else the output file's extension, else ``default``."""
    allowed = list(allowed)
    if explicit:
        return explicit
    if output:
        fmt = EXTENSION_FORMATS.get(os.path.splitext(output)[1].lower())
        if fmt is None or fmt not in allowed:
            raise UsageError(
                f"cannot tell the format from {output!r}; add -f with one of: {', '.join(allowed)}"
            )
        return fmt
    return default


Kind = Literal["stdout", "stream", "file"]
# a folder of open file descriptors: /dev/fd (macOS, or Linux before it is resolved),
# /proc/self/fd, /proc/<pid>/fd, /proc/<pid>/task/<tid>/fd
_FD_FOLDER = re.compile(r"/dev/fd|/proc/(?:self|\d+)(?:/task/\d+)?/fd")
_MAX_LINKS = 40  # as the kernel's own limit on a chain of symlinks


class Target(NamedTuple):
    """Where ``-o`` writes: made by ``prepare`` before reading, used by ``write`` after."""

    output: str  # as the user gave it ("-" is standard output)
    kind: Kind
    path: str  # the file or stream to write: symlinks followed, except /dev/fd/N itself
    fd: int | None = None  # /dev/fd/N, /dev/stdout...: our own descriptor N, written directly

    @classmethod
    def prepare(cls, output: str | None) -> Target:
        """Check that ``output`` can be written, before anything is read (UsageError if not).

        A symlink is followed to the end of its chain; the folder that will hold the file
        must exist; a folder, a block device or a symlink loop is refused; pipes, FIFOs,
        character devices, sockets and ``/dev/fd/N`` are streams, never replaced."""
        if output is None or output == "-":
            return cls("-", "stdout", "-")
        if output == "":
            raise UsageError("-o needs a file name (or - for standard output)")
        if os.path.isdir(output):
            raise UsageError(f"-o {output!r} is a folder; give a file name")
        path, through_fd = _follow(output)
        if through_fd:
            return _fd_target(output, path)
        folder = os.path.dirname(path)
        shown = _shown(output, path)
        if not os.path.isdir(folder):
            what = "does not exist" if not os.path.lexists(folder) else "is not a folder"
            raise UsageError(f"-o {shown}: the folder {folder!r} {what}; create it or give "
                             "another path")
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            info = None
        except OSError as exc:
            raise UsageError(f"-o {shown}: {exc.strerror or exc}") from exc
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise UsageError(f"-o {shown} is a folder; give a file name")
        if info is not None and stat.S_ISBLK(info.st_mode):
            raise UsageError(f"-o {shown} is a block device (a disk); give a file name")
        if info is not None and not stat.S_ISREG(info.st_mode):
            return cls(output, "stream", path)  # FIFO, character device, socket
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write {shown}: no permission to write in {folder!r}; "
                              "give another path")
        return cls(output, "file", path)

    def check_inputs(self, inputs: Iterable[str], walked: Iterable[str] = ()) -> None:
        """Refuse a target that is one of the files read (``inputs``: the arguments;
        ``walked``: each file found in folders) or, for a regular file, any photo or video.
        Inputs are compared by real path and by device+inode; walked files (a library has
        thousands) by device+inode when their name is the target's (a walked photo under
        another name, a hard link, is a photo: refused as one below)."""
        if self.kind == "stdout":
            return
        try:
            info = os.stat(self.path)
        except OSError:
            return  # not there (yet): nothing to overwrite
        if not stat.S_ISREG(info.st_mode):
            return
        real = os.path.realpath(self.path)
        same = any(os.path.realpath(path) == real or _same_file(path, info) for path in inputs)
        name = os.path.basename(real)
        if same or any(_same_file(path, info) for path in walked
                       if os.path.basename(path) == name):
            raise UsageError(f"-o {self._shown} is one of the input files; refusing to "
                             "overwrite it (give another file name)")
        if self.kind == "file" and _is_media(self.path):
            raise UsageError(f"-o {self._shown} is a photo or video; refusing to overwrite it "
                             "(give another file name)")

    def write(self, text: str | bytes) -> None:
        """Write ``text`` (UTF-8; bytes as they are, a KMZ): streamed to stdout and streams,
        atomically to a file."""
        if self.kind == "stdout":
            _write_stdout(text)
        elif self.kind == "stream":
            self._stream(text.encode("utf-8") if isinstance(text, str) else text)
        else:
            _replace(self.path, text, self._shown)

    @property
    def _shown(self) -> str:
        return "standard output" if self.kind == "stdout" else _shown(self.output, self.path)

    def _stream(self, data: bytes) -> None:
        try:
            with self._open_stream() as fh:
                fh.write(data)
        except BrokenPipeError as exc:
            raise OutputError(f"cannot write {self._shown}: the program reading it exited "
                              "before the end (broken pipe)") from exc
        except OSError as exc:
            raise OutputError(f"cannot write {self._shown}: {exc.strerror or exc}") from exc

    def _open_stream(self) -> BinaryIO:
        if self.fd is not None:  # our own descriptor: shares the shell's offset and flags
            return os.fdopen(os.dup(self.fd), "wb")
        try:
            mode = os.stat(self.path).st_mode
        except OSError:
            mode = 0
        if stat.S_ISSOCK(mode):  # open() cannot open a socket: connect to it
            import socket

            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.path)
            except OSError:
                sock.close()
                raise
            with contextlib.closing(sock):
                return os.fdopen(os.dup(sock.fileno()), "wb")
        # no O_CREAT, no O_TRUNC: it exists and is a pipe or device (waits for a FIFO's reader)
        flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        if stat.S_ISREG(mode):
            flags |= os.O_APPEND  # /dev/fd/N of a file opened by the shell: never truncate
        return os.fdopen(os.open(self.path, flags), "wb")


def _follow(output: str) -> tuple[str, bool]:
    """``output`` with every symlink followed (folders and the chain of links), and
    whether the chain went through a folder of file descriptors
    (``/dev/stdout`` -> ``/proc/self/fd/1``): those links are not followed further."""
    current = os.path.join(os.getcwd(), output)  # not abspath: ".." must follow symlinks
    for _ in range(_MAX_LINKS):
        folder = os.path.realpath(os.path.dirname(current))
        current = os.path.join(folder, os.path.basename(current))
        if _FD_FOLDER.fullmatch(folder):
            return current, True
        if not os.path.islink(current):
            return current, False
        current = os.path.join(folder, os.readlink(current))
    raise UsageError(f"-o {output!r} is a loop of symlinks (or a chain of over {_MAX_LINKS}); "
                     "point it at a file")


def _fd_target(output: str, path: str) -> Target:
    """``/dev/stdout``, ``/dev/fd/63`` (a process substitution), ``/proc/self/fd/N``."""
    number = os.path.basename(path)
    folder = os.path.dirname(path)
    own = folder in ("/dev/fd", "/proc/self/fd", f"/proc/{os.getpid()}/fd") \
        or folder.startswith(f"/proc/{os.getpid()}/task/")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UsageError(f"-o {output!r}: file descriptor {number} is not open "
                         f"({exc.strerror or exc})") from exc
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"-o {output!r} is a folder; give a file name")
    fd = int(number) if own and number.isdigit() else None
    return Target(output, "stream", path, fd)


def _shown(output: str, path: str) -> str:
    """The path as the user gave it, and where a symlink led."""
    if os.path.basename(output) and os.path.islink(output):
        return f"{output!r} (a link to {path!r})"
    return repr(output)


def _same_file(path: str, info: os.stat_result) -> bool:
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (other.st_ino, other.st_dev) == (info.st_ino, info.st_dev)


def _is_media(path: str) -> bool:
    """Whether the regular file at ``path`` starts like a photo or video. Opened without
    blocking and checked again once open: a FIFO put there meanwhile is not waited on."""
    from tripexif.reading.containers import sniff

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return sniff(fh.read(512)) is not None


def _write_stdout(text: str | bytes) -> None:
    """Write to standard output; a closed pipe or a full disk is an OutputError."""
    try:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        # what is still buffered would fail again at exit (a second error, exit 120):
        # point standard output at /dev/null
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        if isinstance(exc, BrokenPipeError):
            raise OutputError("cannot write standard output: the program reading it exited "
                              "before the end (broken pipe)") from exc
        raise OutputError(f"cannot write standard output: {exc.strerror or exc}") from exc


def _replace(path: str, text: str | bytes, shown: str) -> None:
    """Write ``text`` to a temporary file in ``path``'s folder, then rename it over ``path``.
    An existing file keeps its mode and, where we may, its owner and group; a new one gets
    the umask's mode. Any exception, Ctrl-C included, removes the temporary file."""
    import tempfile

    from tripexif.store.folder import remove_stale_temps

    folder = os.path.dirname(os.path.abspath(path))
    remove_stale_temps(folder)  # left beside it by a run that was killed
    try:
        fd, temp = tempfile.mkstemp(prefix=".tripexif-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            _copy_mode(fh.fileno(), path)
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException as exc:  # includes KeyboardInterrupt: never leave the temp file
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from exc
        raise


def _copy_mode(fd: int, path: str) -> None:
    """Give the temporary file (mkstemp makes it 0600) the mode and owner ``path`` has,
    or, for a new file, the mode a normal new file gets."""
    try:
        old = os.stat(path)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        return
    mine = os.fstat(fd)
    if (old.st_uid, old.st_gid) != (mine.st_uid, mine.st_gid):
        try:  # chown first: it clears set-id bits that the chmod below restores
            os.fchown(fd, old.st_uid, old.st_gid)
        except PermissionError:  # not root: keep the group at least, when we belong to it
            with contextlib.suppress(OSError):
                os.fchown(fd, -1, old.st_gid)
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def check_target(output: str, inputs: Iterable[str], walked: Iterable[str] = ()) -> None:
    """Before reading and after: ``Target.prepare(output).check_inputs(inputs, walked)``."""
    Target.prepare(output).check_inputs(inputs, walked)


def write_atomic(output: str, text: str | bytes) -> None:
    """``Target.prepare(output).write(text)``: streams stay streams, files are replaced."""
    Target.prepare(output).write(text)
