"""`tripexif where`: where and when single photos were taken (the single-photo map answer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tripexif.export import WHERE, Format
from tripexif.export.records import photo_record
from tripexif.export.textsafe import json_text
from tripexif.geocode.base import Geocoder
from tripexif.model import Photo, Place

NO_GPS = "no GPS position in this file"
PLACED_BY = {"track": "track", "photos": "other photos", "stop": "other photos' stop"}


def osm_link(lat: float, lon: float, zoom: int = 16) -> str:
    return (f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
            f"#map={zoom}/{lat:.6f}/{lon:.6f}")


def answer(photo: Photo, geocoder: Geocoder) -> dict[str, Any]:
    """One photo's answer as a JSON-ready dict (the photo record plus place and map link)."""
    record = photo_record(photo)
    place: Place | None = None
    if photo.located:
        place = geocoder.reverse(photo.lat, photo.lon)  # type: ignore[arg-type]
    record["place"] = place.display if place else None
    record["country_code"] = place.country_code if place else None
    record["map_url"] = osm_link(photo.lat, photo.lon) if photo.located else None  # type: ignore[arg-type]
    if photo.error:
        record["answer"] = f"could not be read: {photo.error}"
    elif photo.skipped:
        record["answer"] = f"not read: {photo.skipped}"
    elif not photo.located:
        record["answer"] = NO_GPS + (f" (the one it has was rejected: {photo.gps_note})"
                                     if photo.gps_note else "") + (
            f"; not placed: {photo.place_note}" if photo.place_note else "")
    elif photo.placed:  # no GPS of its own: placed by a --track or the other photos given
        error = f", ±{photo.gps_error_m:,.0f} m" if photo.gps_error_m is not None else ""
        record["answer"] = (f"placed by the {PLACED_BY.get(photo.gps_source or '', 'photos')}"
                            f"{error}" + (f": {photo.place_note}" if photo.place_note else ""))
    else:
        record["answer"] = "located"
    return record


def answers(photos: Sequence[Photo], geocoder: Geocoder) -> list[dict[str, Any]]:
    return [answer(p, geocoder) for p in photos]


def to_json(records: Sequence[dict[str, Any]]) -> str:
    return json_text(list(records), indent=2) + "\n"


FORMATS = (Format("json", WHERE, lambda records, options: to_json(records), (".json",),
                  ("where",)),)
