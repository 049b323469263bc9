"""The itinerary as JSON (contract version 1), with the library's trips: ``home``,
``home_days``, ``trips[]`` (each with its days, nights and legs), and per day its ``trip``
and its ``night``."""

from __future__ import annotations

from typing import Any

from tripexif.export import ITINERARY, Format
from tripexif.export.records import home_record, itinerary_record, night_record, trip_record
from tripexif.export.textsafe import json_text
from tripexif.model import Itinerary


def json_record(itinerary: Itinerary) -> dict[str, Any]:
    record = itinerary_record(itinerary)
    for day_record, day in zip(record["days"], itinerary.days, strict=True):
        day_record["trip"] = day.trip
        day_record["night"] = night_record(day.night)
    record["home"] = home_record(itinerary.home)
    record["home_days"] = [d.date for d in itinerary.days if d.trip is None]
    record["trips"] = [trip_record(trip) for trip in itinerary.trips]
    return record


def to_json(itinerary: Itinerary) -> str:
    return json_text(json_record(itinerary), indent=2) + "\n"


FORMATS = (Format("json", ITINERARY, lambda itinerary, options: to_json(itinerary),
                  (".json",), ("scan",)),)
