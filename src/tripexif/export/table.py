"""Human-readable tables with rich (only for people: scripts use json/csv)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from itertools import pairwise, zip_longest
from typing import TYPE_CHECKING, Any

from tripexif.export import ITINERARY, PHOTOS, WHERE, Format, Options
from tripexif.export.records import (
    clock_span,
    distance_text,
    local_day_title,
    night_text,
    passing,
    place_label,
    plural,
    text_path,
    trip_summary_text,
    trips_of,
)
from tripexif.export.textsafe import inert
from tripexif.model import Day, Itinerary, Photo, Stop

if TYPE_CHECKING:  # rich costs 20 ms to import: only when a table is drawn
    from rich.console import Console
    from rich.table import Table
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


PHOTO_COLUMNS = ("file", "local time", "zone", "source", "lat", "lon", "camera", "note")


def photo_cells(photo: Photo) -> tuple[str, ...]:
    """One row of the `photos` table, as inert text."""
    p = photo
    return (inert(text_path(p.path)), short_time(p.time_local), zone_label(p), p.time_source,
            "" if p.lat is None else f"{p.lat:.6f}", "" if p.lon is None else f"{p.lon:.6f}",
            inert(p.camera or ""), inert(photo_note(p)))


def photos_frame(rows: Sequence[Sequence[str]]) -> Table:
    """The `photos` table as rich draws it (cells are plain text, never markup)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, header_style="bold")
    for name in PHOTO_COLUMNS:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def photos_text(photos: Sequence[Photo], options: Options) -> str:
    """The `photos` table and its summary line. Its rows are written as plain text in the
    widths rich gives the columns (rich laying out 50,000 rows cell by cell took 30 s)."""
    console = _console(options)
    rows = [photo_cells(p) for p in photos]
    table = streamed_table(console, photos_frame, rows)
    if not _paths_whole(table, rows):
        table = photo_records(rows)
    located = sum(1 for p in photos if p.located)
    errors = sum(1 for p in photos if p.error)
    with console.capture() as capture:
        console.print(f"{plural(len(photos), 'file')}, {located:,} with GPS, "
                      f"{errors:,} unreadable")
    return table + capture.get()


def _paths_whole(table: str, rows: Sequence[Sequence[str]]) -> bool:
    """Whether every file name sits whole on one line of the table (never folded)."""
    firsts = {line.split("│", 1)[0].strip() for line in table.splitlines()}
    return all(row[0] in firsts for row in rows)


def photo_records(rows: Sequence[Sequence[str]]) -> str:
    """The `photos` table for a terminal too narrow for its file names: each file name whole
    on its own line (so ``grep`` finds it), its other columns on an indented line below."""
    header = "file\n    local time · zone · source · lat, lon · camera · note\n"
    out = [header]
    for row in rows:
        path, local, zone, source, lat, lon, camera, note = row
        where = f"{lat}, {lon}" if lat else "no position"
        details = [local or "no time", zone, source, where, camera, note]
        out.append(f"{path}\n    " + " · ".join(d for d in details if d) + "\n")
    return "".join(out)


_SGR = re.compile("\x1b\\[[0-9;]*m")


def _width(text: str) -> int:
    """Terminal columns: one per character for ASCII text (2 for 京, 0 for a combining mark)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def streamed_table(console: Console, frame: Callable[[Sequence[Sequence[str]]], Table],
                   rows: Sequence[Sequence[str]]) -> str:
    """What ``console.print(frame(rows))`` prints, for unstyled, left-justified, folding
    columns, in time proportional to the text: rich sizes a column by its widest cell alone,
    so rich lays out the header with only the rows holding each column's widest cell, and
    the rows are then written as plain text in those widths (a cell too wide for its column
    is wrapped by rich, as in the table). One header for the whole table."""
    widest: list[tuple[int, int]] = []  # per column: (width, row)
    for n, row in enumerate(rows):
        if not widest:
            widest = [(-1, 0)] * len(row)
        for column, cell in enumerate(row):
            size = len(cell) if cell.isascii() else _width(cell)
            if size > widest[column][0]:
                widest[column] = (size, n)
    sample = sorted({n for _, n in widest})
    table = frame([rows[n] for n in sample])
    drawn = _captured(console, table)
    if not rows or table.box is None:
        return drawn
    box = table.box.substitute(console.options, safe=console.safe_box)
    lines = drawn.splitlines(keepends=True)
    ruler = {box.head_row_horizontal, box.head_row_cross}
    plain = [_SGR.sub("", line).rstrip("\n") for line in lines]
    rules = [at for at, text in enumerate(plain) if text and set(text) <= ruler]
    if not rules:  # no header rule to take the widths from: rich draws the whole table
        return _captured(console, frame(rows))
    at = rules[0]
    widths = [len(part) - 2 for part in plain[at].split(box.head_row_cross)]  # minus padding
    return "".join(lines[:at + 1]) + "".join(_body(console, rows, widths, box.mid_vertical))


def _captured(console: Console, table: Table) -> str:
    with console.capture() as capture:
        console.print(table)
    return capture.get()


def _body(console: Console, rows: Sequence[Sequence[str]], widths: list[int],
          rule: str) -> Iterator[str]:
    divider = f" {rule} "
    blanks = [" " * width for width in widths]
    wrapped: dict[tuple[str, int], list[str]] = {}  # notes and cameras repeat
    for row in rows:
        firsts: list[str] = []  # each cell's first line
        tall: dict[int, list[str]] = {}  # the cells of more than one line
        for column, (cell, width) in enumerate(zip(row, widths, strict=True)):
            if cell.isascii() and len(cell) <= width:
                firsts.append(cell.ljust(width))
                continue
            lines = wrapped.get((cell, width))
            if lines is None:
                lines = wrapped[cell, width] = _cell_lines(console, cell, width)
            firsts.append(lines[0])
            if len(lines) > 1:
                tall[column] = lines
        if not tall:
            yield " " + divider.join(firsts) + " \n"
            continue
        columns = [tall.get(column, [first]) for column, first in enumerate(firsts)]
        for parts in zip_longest(*columns):
            yield " " + divider.join(part if part is not None else blank
                                     for part, blank in zip(parts, blanks, strict=True)) + " \n"


_WORD = re.compile(r"\s*\S+\s*")


def _cell_lines(console: Console, text: str, width: int) -> list[str]:
    """A cell's lines, each ``width`` columns: rich's word wrap, folding words too long for a
    line (done here for ASCII text, 50 times faster than rich's general one)."""
    size = _width(text)
    if size <= width:
        return [text + " " * (width - size)]
    if not text.isascii() or width < 1:
        from rich.text import Text

        return [line.plain for line in Text(text).wrap(console, width, justify="left",
                                                       overflow="fold")]
    # rich.text.Text.wrap: break before a word that does not fit; a word wider than the
    # column is folded into column-wide pieces; then whitespace past the width is dropped
    breaks = [0]
    used = 0
    for word in _WORD.finditer(text):
        start, length = word.start(), len(word.group().rstrip())
        if width - used >= length:
            used += len(word.group())
        elif length > width:
            pieces = range(start, word.end(), width)
            breaks.extend(at for at in pieces if at)
            used = word.end() - pieces[-1]
        elif used and start:
            breaks.append(start)
            used = len(word.group())
    breaks.append(len(text))
    return [text[a:min(b, a + width)].ljust(width) for a, b in pairwise(breaks)]


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
    """A day's or trip's distance: "1,234.5 km", "14 m"."""
    return distance_text(value)


def _stop_photos(stop: Stop) -> str:
    """"12", and the share tripexif placed (no GPS of their own): "12 (3 placed)"."""
    return f"{stop.shots:,}" + (f" ({stop.placed:,} placed)" if stop.placed else "")


def itinerary_table(console: Console, itinerary: Itinerary) -> None:
    """One section per local day, one row per stop; waypoints lighter; the night; a heading
    and a summary per trip when there are several; then the whole summary."""
    from rich.text import Text

    trips = trips_of(itinerary)
    trip_of = {trip.id: trip for trip in trips}
    firsts = {id(t.stops[0]) for t in trips if t.stops}
    current: str | None = None
    for day in itinerary.days:
        trip_id = day.trip if itinerary.trips else None
        if len(trips) > 1 and trip_id != current:
            if current in trip_of:
                console.print(Text(f"{trip_of[current].title}: "
                                   f"{trip_summary_text(trip_of[current])}", style="bold"))
                console.print()
            trip = trip_of.get(trip_id or "")
            console.print(Text(trip.title if trip else "At home", style="bold underline"))
            console.print()
            current = trip_id
        _day_table(console, day, firsts)
    if len(trips) > 1 and current in trip_of:
        console.print(Text(f"{trip_of[current].title}: {trip_summary_text(trip_of[current])}",
                           style="bold"))
        console.print()
    console.print(Text(trip_summary(itinerary), style="bold"))
    console.print(photo_summary(itinerary))


def _day_table(console: Console, day: Day, firsts: set[int]) -> None:
    from rich.table import Table
    from rich.text import Text

    title = Text(local_day_title(day.date), style="bold")
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
        # "—" only where there is no previous stop: the first of a trip
        previous = "—" if id(stop) in firsts else _km(stop.distance_km)
        if stop.kind == "stop":
            table.add_row(str(stop.index), span, place, _stop_photos(stop), previous)
            for kind, label in (("see", "to see"), ("eat", "to eat")):
                near = [p for p in stop.nearby or () if p.kind == kind]
                if near:
                    line = Text(f"{label}: ")
                    line.append_text(shown(" · ".join(
                        f"{p.name} ({p.category.replace('_', ' ')}, {p.distance_m:,} m)"
                        for p in near)))
                    table.add_row("", "", line, "", "", style="dim")
        else:
            if passing(stop):
                place.append(" (passing)")
            table.add_row("·", span, place, _stop_photos(stop), previous, style="dim")
    console.print(table)
    if day.night is not None:
        night = Text("Night: ", style="bold")
        night.append_text(shown(night_text(day.night)))
        console.print(night)
    console.print()


def _plural(count: int, word: str) -> str:
    return plural(count, word)


def trip_summary(itinerary: Itinerary) -> str:
    stops = itinerary.stops
    n_stops = sum(1 for s in stops if s.kind == "stop")
    n_way = len(stops) - n_stops
    days = len(itinerary.days)
    distance = sum(d.distance_km for d in itinerary.days)
    parts = [_plural(days, "day"), _plural(n_stops, "stop")]
    if n_way:
        parts.append(_plural(n_way, "waypoint"))
    parts.append(_km(distance))
    if itinerary.days:
        first, last = itinerary.days[0].date, itinerary.days[-1].date
        parts.insert(0, first if first == last else f"{first} to {last}")
    return "Trip: " + " · ".join(parts)


def photo_summary(itinerary: Itinerary) -> str:
    """Files, and when some are one shot (a RAW+JPEG pair, copies), the shots; located and
    without GPS count shots."""
    count = f"{itinerary.photo_count:,}"
    if itinerary.duplicates:
        count = f"{count} files, {_plural(itinerary.shot_count, 'shot')}"
    text = (f"Photos: {count} — {itinerary.located_count:,} located, "
            f"{itinerary.unlocated_count:,} without GPS, {len(itinerary.errors):,} unreadable")
    if itinerary.skipped:
        text += f", {len(itinerary.skipped):,} not read (format)"
    return text


def rendered(draw: Callable[[Console, Any], None], value: Any, options: Options) -> str:
    """What ``draw(console, value)`` prints, as text, ``options.width`` columns wide."""
    console = _console(options)
    with console.capture() as capture:
        draw(console, value)
    return capture.get()


def _console(options: Options) -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=options.width)


FORMATS = (
    Format("table", ITINERARY, lambda value, options: rendered(itinerary_table, value, options),
           commands=("scan",)),
    Format("table", PHOTOS, photos_text, commands=("photos",)),
    Format("table", WHERE, lambda value, options: rendered(where_text, value, options),
           commands=("where",)),
)
