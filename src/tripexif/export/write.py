"""Write results atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

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


def check_target(output: str, inputs: Iterable[str], walked: Iterable[str] = ()) -> None:
    """Refuse to write over a folder, over one of the files being read (``inputs``: the
    arguments; ``walked``: every file found in folders), or over any existing photo or
    video. Walked files are compared by name first: a library has thousands."""
    if os.path.isdir(output):
        raise UsageError(f"-o {output!r} is a folder; give a file name")
    if not os.path.exists(output):
        return
    target = os.path.realpath(output)
    info = os.stat(target)
    name = os.path.basename(target)
    candidates = [*inputs, *(p for p in walked if os.path.basename(p) == name)]
    for path in candidates:
        if os.path.realpath(path) == target or _same_file(path, info):
            raise UsageError(f"-o {output!r} is one of the input files; refusing to overwrite it")
    from tripexif.read.containers import sniff

    try:
        with open(output, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return
    if sniff(head) is not None:
        raise UsageError(f"-o {output!r} is a photo or video; refusing to overwrite it")


def _same_file(path: str, info: os.stat_result) -> bool:
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (other.st_ino, other.st_dev) == (info.st_ino, info.st_dev)


def write_atomic(output: str, text: str) -> None:
    import tempfile

    folder = os.path.dirname(os.path.abspath(output))
    try:
        fd, temp = tempfile.mkstemp(prefix=".tripexif-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {output!r}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)  # mkstemp makes 0600; a normal file is expected
        os.replace(temp, output)
    except BaseException as exc:  # includes KeyboardInterrupt: never leave the temp file
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {output!r}: {exc.strerror or exc}") from exc
        raise
