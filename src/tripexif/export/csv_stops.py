"""One CSV row per stop and waypoint."""

from __future__ import annotations

from tripexif.export import ITINERARY, Format
from tripexif.export.records import iso, nearby_texts, place_text, trips_of
from tripexif.export.textsafe import csv_text
from tripexif.model import Itinerary

# ``index`` numbers the day's stops and waypoints in one sequence (1, 2, 3...), so day and
# index name a row; ``stop`` is a stop's own number as the table, JSON and map show it
HEADER = ("day", "index", "kind", "arrival", "departure", "timezone", "lat", "lon", "photos",
          "place", "country_code", "distance_km", "trip", "nearby", "stop", "placed")


def to_csv(itinerary: Itinerary) -> str:
    trip_of = {day.date: trip.id for trip in trips_of(itinerary) for day in trip.days}
    rows = [
        (s.day, n, s.kind, iso(s.arrival), iso(s.departure), s.timezone,
         round(s.lat, 8), round(s.lon, 8), len(s.photos), place_text(s),
         s.place.country_code if s.place else None, round(s.distance_km, 3),
         day.trip or trip_of.get(day.date), "; ".join(nearby_texts(s)) or None,
         s.index if s.kind == "stop" else None, s.placed)
        for day in itinerary.days for n, s in enumerate(day.stops, 1)
    ]
    return csv_text(HEADER, rows)


FORMATS = (Format("csv", ITINERARY, lambda itinerary, options: to_csv(itinerary),
                  (".csv",), ("scan",)),)
