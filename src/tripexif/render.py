"""Human-readable tables with rich (only for people: scripts use json/csv)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tripexif.model import Photo
from tripexif.records import text_path


def short_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def zone_label(photo: Photo) -> str:
    moment = photo.time_local
    offset = moment.strftime("%z") if moment and moment.tzinfo else ""
    offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
    if photo.timezone and offset:
        return f"{photo.timezone} ({offset})"
    return photo.timezone or offset or ("floating" if moment else "")


def photo_note(photo: Photo) -> str:
    if photo.error:
        return f"error: {photo.error}"
    if photo.skipped:
        return f"skipped: {photo.skipped}"
    notes = []
    if photo.gps_note:
        notes.append(f"GPS rejected: {photo.gps_note}")
    if photo.time_flag:
        notes.append(f"{photo.time_flag} local time (DST change)")
    return "; ".join(notes)


def photos_table(console: Console, photos: Sequence[Photo]) -> None:
    table = Table(show_edge=False, header_style="bold")
    for name in ("file", "local time", "zone", "source", "lat", "lon", "camera", "note"):
        table.add_column(name, overflow="fold")
    for p in photos:
        table.add_row(
            text_path(p.path), short_time(p.time_local), zone_label(p), p.time_source,
            "" if p.lat is None else f"{p.lat:.6f}", "" if p.lon is None else f"{p.lon:.6f}",
            p.camera or "", photo_note(p),
        )
    console.print(table)
    located = sum(1 for p in photos if p.located)
    errors = sum(1 for p in photos if p.error)
    console.print(f"{len(photos)} files, {located} with GPS, {errors} unreadable")


def where_text(console: Console, records: Sequence[dict]) -> None:
    """The `where` answers as short blocks, one per photo."""
    for record in records:
        console.print(Text(record["path"], style="bold"))
        rows: list[tuple[str, str]] = []
        if record["lat"] is not None:
            alt = f", {record['alt']:.0f} m" if record["alt"] is not None else ""
            rows.append(("position", f"{record['lat']:.6f}, {record['lon']:.6f}{alt}"))
        else:
            rows.append(("position", record["answer"]))
        if record["time_local"]:
            zone = record["timezone"] or "no zone known"
            rows.append(("taken", f"{record['time_local']} ({zone}; {record['time_source']})"))
        elif record["error"] is None and record["skipped"] is None:
            rows.append(("taken", "no capture time in this file"))
        if record["place"]:
            rows.append(("place", record["place"]))
        if record["map_url"]:
            rows.append(("map", record["map_url"]))
        if record["camera"]:
            rows.append(("camera", record["camera"]))
        for label, value in rows:
            line = Text(f"  {label:<9}")
            line.append(value)
            console.print(line)
