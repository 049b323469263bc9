"""The itinerary as an RFC 7946 GeoJSON FeatureCollection: stops and waypoints, each day's
route, and each trip's legs with their mode (flights as great-circle arcs); lines split at
the antimeridian."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tripexif.export import ITINERARY, Format
from tripexif.export.records import leg_record, stop_record, summary_record
from tripexif.export.textsafe import json_text
from tripexif.model import Itinerary


def split_antimeridian(coords: Sequence[tuple[float, float]]) -> list[list[list[float]]]:
    """Split a [lon, lat] line wherever a leg is shorter across ±180° than across the map.

    Each crossing ends one part at ±180° and starts the next at ∓180°, at the latitude where
    the leg crosses it, so no segment spans more than 180° of longitude."""
    parts: list[list[list[float]]] = []
    current: list[list[float]] = []
    for lon, lat in coords:
        if current:
            prev_lon, prev_lat = current[-1]
            delta = lon - prev_lon
            if abs(delta) > 180.0:
                edge = 180.0 if prev_lon > 0 else -180.0
                unwrapped = lon + (360.0 if delta < 0 else -360.0)
                share = (edge - prev_lon) / (unwrapped - prev_lon)
                cross_lat = prev_lat + share * (lat - prev_lat)
                current.append([edge, cross_lat])
                parts.append(current)
                current = [[-edge, cross_lat]]
        current.append([lon, lat])
    if current:
        parts.append(current)
    return parts


def _route_geometry(coords: Sequence[tuple[float, float]]) -> dict[str, Any]:
    parts = split_antimeridian(coords)
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def to_geojson(itinerary: Itinerary) -> str:
    features: list[dict[str, Any]] = []
    for day in itinerary.days:
        for stop in day.stops:
            properties = {"kind": stop.kind, **stop_record(stop), "trip": day.trip}
            features.append({
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(stop.lon, 8), round(stop.lat, 8)],
                },
                "properties": properties,
            })
        coords = [(round(s.lon, 8), round(s.lat, 8)) for s in day.stops]
        if len(coords) >= 2:
            features.append({
                "type": "Feature",
                "geometry": _route_geometry(coords),
                "properties": {"kind": "route", "day": day.date, "timezone": day.timezone,
                               "distance_km": round(day.distance_km, 3), "trip": day.trip},
            })
    for trip in itinerary.trips:
        for leg in trip.legs:
            record = leg_record(leg)
            del record["path"]  # it is the geometry
            coords = [((lon + 180.0) % 360.0 - 180.0, lat) for lat, lon in leg.path]
            features.append({
                "type": "Feature",
                "geometry": _route_geometry([(round(x, 5), round(y, 5)) for x, y in coords]),
                "properties": {"kind": "leg", "trip": trip.id, **record},
            })
    collection = {
        "type": "FeatureCollection",
        "version": 1,
        "summary": summary_record(itinerary),
        "features": features,
    }
    # compact: GeoJSON files get large, and json's C encoder only runs without indent
    return json_text(collection, separators=(",", ":")) + "\n"


FORMATS = (Format("geojson", ITINERARY, lambda itinerary, options: to_geojson(itinerary),
                  (".geojson",), ("scan",)),)
