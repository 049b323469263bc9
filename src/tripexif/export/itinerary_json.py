"""The itinerary as JSON (contract version 1)."""

from __future__ import annotations

import json

from tripexif.model import Itinerary
from tripexif.records import itinerary_record


def to_json(itinerary: Itinerary) -> str:
    return json.dumps(itinerary_record(itinerary), ensure_ascii=False, indent=2) + "\n"
