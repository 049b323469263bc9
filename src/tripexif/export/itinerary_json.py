"""The itinerary as JSON (contract version 1)."""

from __future__ import annotations

from tripexif.export import ITINERARY, Format
from tripexif.export.records import itinerary_record
from tripexif.export.textsafe import json_text
from tripexif.model import Itinerary


def to_json(itinerary: Itinerary) -> str:
    return json_text(itinerary_record(itinerary), indent=2) + "\n"


FORMATS = (Format("json", ITINERARY, lambda itinerary, options: to_json(itinerary),
                  (".json",), ("scan",)),)
