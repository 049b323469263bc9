"""Exporters: functions from an itinerary, photo records or `where` answers to text.

Each exporter module declares what it offers in a module-level ``FORMATS`` tuple of
:class:`Format` values; this registry finds them by listing the package's folder (cheaper
than pkgutil at start-up), so a new output
format is one new file. The registry feeds the CLI's ``-f`` choices, the ``-o`` extension
rule and the dispatch. Modules import their heavy dependencies inside their functions, so
listing the formats costs a few milliseconds at start-up.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from tripexif.errors import UsageError

# what an exporter turns into text
ITINERARY = "itinerary"  # tripexif.model.Itinerary
PHOTOS = "photos"  # a sequence of tripexif.model.Photo
WHERE = "where"  # a sequence of `where` answers (dicts), see export/where.py


class Options(NamedTuple):
    """Settings an exporter may use; each takes what it needs and ignores the rest."""

    width: int | None = None  # tables: the console width (None: the terminal's)
    full_paths: bool = False  # files people share carry file names, not folder paths
    tiles: str | None = None  # html: tile URL template (None: OpenStreetMap's)
    attribution: str | None = None  # html: the tile provider's attribution
    thumbnail: Callable[[str], bytes | None] | None = None  # html: EXIF thumbnails
    title: str | None = None  # html: the page title
    # where the output is written (a folder): links to photos are relative to it (None: the
    # current folder, as for standard output)
    base: str | None = None


class Format(NamedTuple):
    name: str  # what -f takes
    takes: str  # ITINERARY | PHOTOS | WHERE
    render: Callable[[Any, Options], str | bytes]  # bytes: a binary file (KMZ)
    extensions: tuple[str, ...] = ()  # -o FILE with one of these picks this format
    commands: tuple[str, ...] = ()  # the commands that offer it
    binary: bool = False  # never written to a terminal


@lru_cache(maxsize=1)
def registry() -> tuple[Format, ...]:
    """Every format every exporter module declares, in module order."""
    found: list[Format] = []
    names = {entry[:-3] for folder in __path__ for entry in os.listdir(folder)
             if entry.endswith(".py") and entry[:-3].isidentifier() and entry[0] != "_"}
    for name in sorted(names):
        loaded = importlib.import_module(f"{__name__}.{name}")
        found.extend(getattr(loaded, "FORMATS", ()))
    return tuple(found)


def names(command: str) -> list[str]:
    """The -f choices of ``command``: table first, the rest in registry order."""
    offered = [f.name for f in registry() if command in f.commands]
    return sorted(offered, key=lambda name: name != "table")


def get(command: str, name: str) -> Format:
    for fmt in registry():
        if fmt.name == name and command in fmt.commands:
            return fmt
    raise UsageError(f"{command} has no format {name!r}; use one of: "
                     f"{', '.join(names(command))}")


def choose(command: str, output: str | None, explicit: str | None, default: str) -> Format:
    """The format: -f when given, else the output file's extension, else ``default``."""
    if explicit:
        return get(command, explicit)
    if output and output != "-":
        extension = os.path.splitext(output)[1].lower()
        # the longest extension that ends the name: trip.report.html is the report, not the
        # map that trip.html is
        offered = [(ext, fmt) for fmt in registry() if command in fmt.commands
                   for ext in fmt.extensions]
        for ext, fmt in sorted(offered, key=lambda pair: -len(pair[0])):
            if output.lower().endswith(ext):
                return fmt
        if extension or not _stream(output):
            raise UsageError(f"cannot tell the format from {output!r}; add -f with one of: "
                             f"{', '.join(names(command))}")
    return get(command, default)


def _stream(output: str) -> bool:
    """-o names something other than a regular file (/dev/stdout, a FIFO, >(cmd)): it has
    no extension to go by, so the command's default format is written to it."""
    return os.path.exists(output) and not os.path.isfile(output)


def extensions(command: str) -> list[str]:
    return [e for f in registry() if command in f.commands for e in f.extensions]
