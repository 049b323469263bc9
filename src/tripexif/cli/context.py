"""What every command shares: the stderr console and warnings, the scan index (closed when the
command ends), progress, the output target, and the translation of errors to exit codes."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click

from tripexif.errors import TripexifError

if TYPE_CHECKING:
    from tripexif.export.write import Target
    from tripexif.store.index import Index

PIPED_WIDTH = 160  # piped tables are not folded to 80 columns


class Context:
    """The consoles, the warning channel, the read settings and the output of one command."""

    def __init__(self, quiet: bool, progress: bool | None, jobs: int | None = None,
                 no_cache: bool = False, output: str | None = None) -> None:
        self.jobs = jobs
        self.no_cache = no_cache
        self.quiet = quiet
        self.force_progress = bool(progress) and not quiet
        self.show_progress = (not quiet) and (progress if progress is not None
                                              else sys.stderr.isatty())
        self._index: Index | None = None
        self._err: Any = None
        self._warned: set[str] = set()
        # checked now, before any photo is read: a missing folder fails at once
        self.target: Target | None = None
        if output is not None:
            from tripexif.export.write import Target

            self.target = Target.prepare(output)

    @property
    def err(self) -> Any:
        """The stderr console, made on first use (rich costs 20 ms to import)."""
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, highlight=False, soft_wrap=True,
                                force_terminal=True if self.force_progress else None)
        return self._err

    def index(self) -> Index | None:
        """The shared scan index (opened once per run and closed when the command ends), or
        None with --no-cache."""
        if self.no_cache:
            return None
        if self._index is None:
            from tripexif.store.index import Index

            self._index = Index(warn=self.warn)  # said when it happens, also after reading
            click.get_current_context().call_on_close(self._index.close)
        return self._index

    def warn(self, message: str) -> None:
        """A warning on stderr, once per run for the same text."""
        if self.quiet or message in self._warned:
            return
        self._warned.add(message)
        from rich.text import Text

        from tripexif.export.table import shown

        line = Text("warning: ", style="yellow")
        line.append_text(shown(message))
        self.err.print(line, highlight=False)

    @contextmanager
    def progress(self) -> Iterator[Callable[[int, int], None] | None]:
        """A progress callback for the reader (a bar on stderr), or None when hidden.

        The bar is refreshed by the callback, not by a thread of rich's: the reader's
        worker processes must not be started from a process that runs other threads."""
        if not self.show_progress:
            yield None
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("reading photos"), BarColumn(), MofNCompleteColumn(),
                      console=self.err, transient=True, auto_refresh=False) as bar:
            task = bar.add_task("read", total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)
                bar.refresh()

            yield update

    def table_width(self) -> int | None:
        """Tables: the terminal's width, or at least PIPED_WIDTH columns when piped."""
        if not sys.stdout.isatty() and "COLUMNS" not in os.environ:
            return max(shutil.get_terminal_size((PIPED_WIDTH, 24)).columns, PIPED_WIDTH)
        return None

    def emit(self, text: str | bytes, inputs: list[str], walked: list[str]) -> None:
        """The result to -o's target (after refusing to write over what was read), or to
        standard output."""
        if self.target is None:
            from tripexif.export.write import Target

            self.target = Target.prepare("-")
        self.target.check_inputs(inputs, walked)
        self.target.write(text)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the run is, as Ctrl-C is: every clean-up that Ctrl-C
    runs (reader processes stopped, the output's temporary file removed) runs for it too."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


STOP_SIGNALS = ("SIGTERM", "SIGHUP")


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise :class:`Stopped` in this process.

    Only the first such signal is raised: a second one (SIGHUP to the process group after a
    SIGTERM) would break the clean-up the first started. A signal that is ignored (``nohup``
    ignores SIGHUP) stays ignored, and the previous handlers are put back at the end. A
    process forked from this one (a reader worker) inherits the handler: there it does what
    the signal does by default, so that the worker simply ends, with no traceback."""
    owner = os.getpid()
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        if os.getpid() != owner:  # a forked child: die of the signal, as by default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if not stopping:  # once: a second signal must not break the clean-up
            stopping = True
            raise Stopped(signum)

    previous: dict[int, Any] = {}
    for name in STOP_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is None or signal.getsignal(signum) != signal.SIG_DFL:
            continue
        try:
            previous[signum] = signal.signal(signum, stop)
        except ValueError:  # not the main thread: leave signals alone
            break
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def interrupted(exc: KeyboardInterrupt) -> NoReturn:
    """Ctrl-C: one line and exit 130; SIGTERM, SIGHUP: one line and 128 + the signal."""
    signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
    if signum == signal.SIGINT:
        click.echo("tripexif: interrupted", err=True)
    else:
        click.echo(f"tripexif: stopped by {signal.Signals(signum).name}", err=True)
    sys.exit(128 + signum)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """tripexif's own errors as one line on stderr and their exit code; Ctrl-C as 130,
    SIGTERM as 143 and SIGHUP as 129 (see :func:`stop_on_signals`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TripexifError as exc:
            click.echo(f"tripexif: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            interrupted(exc)

    return wrapper
