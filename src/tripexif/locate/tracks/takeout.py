"""Google location history: Takeout's ``Records.json`` (``locations[]`` with
``latitudeE7``/``longitudeE7`` and ``timestamp``, or the older ``timestampMs``), its
Semantic Location History (``timelineObjects[]``: place visits, the raw paths of activity
segments), and the on-device Timeline export (``semanticSegments[]``: ``timelinePath``
points ``"48.8584°, 2.2945°"`` with their ``time``, and visits from ``startTime`` to
``endTime``; the iOS export's list of segments with ``"geo:lat,lon"`` points and
``durationMinutesOffsetFromStartTime``). A visit gives two fixes at its place: arrival and
departure."""

from __future__ import annotations

import re
from typing import Any

from tripexif.locate.tracks import Fix, Parsed, check_position, load_json, utc_seconds

_LATLNG = re.compile(r"^\s*(?:geo:)?\s*(-?\d+(?:\.\d+)?)°?\s*,\s*(-?\d+(?:\.\d+)?)°?\s*$")


def read(data: bytes, name: str) -> Parsed:
    document = load_json(data)
    reader = _Reader()
    if isinstance(document, dict):
        for number, item in enumerate(document.get("locations") or [], 1):
            reader.guard(number, "location", _record, item)
        for number, item in enumerate(document.get("semanticSegments") or [], 1):
            reader.guard(number, "segment", _segment, item)
        for number, item in enumerate(document.get("timelineObjects") or [], 1):
            reader.guard(number, "timeline object", _timeline_object, item)
    elif isinstance(document, list):
        for number, item in enumerate(document, 1):
            reader.guard(number, "segment", _segment, item)
    return Parsed(reader.fixes, reader.problems, "Google location history")


class _Reader:
    def __init__(self) -> None:
        self.fixes: list[Fix] = []
        self.problems: list[tuple[int | None, str]] = []

    def guard(self, number: int, what: str, read: Any, item: Any) -> None:
        try:
            self.fixes.extend(read(item))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.problems.append((None, f"{what} {number}: {exc}"))


def _e7(lat: Any, lon: Any) -> tuple[float, float]:
    position = int(lat) / 1e7, int(lon) / 1e7
    check_position(*position)
    return position


def _record(item: dict[str, Any]) -> list[Fix]:
    if "latitudeE7" not in item:
        return []
    lat, lon = _e7(item["latitudeE7"], item["longitudeE7"])
    if "timestamp" in item:
        moment = utc_seconds(item["timestamp"])
    else:
        moment = int(item["timestampMs"]) / 1000.0
    return [(moment, lat, lon)]


def _latlng(text: Any) -> tuple[float, float]:
    if isinstance(text, dict):
        text = text.get("latLng")
    match = _LATLNG.match(text if isinstance(text, str) else "")
    if not match:
        raise ValueError(f"{str(text)[:40]!r} is not a position")
    lat, lon = float(match.group(1)), float(match.group(2))
    check_position(lat, lon)
    return lat, lon


def _segment(item: dict[str, Any]) -> list[Fix]:
    fixes: list[Fix] = []
    start = str(item.get("startTime"))
    for point in item.get("timelinePath") or []:
        lat, lon = _latlng(point["point"])
        if "time" in point:
            moment = utc_seconds(point["time"])
        else:  # the iOS export: minutes after the segment's start
            moment = utc_seconds(start) + 60.0 * float(point["durationMinutesOffsetFromStartTime"])
        fixes.append((moment, lat, lon))
    visit = item.get("visit")
    if visit and item.get("startTime") and item.get("endTime"):
        lat, lon = _latlng((visit.get("topCandidate") or {})["placeLocation"])
        fixes.append((utc_seconds(start), lat, lon))
        if utc_seconds(item["endTime"]) != utc_seconds(start):
            fixes.append((utc_seconds(item["endTime"]), lat, lon))
    return fixes


def _timeline_object(item: dict[str, Any]) -> list[Fix]:
    fixes: list[Fix] = []
    visit = item.get("placeVisit")
    if visit:
        location, span = visit["location"], visit["duration"]
        lat, lon = _e7(location["latitudeE7"], location["longitudeE7"])
        fixes += [(utc_seconds(span["startTimestamp"]), lat, lon),
                  (utc_seconds(span["endTimestamp"]), lat, lon)]
    segment = item.get("activitySegment")
    if segment:
        for point in (segment.get("simplifiedRawPath") or {}).get("points") or []:
            lat, lon = _e7(point["latE7"], point["lngE7"])
            moment = (utc_seconds(point["timestamp"]) if "timestamp" in point
                      else int(point["timestampMs"]) / 1000.0)
            fixes.append((moment, lat, lon))
    return fixes
