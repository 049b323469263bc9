"""GeoJSON: LineString / MultiLineString features with a time per position (the
``coordTimes`` or ``times`` property, or ``coordinateProperties.times``; a list of lists
for a MultiLineString), and Point features with a ``time`` (or ``timestamp``,
``datetime``) property. A time is ISO 8601, or seconds (or milliseconds) since the epoch."""

from __future__ import annotations

from typing import Any

from tripexif.locate.tracks import BadTrack, Fix, Parsed, check_position, load_json, utc_seconds

TIME_LISTS = ("coordTimes", "times", "timestamps")
TIME_KEYS = ("time", "timestamp", "datetime", "when")


def read(data: bytes, name: str) -> Parsed:
    document = load_json(data)
    fixes: list[Fix] = []
    problems: list[tuple[int | None, str]] = []
    for number, feature in enumerate(_features(document), 1):
        try:
            fixes.extend(_fixes(feature))
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            problems.append((None, f"feature {number}: {exc}"))
    return Parsed(fixes, problems, "GeoJSON")


def _features(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise BadTrack("not a GeoJSON object")
    kind = document.get("type")
    if kind == "FeatureCollection":
        return [f for f in document.get("features") or [] if isinstance(f, dict)]
    if kind == "Feature":
        return [document]
    return [{"type": "Feature", "geometry": document, "properties": {}}]


def _time(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time")
    if isinstance(value, (int, float)):
        return value / 1000.0 if value > 1e11 else float(value)  # milliseconds, or seconds
    if isinstance(value, str):
        return utc_seconds(value)
    raise ValueError(f"{value!r} is not a time")


def _fix(moment: Any, position: Any) -> Fix:
    lon, lat = float(position[0]), float(position[1])
    check_position(lat, lon)
    return _time(moment), lat, lon


def _fixes(feature: dict[str, Any]) -> list[Fix]:
    geometry = feature.get("geometry") or {}
    properties = feature.get("properties") or {}
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Point":
        moment = next((properties[k] for k in TIME_KEYS if properties.get(k) is not None), None)
        if moment is None:
            return []
        return [_fix(moment, coordinates)]
    if kind not in ("LineString", "MultiLineString"):
        return []
    times = next((properties[k] for k in TIME_LISTS if properties.get(k) is not None), None)
    if times is None:
        times = (properties.get("coordinateProperties") or {}).get("times")
    if times is None:
        return []
    lines: list[Any] = [coordinates] if kind == "LineString" else list(coordinates or [])
    lists: list[Any] = [times] if kind == "LineString" else list(times)
    if kind == "MultiLineString" and lists and not isinstance(lists[0], list):
        lists = [lists]  # one flat list for all the lines' positions
        lines = [[p for line in lines for p in line]]
    out: list[Fix] = []
    for line, moments in zip(lines, lists, strict=False):
        if len(line) != len(moments):
            raise ValueError(f"{len(line)} positions but {len(moments)} times")
        out.extend(_fix(m, p) for m, p in zip(moments, line, strict=True))
    return out
