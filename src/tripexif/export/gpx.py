"""The itinerary as GPX 1.1 (written with gpxpy): a waypoint per stop, a track per day."""

from __future__ import annotations

from datetime import datetime, timezone

from tripexif import __version__
from tripexif.export import ITINERARY, Format
from tripexif.export.records import clock_span, shared_name, to_ms
from tripexif.export.textsafe import XML_KEEPS, inert
from tripexif.model import Itinerary, Stop


def _xml_text(text: str) -> str:
    """Names as inert text: the controls XML 1.0 forbids even escaped, and those a terminal
    or viewer would act on (DEL, C1, bidi), as visible escapes; tabs and newlines stay."""
    return inert(text, XML_KEEPS)


def _time_range(stop: Stop) -> str:
    text = f"{stop.arrival:%Y-%m-%d} {clock_span(stop)}"
    zone = f" {stop.timezone}" if stop.timezone else ""
    count = stop.shots
    return f"{text}{zone}, {count} photo{'s' if count != 1 else ''}"


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return None  # floating: no instant to write
    return to_ms(moment.astimezone(timezone.utc))


def to_gpx(itinerary: Itinerary, full_paths: bool = False) -> str:
    """GPX 1.1; track points are named after their photo's file (its path with ``full_paths``)."""
    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    gpx.creator = f"tripexif {__version__}"
    for stop in itinerary.stops:
        if stop.kind != "stop":
            continue
        name = _xml_text(stop.place.display) if stop.place else f"Stop {stop.index} of {stop.day}"
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
    return gpx.to_xml(version="1.1")


FORMATS = (Format("gpx", ITINERARY,
                  lambda itinerary, options: to_gpx(itinerary, options.full_paths),
                  (".gpx",), ("scan",)),)
