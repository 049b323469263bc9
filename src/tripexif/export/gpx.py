"""The itinerary as GPX 1.1 (written with gpxpy): a waypoint per stop, a track per day."""

from __future__ import annotations

from datetime import datetime, timezone

from tripexif import __version__
from tripexif.export import ITINERARY, Format
from tripexif.export.records import (
    clock_span,
    document_title,
    photo_count_text,
    shared_name,
    to_ms,
    trips_of,
)
from tripexif.export.textsafe import XML_KEEPS, inert
from tripexif.model import Itinerary, Stop


def _xml_text(text: str) -> str:
    """Names as inert text: the controls XML 1.0 forbids even escaped, and those a terminal
    or viewer would act on (DEL, C1, bidi), as visible escapes; tabs and newlines stay."""
    return inert(text, XML_KEEPS)


def _time_range(stop: Stop) -> str:
    text = f"{stop.arrival:%Y-%m-%d} {clock_span(stop)}"
    zone = f" {stop.timezone}" if stop.timezone else ""
    return f"{text}{zone}, {photo_count_text(stop)}"


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return None  # floating: no instant to write
    return to_ms(moment.astimezone(timezone.utc))


def waypoint_names(stops: list[Stop]) -> list[str]:
    """The stops' waypoint names, unique within the day: the place, and where a place
    names two stops of one day, "Kyoto, Kyoto, Japan (stop 2)"."""
    names = [_xml_text(s.place.display) if s.place else f"Stop {s.index} of {s.day}"
             for s in stops]
    counts: dict[tuple[str, str], int] = {}
    for stop, name in zip(stops, names, strict=True):
        counts[stop.day, name] = counts.get((stop.day, name), 0) + 1
    return [f"{name} (stop {stop.index})" if counts[stop.day, name] > 1 else name
            for stop, name in zip(stops, names, strict=True)]


def to_gpx(itinerary: Itinerary, full_paths: bool = False, title: str | None = None) -> str:
    """GPX 1.1; track points are named after their photo's file (its path with ``full_paths``).
    ``<metadata>`` holds the trip's title, the last photo's instant (so the same photos make
    the same file) and the bounds of every point."""
    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    gpx.creator = f"tripexif {__version__}"
    trips = trips_of(itinerary)
    gpx.name = _xml_text(document_title(trips, title))
    instants = [t for t in (_utc(p.time_local) for d in itinerary.days for p in d.track) if t]
    gpx.time = max(instants) if instants else None
    stops = [s for s in itinerary.stops if s.kind == "stop"]
    for stop, name in zip(stops, waypoint_names(stops), strict=True):
        gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(
            latitude=round(stop.lat, 8), longitude=round(stop.lon, 8), time=_utc(stop.arrival),
            name=name, description=_xml_text(_time_range(stop)),
        ))
    for day in itinerary.days:
        track = gpxpy.gpx.GPXTrack(name=day.date)
        segment = gpxpy.gpx.GPXTrackSegment()
        for photo in day.track:
            point = gpxpy.gpx.GPXTrackPoint(
                latitude=round(photo.lat, 8), longitude=round(photo.lon, 8),  # type: ignore[arg-type]
                elevation=photo.alt, time=_utc(photo.time_local),
                name=_xml_text(shared_name(photo.path, full_paths)),
            )
            segment.points.append(point)
        track.segments.append(segment)
        gpx.tracks.append(track)
    points = [(s.lat, s.lon) for s in stops] + [
        (p.lat, p.lon) for d in itinerary.days for p in d.track
        if p.lat is not None and p.lon is not None]
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        gpx.bounds = gpxpy.gpx.GPXBounds(round(min(lats), 8), round(max(lats), 8),
                                         round(min(lons), 8), round(max(lons), 8))
    return gpx.to_xml(version="1.1")


FORMATS = (Format("gpx", ITINERARY,
                  lambda itinerary, options: to_gpx(itinerary, options.full_paths,
                                                    options.title),
                  (".gpx",), ("scan",)),)
