"""Track logs: timed positions from a GPS logger, a phone app or a location history.

One module per format, each with ``read(data, name) -> Parsed``; :func:`read_track` picks the
reader by the file's content, never its extension (a ``.txt`` NMEA log, a ``.json`` that is
GeoJSON or a Takeout export). A fix is ``(seconds since the epoch, UTC; lat; lon)``; a time
written without an offset is UTC (GPX, KML and NMEA times are UTC by definition).

A file that cannot be read, or that holds no timed position, is a :class:`TrackError` naming
the file and, where it applies, the line; a reader that can go on past a bad record (a line
of a CSV or NMEA log) does, and says which lines it passed over (``Parsed.problems``)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, NamedTuple

from tripexif.errors import TripexifError

Fix = tuple[float, float, float]  # (UTC seconds since the epoch, lat, lon)
MAX_TRACK_BYTES = 2_000_000_000  # nothing larger is read (a KMZ's KML included)
FORMATS = ("GPX", "KML/KMZ", "GeoJSON", "NMEA 0183", "Google Takeout location history", "CSV")


class TrackError(TripexifError):
    """A track file that cannot be used: the message names the file (and line)."""


class BadTrack(ValueError):
    """Raised by a reader: what is wrong, and the line (1-based) when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class Parsed(NamedTuple):
    fixes: list[Fix]
    problems: list[tuple[int | None, str]] = []  # (line, what) records passed over
    kind: str = ""  # the format's name, for messages


class TrackFile(NamedTuple):
    path: str
    kind: str
    fixes: list[Fix]
    warnings: list[str]


def utc_seconds(text: str) -> float:
    """An ISO 8601 time ("2024-04-02T09:10:00Z", with an offset, or naive = UTC) as UTC
    seconds since the epoch; ValueError otherwise."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    value = re.sub(r"(\.\d{6})\d+", r"\1", value)  # nanoseconds (Takeout) to microseconds
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def load_json(data: bytes) -> Any:
    """A JSON track file's document; BadTrack with the line of a syntax error."""
    import json

    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BadTrack(f"not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise BadTrack(f"not valid JSON ({exc.msg})", exc.lineno) from exc


def check_position(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or lat != lat or lon != lon:
        raise ValueError(f"{lat}, {lon} is not a position on Earth")


def sniff(data: bytes) -> str | None:
    """The reader module for these bytes: "gpx", "kml", "kmz", "geojson", "takeout",
    "nmea", "csv"; None when they are none of these."""
    if data[:4] == b"PK\x03\x04":
        return "kmz"
    text = data[:65536].decode("utf-8-sig", "replace").lstrip()
    if text.startswith("<"):
        root = _xml_root(text)
        if root == "gpx":
            return "gpx"
        if root == "kml":
            return "kml"
        return None
    if text[:1] in "{[":
        head = text[:65536]
        if re.search(r'"(locations|semanticSegments|timelineObjects|timelinePath|'
                     r'latitudeE7)"', head):
            return "takeout"
        if re.search(r'"type"\s*:\s*"(FeatureCollection|Feature|LineString|'
                     r'MultiLineString|Point|GeometryCollection)"', head):
            return "geojson"
        return None
    lines = [line.strip() for line in text.splitlines()[:20] if line.strip()]
    if any(re.match(r"\$[A-Z]{2}(RMC|GGA|GSA|GSV|VTG|GLL),", line) for line in lines):
        return "nmea"
    if lines:
        from tripexif.locate.tracks import csv as csv_reader

        if csv_reader.header_columns(lines[0]) is not None:
            return "csv"
    return None


def _xml_root(text: str) -> str | None:
    """The local name of an XML document's root element (past the declaration, comments
    and a DOCTYPE)."""
    for match in re.finditer(r"<([!?]?)([A-Za-z_][\w.:-]*)", text[:8192]):
        if match.group(1):
            continue
        return match.group(2).rpartition(":")[2].lower()
    return None


def _reader(kind: str) -> Callable[[bytes, str], Parsed]:
    import importlib

    module = importlib.import_module(f"{__name__}.{'kml' if kind == 'kmz' else kind}")
    return module.read_kmz if kind == "kmz" else module.read  # type: ignore[no-any-return]


def read_track(path: str) -> TrackFile:
    """The fixes of one track file; :class:`TrackError` when it cannot be used."""
    shown = path
    try:
        size = os.path.getsize(path)
        if size > MAX_TRACK_BYTES:
            raise TrackError(f"{shown}: {size / 1e9:.1f} GB is larger than a track log can be")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise TrackError(f"{shown}: cannot read it: {exc.strerror or exc}") from exc
    kind = sniff(data)
    if kind is None:
        raise TrackError(f"{shown}: not a track log ({', '.join(FORMATS)})")
    try:
        parsed = _reader(kind)(data, path)
    except BadTrack as exc:
        where = f" line {exc.line}" if exc.line else ""
        raise TrackError(f"{shown}{where}: {exc}") from exc
    warnings = []
    if parsed.problems:
        line, what = parsed.problems[0]
        more = len(parsed.problems) - 1
        where = f" line {line}" if line else ""
        warnings.append(f"{shown}{where}: {what}; passed over" +
                        (f" (and {more} more record{'s' if more > 1 else ''} like it)"
                         if more else ""))
    if not parsed.fixes:
        raise TrackError(f"{shown}: no position with a time in this {parsed.kind or kind} "
                         "file")
    return TrackFile(path, parsed.kind or kind, parsed.fixes, warnings)


def track_paths(paths: Iterable[str]) -> list[tuple[str, bool]]:
    """The files ``--track`` names: (path, named) where a folder gives every file in it
    (recursively, hidden ones aside; ``named`` False: one that is no track is passed over
    silently)."""
    out: list[tuple[str, bool]] = []
    for path in paths:
        if not os.path.isdir(path):
            out.append((path, True))
            continue
        for root, folders, files in os.walk(path):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            out.extend((os.path.join(root, f), False) for f in sorted(files)
                       if not f.startswith("."))
    return out


def read_tracks(paths: Iterable[str]) -> tuple[list[TrackFile], list[str]]:
    """Every track file under ``paths``, and a warning for each that could not be used
    (the others are read all the same)."""
    found: list[TrackFile] = []
    warnings: list[str] = []
    for path, named in track_paths(paths):
        try:
            found.append(read_track(path))
        except TrackError as exc:
            if named or "not a track log" not in str(exc):
                warnings.append(str(exc))
            continue
        warnings.extend(found[-1].warnings)
    return found, warnings
