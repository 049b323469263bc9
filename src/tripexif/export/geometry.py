"""What the map, the KML and the report draw besides the stops: the travel between days,
flights as great-circle arcs, longitudes unwrapped across ±180°, and a colour per day."""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from typing import Any, NamedTuple

from tripexif.export.records import HOME_TRIP
from tripexif.model import Stop, Trip
from tripexif.trip import geo
from tripexif.trip.geo import distance_km, unwrap

ARC_KM = 300.0  # a hop longer than this is drawn as a great-circle arc
FLIGHT_KM = 1000.0  # with no legs from the trips stage, a longer hop is taken for a flight
ARC_STEP_KM = 100.0  # one arc point every this many km (at least 8, at most 128)


class Hop(NamedTuple):
    """The travel from one day's last stop to the next day's first. ``path`` is (lat, lon)
    points, longitudes continuous (they may pass ±180)."""

    start: Stop
    end: Stop
    mode: str  # "flight" | "walk" | "ground" | "ferry" | "travel" (no legs known)
    distance_km: float
    path: tuple[tuple[float, float], ...]


def centred(lons: Sequence[float]) -> float:
    """The shift (a multiple of 360) that puts the unwrapped ``lons`` around the middle of
    the map's usual range, so an unwrapped trip is never drawn beyond ±540°."""
    if not lons:
        return 0.0
    middle = (min(lons) + max(lons)) / 2
    return -360.0 * round(middle / 360.0)


def great_circle(lat1: float, lon1: float, lat2: float, lon2: float,
                 steps: int | None = None) -> list[tuple[float, float]]:
    """Points along the great circle from 1 to 2 (see :func:`tripexif.trip.geo.great_circle`):
    by default one every ``ARC_STEP_KM``, at least 8 and at most 128 parts."""
    if steps is None:
        steps = max(8, min(128, int(distance_km(lat1, lon1, lat2, lon2) / ARC_STEP_KM)))
    return geo.great_circle(lat1, lon1, lat2, lon2, steps)


def _line(start: Stop, end: Stop, km: float) -> tuple[tuple[float, float], ...]:
    if km > ARC_KM:
        return tuple(great_circle(start.lat, start.lon, end.lat, end.lon))
    return ((start.lat, start.lon), (end.lat, unwrap([start.lon, end.lon])[1]))


def _leg_paths(trip: Trip) -> dict[tuple[Any, Any], tuple[str, tuple[tuple[float, float], ...]]]:
    return {(_key(leg.start), _key(leg.end)): (leg.mode, leg.path) for leg in trip.legs}


def _segment(start: Stop, end: Stop, known: tuple[str, tuple[tuple[float, float], ...]] | None,
             km: float) -> tuple[str, tuple[tuple[float, float], ...]]:
    """The mode and line from ``start`` to ``end``: the leg's when the trips stage gave one
    (its arc for a flight), else an arc for a hop over ``ARC_KM`` (a flight over
    ``FLIGHT_KM``), else a straight line."""
    if known is not None:
        mode, path = known
        if len(path) >= 2:
            return mode, path
        return mode, _line(start, end, km if mode == "flight" else 0.0)
    return ("flight" if km > FLIGHT_KM else "travel"), _line(start, end, km)


def route(trip: Trip, stops: Sequence[Stop]) -> list[tuple[float, float]]:
    """A day's line through ``stops``, (lat, lon) with continuous longitudes: a flight (a
    leg's arc, or any hop over ``ARC_KM``) follows its great circle."""
    legs = _leg_paths(trip)
    points: list[tuple[float, float]] = [(stops[0].lat, stops[0].lon)] if stops else []
    for start, end in zip(stops, stops[1:], strict=False):
        km = distance_km(start.lat, start.lon, end.lat, end.lon)
        _, path = _segment(start, end, legs.get((_key(start), _key(end))), km)
        points.extend(path[1:])
    lons = unwrap([lon for _, lon in points])
    return [(lat, lon) for (lat, _), lon in zip(points, lons, strict=True)]


def hops(trip: Trip) -> list[Hop]:
    """The travel between days: from each day's last stop to the next day's first (drawn
    dashed); its mode and arc from the trips stage's leg when there is one."""
    if trip.id == HOME_TRIP:
        return []  # days at home are days apart: no travel between them to draw
    legs = _leg_paths(trip)
    found: list[Hop] = []
    days = [d for d in trip.days if d.stops]
    for before, after in zip(days, days[1:], strict=False):
        start, end = before.stops[-1], after.stops[0]
        km = distance_km(start.lat, start.lon, end.lat, end.lon)
        known = legs.get((_key(start), _key(end)))
        if km < 0.05 and known is None:
            continue  # the next day began where this one ended: nothing to draw
        mode, path = _segment(start, end, known, km)
        found.append(Hop(start, end, mode, km, path))
    return found


def _key(stop: Stop) -> tuple[Any, ...]:
    """A stop told apart from others whether or not it is the same object."""
    return (stop.day, stop.arrival.timestamp(), stop.lat, stop.lon)


def day_colours(count: int) -> list[str]:
    """``count`` distinct colours, a continuous hue ramp (never a repeating cycle): red,
    through yellow, green and blue, to violet; lightness alternates a little so
    neighbouring days stay apart when there are many."""
    colours = []
    for n in range(count):
        hue = 0.8 * n / max(1, count - 1)
        light = 0.42 if n % 2 == 0 or count < 8 else 0.34
        r, g, b = colorsys.hls_to_rgb(hue, light, 0.85)
        colours.append(f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}")
    return colours
