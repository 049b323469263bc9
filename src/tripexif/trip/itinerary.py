"""Build the itinerary: located photos -> local days -> stops and waypoints -> names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from tripexif.geocode.base import Geocoder
from tripexif.geocode.labels import label_days
from tripexif.model import Day, Itinerary, Photo, Place, Shot, Stop
from tripexif.trip.cluster import Cluster, Point, cluster_points
from tripexif.trip.geo import distance_km
from tripexif.trip.legs import AtSea
from tripexif.trip.shots import group, single
from tripexif.trip.trips import TripSettings, arrange


class ClusterSettings(NamedTuple):
    """How photos become stops: a photo joins a stop within ``radius_m`` of its centre and
    at most ``max_gap`` after the previous photo; fewer than ``min_stop_photos`` photos make
    a waypoint (a place passed through)."""

    radius_m: float = 200.0
    max_gap: timedelta = timedelta(hours=2)
    min_stop_photos: int = 2


def parse_duration(text: str) -> timedelta:
    """"2h", "90m", "1h30m", "45s", "1:30" -> timedelta; ValueError otherwise."""
    cleaned = text.strip().lower()
    if re.fullmatch(r"\d+:\d{2}", cleaned):
        whole_hours, whole_minutes = cleaned.split(":")
        return timedelta(hours=int(whole_hours), minutes=int(whole_minutes))
    match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?:in)?)?(?:(\d+)s)?",
                         cleaned)
    if not cleaned or not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration like 2h, 90m, 1h30m or 1:30")
    h, m, s = (float(g) if g else 0.0 for g in match.groups())
    return timedelta(hours=h, minutes=m, seconds=s)


def _sort_key(photo: Photo) -> datetime:
    """Order by instant; floating photos by their wall clock."""
    if photo.time_utc is not None:
        return photo.time_utc.replace(tzinfo=None)
    assert photo.time_local is not None
    return photo.time_local.replace(tzinfo=None)


def build(
    photos: Sequence[Photo],
    settings: ClusterSettings,
    geocoder: Geocoder,
    warnings: Sequence[str] = (),
    nearby: Any = None,
    *,
    keep_duplicates: bool = False,
    trips: TripSettings | None = None,
    at_sea: AtSea | None = None,
) -> Itinerary:
    """``nearby``: a NearbyFinder to list places to see and eat near each stop.

    A RAW+JPEG pair or copies of one photo are one shot (trip/shots.py): clustered and
    counted once, by the photo that gives its position and time, with all its files listed
    in its stop (or among the unlocated); ``keep_duplicates`` counts every file.

    Then the days are split into trips (``trips``: :class:`~tripexif.trip.trips.TripSettings`,
    default ones when None; ``at_sea(lat, lon)`` tells ferries, see trip/trips.py)."""
    errors = tuple(p for p in photos if p.error)
    skipped = tuple(p for p in photos if p.skipped and not p.error)
    readable = [p for p in photos if p.ok]
    shots = single(readable) if keep_duplicates else group(readable)
    unlocated = tuple(p for shot in sorted(
        (s for s in shots if not s.photo.located),
        key=lambda s: (s.photo.time_local is None, _safe_key(s.photo), s.photo.path))
        for p in shot.photos)
    undated = tuple(p for s in shots if s.photo.located and s.photo.time_local is None
                    for p in s.photos)
    located = sorted((s for s in shots if s.photo.located and s.photo.time_local is not None),
                     key=lambda s: (_sort_key(s.photo), s.photo.path))
    days: dict[str, list[Shot]] = {}
    for shot in located:
        assert shot.photo.time_local is not None
        days.setdefault(shot.photo.time_local.date().isoformat(), []).append(shot)
    names = _Namer(geocoder)
    built: list[Day] = []
    previous: Stop | None = None
    for date in sorted(days):
        day_shots = days[date]
        points = [Point(s.photo.lat, s.photo.lon, _sort_key(s.photo), s)  # type: ignore[arg-type]
                  for s in day_shots]
        clusters = cluster_points(points, settings.radius_m, settings.max_gap)
        stops: list[Stop] = []
        for cluster in clusters:
            stop = _stop(date, cluster, settings, names, previous)
            if nearby is not None and stop.kind == "stop":
                stop = stop._replace(nearby=tuple(nearby.around(stop.lat, stop.lon)))
            stops.append(stop)
            previous = stop
        built.append(Day(date, _day_zone(stops), numbered(stops),
                         tuple(s.photo for s in day_shots)))
    duplicates = tuple(s for s in shots if len(s.photos) > 1)
    built = list(label_days(built))  # "Kyoto (2)"; a stop inside an attraction is named by it
    return arrange(Itinerary(tuple(built), unlocated, undated, errors, skipped,
                             tuple(warnings), duplicates), trips or TripSettings(), names.name,
                   at_sea)


def _safe_key(photo: Photo) -> datetime:
    return _sort_key(photo) if photo.time_local is not None else datetime.min


def numbered(stops: Iterable[Stop]) -> tuple[Stop, ...]:
    """A day's stops and waypoints with their indexes: 1, 2, ... for the stops and,
    separately, for the waypoints, in time order."""
    counters = {"stop": 0, "waypoint": 0}
    out = []
    for stop in stops:
        counters[stop.kind] += 1
        out.append(stop._replace(index=counters[stop.kind]))
    return tuple(out)


def _stop(date: str, cluster: Cluster[Shot], settings: ClusterSettings,
          names: _Namer, previous: Stop | None) -> Stop:
    """The stop or waypoint a cluster makes (its index is set by :func:`numbered`)."""
    members = [m.item for m in cluster.members]
    kind = "stop" if len(members) >= settings.min_stop_photos else "waypoint"
    centre = cluster.medoid
    assert centre is not None
    first, last = members[0].photo, members[-1].photo
    leg = 0.0
    if previous is not None:
        leg = distance_km(previous.lat, previous.lon, centre.lat, centre.lon)
    return Stop(
        day=date, index=0, kind=kind,
        arrival=first.time_local, departure=last.time_local,  # type: ignore[arg-type]
        timezone=centre.item.photo.timezone, lat=centre.lat, lon=centre.lon,
        photos=tuple(p for shot in members for p in shot.photos),
        place=names.name(centre.lat, centre.lon), distance_km=leg,
        merged=sum(len(shot.photos) - 1 for shot in members),
    )


class _Namer:
    """One geocoder lookup per distinct ~10 m position."""

    def __init__(self, geocoder: Geocoder) -> None:
        self.geocoder = geocoder
        self.cache: dict[tuple[float, float], Place | None] = {}

    def name(self, lat: float, lon: float) -> Place | None:
        key = (round(lat, 4), round(lon, 4))
        if key not in self.cache:
            self.cache[key] = self.geocoder.reverse(lat, lon)
        return self.cache[key]


def _day_zone(stops: list[Stop]) -> str | None:
    """The zone a day is headed with: its first stop's (where the traveller was), not a
    waypoint's passed through on the way (a mid-ocean photo from a ferry)."""
    for stop in stops:
        if stop.kind == "stop" and stop.timezone:
            return stop.timezone
    return next((s.timezone for s in stops if s.timezone), None)
