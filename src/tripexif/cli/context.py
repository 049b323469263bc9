"""What every command shares: the stderr console and warnings, the scan index (closed when the
command ends), progress, the output target, and the translation of errors to exit codes."""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

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

            self._index = Index()
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

    def emit(self, text: str, inputs: list[str], walked: list[str]) -> None:
        """The result to -o's target (after refusing to write over what was read), or to
        standard output."""
        if self.target is None:
            from tripexif.export.write import Target

            self.target = Target.prepare("-")
        self.target.check_inputs(inputs, walked)
        self.target.write(text)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """tripexif's own errors as one line on stderr and their exit code; Ctrl-C as 130."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TripexifError as exc:
            click.echo(f"tripexif: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("tripexif: interrupted", err=True)
            sys.exit(130)

    return wrapper
