"""``tripexif geotag`` output: the position each photo without GPS would get and why (table,
JSON), and ExifTool's ``-csv=`` import format (``exiftool -csv=geotags.csv DIR`` writes the
positions into the photos; tripexif itself never does)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tripexif.export import Format, Options
from tripexif.export.records import iso, iso_utc, text_path
from tripexif.export.textsafe import inert, json_text

if TYPE_CHECKING:
    from rich.console import Console

    from tripexif.locate.geotag import Geotag

GEOTAGS = "geotags"  # what these exporters take: a sequence of locate.geotag.Geotag
EXIFTOOL_COLUMNS = ("SourceFile", "GPSLatitude", "GPSLatitudeRef", "GPSLongitude",
                    "GPSLongitudeRef", "OffsetTimeOriginal")


def record(tag: Geotag) -> dict[str, object]:
    photo = tag.photo
    return {
        "path": text_path(photo.path),
        "lat": None if photo.lat is None else round(photo.lat, 8),
        "lon": None if photo.lon is None else round(photo.lon, 8),
        "gps_source": photo.position_source,
        "gps_error_m": photo.gps_error_m,
        "time_local": iso(photo.time_local),
        "time_utc": iso_utc(photo.time_utc),
        "time_source": photo.time_source,
        "why": tag.why,
        "clock_offset": tag.clock_offset,
        "sidecar": None if tag.sidecar is None else text_path(tag.sidecar),
        "sidecar_error": tag.problem,
    }


def to_json(tags: Sequence[Geotag]) -> str:
    from tripexif import __version__

    return json_text({"version": 1, "generator": f"tripexif {__version__}",
                      "photos": [record(t) for t in tags]}, indent=2) + "\n"


def to_exiftool_csv(tags: Sequence[Geotag]) -> str:
    """One row per placed photo; SourceFile is the path as given (run exiftool from the
    same folder). Degrees are unsigned with their reference, as ExifTool writes them.
    OffsetTimeOriginal is given only where the file cannot tell it (a clock found by
    alignment or the user's rule; ExifTool leaves a tag alone for an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXIFTOOL_COLUMNS)
    for tag in tags:
        photo = tag.photo
        if not photo.placed or photo.lat is None or photo.lon is None:
            continue
        writer.writerow((photo.path, f"{abs(photo.lat):.8f}", "N" if photo.lat >= 0 else "S",
                         f"{abs(photo.lon):.8f}", "E" if photo.lon >= 0 else "W",
                         tag.clock_offset or ""))
    return out.getvalue()


def draw(console: Console, tags: Sequence[Geotag]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, header_style="bold")
    for name in ("file", "local time", "lat", "lon", "source", "why"):
        table.add_column(name, overflow="fold")
    for tag in tags:
        photo = tag.photo
        note = tag.why + (f"; wrote {tag.sidecar}" if tag.sidecar else "") + \
            (f"; {tag.problem}" if tag.problem else "")
        moment = photo.time_local or photo.time_utc
        table.add_row(*(Text(inert(cell)) for cell in (
            text_path(photo.path), moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "",
            "" if photo.lat is None else f"{photo.lat:.6f}",
            "" if photo.lon is None else f"{photo.lon:.6f}",
            photo.gps_source or "", note)))
    console.print(table)
    placed = sum(1 for t in tags if t.photo.placed)
    written = sum(1 for t in tags if t.sidecar)
    line = f"{len(tags)} photos without GPS: {placed} placed, {len(tags) - placed} not"
    if written:
        line += f"; {written} sidecars written"
    console.print(line)


def to_table(tags: Sequence[Geotag], options: Options) -> str:
    from tripexif.export.table import rendered

    return rendered(draw, tags, options)


FORMATS = (
    Format("table", GEOTAGS, to_table, commands=("geotag",)),
    Format("json", GEOTAGS, lambda tags, options: to_json(tags), (".json",), ("geotag",)),
    Format("csv", GEOTAGS, lambda tags, options: to_exiftool_csv(tags), (".csv",),
           ("geotag",)),
)
