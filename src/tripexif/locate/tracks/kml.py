"""KML and KMZ: ``<gx:Track>`` (``<when>`` times paired with ``<gx:coord>`` positions) and
Placemarks with a ``<TimeStamp><when>`` and a ``<Point>``. Read with expat, so that every
bad value is reported with its line; no DTD or entity is accepted."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from xml.parsers import expat

from tripexif.locate.tracks import MAX_TRACK_BYTES, BadTrack, Fix, Parsed, utc_seconds


def read_kmz(data: bytes, name: str) -> Parsed:
    """A KMZ: the zipped KML (``doc.kml``, else the first ``.kml`` in it)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".kml")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadTrack(f"not a readable KMZ (zip) file ({exc})") from exc
    if not members:
        raise BadTrack("a zip file with no .kml document in it")
    member = next((m for m in members if m.filename.lower() == "doc.kml"), members[0])
    if member.file_size > MAX_TRACK_BYTES:
        raise BadTrack(f"its {member.filename} is too large to read")
    try:
        inner = archive.read(member)
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise BadTrack(f"cannot unpack {member.filename} ({exc})") from exc
    parsed = read(inner, name)
    return parsed._replace(kind="KMZ",
                           problems=[(line, f"{member.filename}: {what}" if line else what)
                                     for line, what in parsed.problems])


def read(data: bytes, name: str) -> Parsed:
    reader = _Reader()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text

    def refuse(*args: object) -> None:
        raise BadTrack("declares a DTD, which a KML file never needs; not read",
                       parser.CurrentLineNumber)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    reader.line = lambda: parser.CurrentLineNumber
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BadTrack(f"not well-formed XML ({expat.ErrorString(exc.code)})",
                       exc.lineno) from exc
    return Parsed(reader.fixes, reader.problems, "KML")


class _Reader:
    """Collects fixes while expat walks the document (elements matched by local name)."""

    def __init__(self) -> None:
        self.fixes: list[Fix] = []
        self.problems: list[tuple[int | None, str]] = []
        self.stack: list[str] = []
        self.buffer: list[str] = []
        self.line: Callable[[], int] = lambda: 0
        self.whens: list[tuple[int, str]] = []  # of the current gx:Track
        self.coords: list[tuple[int, str]] = []
        self.stamp: tuple[int, str] | None = None  # of the current Placemark
        self.point: tuple[int, str] | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        self.stack.append(local)
        self.buffer = []
        if local == "Track":
            self.whens, self.coords = [], []
        elif local == "Placemark":
            self.stamp = self.point = None

    def text(self, data: str) -> None:
        self.buffer.append(data)

    def end(self, tag: str) -> None:
        local = self.stack.pop()
        value = "".join(self.buffer).strip()
        self.buffer = []
        parent = self.stack[-1] if self.stack else ""
        line = self.line()
        if local == "when" and parent == "Track":
            self.whens.append((line, value))
        elif local == "coord" and parent == "Track":
            self.coords.append((line, value))
        elif local == "when" and parent == "TimeStamp":
            self.stamp = (line, value)
        elif local == "coordinates" and parent == "Point":
            self.point = (line, value)
        elif local == "Track":
            if len(self.whens) != len(self.coords):
                self.problems.append((line, f"a gx:Track with {len(self.whens)} times and "
                                            f"{len(self.coords)} positions"))
            for (at, when), (_, coord) in zip(self.whens, self.coords, strict=False):
                self._add(at, when, coord.split(), "gx:coord")
        elif local == "Placemark" and self.stamp is not None and self.point is not None:
            self._add(self.stamp[0], self.stamp[1], self.point[1].split(","), "coordinates")

    def _add(self, line: int, when: str, parts: list[str], what: str) -> None:
        try:
            moment = utc_seconds(when)
        except ValueError:
            self.problems.append((line, f"{when[:40]!r} is not a time"))
            return
        try:
            lon, lat = float(parts[0]), float(parts[1])
            from tripexif.locate.tracks import check_position

            check_position(lat, lon)
        except (ValueError, IndexError):
            self.problems.append((line, f"{' '.join(parts)[:40]!r} is not a {what} position"))
            return
        self.fixes.append((moment, lat, lon))
