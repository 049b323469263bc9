"""One CSV row per stop and waypoint."""

from __future__ import annotations

from tripexif.export import ITINERARY, Format
from tripexif.export.records import iso, place_text
from tripexif.export.textsafe import csv_text
from tripexif.model import Itinerary

HEADER = ("day", "index", "kind", "arrival", "departure", "timezone", "lat", "lon", "photos",
          "place", "country_code")


def to_csv(itinerary: Itinerary) -> str:
    rows = [
        (s.day, s.index, s.kind, iso(s.arrival), iso(s.departure), s.timezone,
         round(s.lat, 8), round(s.lon, 8), len(s.photos), place_text(s),
         s.place.country_code if s.place else None)
        for s in itinerary.stops
    ]
    return csv_text(HEADER, rows)


FORMATS = (Format("csv", ITINERARY, lambda itinerary, options: to_csv(itinerary),
                  (".csv",), ("scan",)),)
