"""Labels people can tell apart: within a day and a trip, stops that would read the same are
told apart by their district (the geocoder's, part of the label already) and only then by a
number, "Kyoto (2)", given to each further *spot* of that label in time order (a stop
within ``SAME_SPOT_KM`` of an earlier one of the same label is that spot again, and reads
like it). A stop that lies within a named attraction that ``--nearby`` found is labelled by
it ("Kinkaku-ji, Kyoto"). (Photos taken from a plane are named "in flight (A → B)" by the
trips stage, trip/trips.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tripexif.model import Day, Place, Stop
from tripexif.trip.geo import distance_km

SAME_SPOT_KM = 0.5
LANDMARK_CATEGORIES = frozenset([
    "attraction", "museum", "gallery", "zoo", "theme_park", "aquarium", "viewpoint",
    "monument", "memorial", "castle", "ruins", "archaeological_site", "church", "fort",
    "palace", "park", "place_of_worship",
])


def tell_apart(days: Sequence[Day]) -> tuple[Day, ...]:
    """``days`` (one trip, or a run of days) with each stop's place numbered where its
    label is shared with another spot of these days (waypoints keep their labels)."""
    spots: dict[str, list[tuple[float, float]]] = {}
    out = []
    for day in days:
        stops = []
        for stop in day.stops:
            place = stop.place
            if place is not None and stop.kind == "stop" and place.kind != "flight":
                seen = spots.setdefault(place._replace(ordinal=1).label, [])
                number = next((n for n, (lat, lon) in enumerate(seen, start=1)
                               if distance_km(lat, lon, stop.lat, stop.lon) <= SAME_SPOT_KM),
                              None)
                if number is None:
                    seen.append((stop.lat, stop.lon))
                    number = len(seen)
                stop = stop._replace(place=place._replace(ordinal=number))
            stops.append(stop)
        out.append(day._replace(stops=tuple(stops)))
    return tuple(out)


def label_days(days: Sequence[Day]) -> tuple[Day, ...]:
    """Every day's stops named by the attraction they lie in (when ``--nearby`` found one),
    then told apart within each run of consecutive days (a trip, until trips are known)."""
    days = tuple(day._replace(stops=tuple(_landmark(s) for s in day.stops)) for day in days)
    out: list[Day] = []
    run: list[Day] = []
    for day in days:
        if run and not _next_day(run[-1].date, day.date):
            out.extend(tell_apart(run))
            run = []
        run.append(day)
    out.extend(tell_apart(run))
    return tuple(out)


def _next_day(first: str, second: str) -> bool:
    try:
        return (date.fromisoformat(second) - date.fromisoformat(first)).days <= 1
    except ValueError:
        return False


def landmark_of(stop: Stop) -> Any:
    """The smallest named attraction among the stop's nearby places whose bounds hold its
    position (None when none does)."""
    inside = [p for p in stop.nearby or () if p.kind == "see"
              and p.category in LANDMARK_CATEGORIES and _holds(p.bounds, stop.lat, stop.lon)]
    return min(inside, key=lambda p: _area(p.bounds), default=None)


def _landmark(stop: Stop) -> Stop:
    found = landmark_of(stop) if stop.kind == "stop" else None
    if found is None or stop.place is None or stop.place.kind == "landmark":
        return stop
    place: Place = stop.place
    town = place.town if place.kind == "landmark" else place.name
    return stop._replace(place=place._replace(name=found.name, kind="landmark", town=town))


def _holds(bounds: Any, lat: float, lon: float) -> bool:
    if not bounds:
        return False
    south, west, north, east = bounds
    return bool(south <= lat <= north and west <= lon <= east)


def _area(bounds: Any) -> float:
    south, west, north, east = bounds
    return float((north - south) * (east - west))
