"""Human-readable tables with rich (only for people: scripts use json/csv)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tripexif.export import ITINERARY, PHOTOS, WHERE, Format, Options
from tripexif.export.records import clock_span, place_label, text_path
from tripexif.export.textsafe import inert
from tripexif.model import Itinerary, Photo

if TYPE_CHECKING:  # rich costs 20 ms to import: only when a table is drawn
    from rich.console import Console
    from rich.text import Text


def shown(text: str | None) -> Text:
    """User-derived text (file and place names) for a terminal: never read as rich markup,
    control and bidi characters (a newline or an ESC in a file name) shown as escapes."""
    from rich.text import Text

    return Text(inert(text or ""))


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
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold")
    for name in ("file", "local time", "zone", "source", "lat", "lon", "camera", "note"):
        table.add_column(name, overflow="fold")
    for p in photos:
        table.add_row(
            shown(text_path(p.path)), short_time(p.time_local), zone_label(p), p.time_source,
            "" if p.lat is None else f"{p.lat:.6f}", "" if p.lon is None else f"{p.lon:.6f}",
            shown(p.camera), shown(photo_note(p)),
        )
    console.print(table)
    located = sum(1 for p in photos if p.located)
    errors = sum(1 for p in photos if p.error)
    console.print(f"{len(photos)} files, {located} with GPS, {errors} unreadable")


def where_text(console: Console, records: Sequence[dict[str, Any]]) -> None:
    """The `where` answers as short blocks, one per photo."""
    from rich.text import Text

    for record in records:
        path = shown(record["path"])
        path.stylize("bold")
        console.print(path)
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
            line.append_text(shown(value))
            console.print(line)


def _km(value: float) -> str:
    return f"{value:,.1f} km" if value >= 0.05 else "—"


def itinerary_table(console: Console, itinerary: Itinerary) -> None:
    """One section per local day, one row per stop; waypoints lighter; then the trip summary."""
    from rich.table import Table
    from rich.text import Text

    for day in itinerary.days:
        moment = datetime.fromisoformat(day.date)
        title = Text(f"{moment:%A} {moment.day} {moment:%B %Y}", style="bold")
        title.append(f"  ·  {day.timezone or 'floating time'}  ·  {_km(day.distance_km)}",
                     style="")
        console.print(title)
        table = Table(show_edge=False, header_style="bold", pad_edge=False, box=None)
        table.add_column("#", justify="right")
        table.add_column("time")
        table.add_column("place", overflow="fold")
        table.add_column("photos", justify="right")
        table.add_column("from previous", justify="right")
        for stop in day.stops:
            span = clock_span(stop)
            if stop.timezone != day.timezone and stop.timezone:
                span += f" ({stop.timezone})"
            place = shown(place_label(stop))
            if stop.kind == "stop":
                table.add_row(str(stop.index), span, place, str(len(stop.photos)),
                              _km(stop.distance_km))
                for kind, label in (("see", "to see"), ("eat", "to eat")):
                    near = [p for p in stop.nearby or () if p.kind == kind]
                    if near:
                        line = Text(f"{label}: ")
                        line.append_text(shown(" · ".join(
                            f"{p.name} ({p.category.replace('_', ' ')}, {p.distance_m} m)"
                            for p in near)))
                        table.add_row("", "", line, "", "", style="dim")
            else:
                place.append(" (passing)")
                table.add_row("·", span, place, str(len(stop.photos)),
                              _km(stop.distance_km), style="dim")
        console.print(table)
        console.print()
    console.print(Text(trip_summary(itinerary), style="bold"))
    console.print(photo_summary(itinerary))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def trip_summary(itinerary: Itinerary) -> str:
    stops = itinerary.stops
    n_stops = sum(1 for s in stops if s.kind == "stop")
    n_way = len(stops) - n_stops
    days = len(itinerary.days)
    distance = sum(d.distance_km for d in itinerary.days)
    parts = [_plural(days, "day"), _plural(n_stops, "stop")]
    if n_way:
        parts.append(_plural(n_way, "waypoint"))
    parts.append(_km(distance) if distance >= 0.05 else "0 km")
    if itinerary.days:
        first, last = itinerary.days[0].date, itinerary.days[-1].date
        parts.insert(0, first if first == last else f"{first} to {last}")
    return "Trip: " + " · ".join(parts)


def photo_summary(itinerary: Itinerary) -> str:
    located = sum(len(d.track) for d in itinerary.days) + len(itinerary.undated)
    text = (f"Photos: {itinerary.photo_count} — {located} located, "
            f"{len(itinerary.unlocated)} without GPS, {len(itinerary.errors)} unreadable")
    if itinerary.skipped:
        text += f", {len(itinerary.skipped)} not read (format)"
    return text


def rendered(draw: Callable[[Console, Any], None], value: Any, options: Options) -> str:
    """What ``draw(console, value)`` prints, as text, ``options.width`` columns wide."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False, width=options.width)
    with console.capture() as capture:
        draw(console, value)
    return capture.get()


FORMATS = (
    Format("table", ITINERARY, lambda value, options: rendered(itinerary_table, value, options),
           commands=("scan",)),
    Format("table", PHOTOS, lambda value, options: rendered(photos_table, value, options),
           commands=("photos",)),
    Format("table", WHERE, lambda value, options: rendered(where_text, value, options),
           commands=("where",)),
)
