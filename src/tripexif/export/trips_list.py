"""`tripexif trips`: the library's trips, one row each, as a table, JSON or CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tripexif.export import Format, Options
from tripexif.export.records import (
    MODE_WORDS,
    home_record,
    modes_text,
    nights_by_place,
    nights_text,
    trip_record,
)
from tripexif.export.textsafe import csv_text, inert, json_text
from tripexif.model import Itinerary

if TYPE_CHECKING:
    from rich.console import Console

TRIPS = "trips"  # what these exporters take: an Itinerary, of which they list the trips
CSV_HEADER = ("id", "start", "end", "days", "nights", "title", "countries", "stops",
              "waypoints", "photos", "distance_km", *(f"{mode}_km" for mode in MODE_WORDS),
              "nights_by_place")


def to_json(itinerary: Itinerary) -> str:
    from tripexif import __version__

    return json_text({
        "version": 1,
        "generator": f"tripexif {__version__}",
        "home": home_record(itinerary.home),
        "trips": [trip_record(trip, legs=False) for trip in itinerary.trips],
    }, indent=2) + "\n"


def to_csv(itinerary: Itinerary) -> str:
    rows = []
    for trip in itinerary.trips:
        record = trip_record(trip, legs=False)
        by_mode = record["distance_by_mode"]
        rows.append((
            trip.id, trip.start, trip.end, len(trip.days), trip.nights, trip.title,
            "; ".join(trip.countries), record["stops"], record["waypoints"], trip.photo_count,
            record["distance_km"], *(by_mode.get(mode, 0.0) for mode in MODE_WORDS),
            "; ".join(f"{n['place'] or 'unknown'} {n['nights']}" for n in nights_by_place(trip)),
        ))
    return csv_text(CSV_HEADER, rows)


def trips_table(console: Console, itinerary: Itinerary) -> None:
    from rich.table import Table
    from rich.text import Text

    home = itinerary.home
    if home is not None:
        where = home.place.display if home.place else f"{home.lat:.5f}, {home.lon:.5f}"
        console.print(Text(inert(f"Home: {where} ({home.how})")))
    elif itinerary.trips:
        console.print("No home found (no place with most nights over weeks): the library "
                      "is one trip; give --home PLACE to split it")
    if not itinerary.trips:
        console.print("No trips.")
        return
    table = Table(show_edge=False, header_style="bold")
    for name, justify in (("trip", "left"), ("dates", "left"), ("days", "right"),
                          ("title", "left"), ("distance", "left"), ("nights", "left"),
                          ("photos", "right")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for trip in itinerary.trips:
        table.add_row(trip.id, f"{trip.start} – {trip.end}", str(len(trip.days)),
                      Text(inert(trip.title)), modes_text(trip) or "0 km",
                      Text(inert(nights_text(trip))), str(trip.photo_count))
    console.print(table)


def _table(itinerary: Itinerary, options: Options) -> str:
    from tripexif.export.table import rendered

    return rendered(trips_table, itinerary, options)


def _render_json(value: Any, options: Options) -> str:
    return to_json(value)


def _render_csv(value: Any, options: Options) -> str:
    return to_csv(value)


FORMATS = (
    Format("table", TRIPS, _table, commands=("trips",)),
    Format("json", TRIPS, _render_json, (".json",), ("trips",)),
    Format("csv", TRIPS, _render_csv, (".csv",), ("trips",)),
)
