"""The other devices' located photos as the track (issue 13, section 2).

A photo whose file has no position but whose instant is known is placed by the photos
that have one (any device, their own GPS only: nothing is placed from a placed photo):

- inside a stop's time span, from ``stop_margin`` before its first located photo to
  ``stop_margin`` after its last, it joins that stop (its position is the stop's centre,
  the error the stop's reach) — in the margin only when no located photo elsewhere is
  nearer in time;
- between two located photos less than ``max_interpolation`` apart that the traveller
  could have gone between without flying, on the great circle between them;
- otherwise it is not placed, and says why. Nothing is carried across a longer gap, nor
  across a local day.

Stops here are the located photos clustered per local day as trip/itinerary.py clusters
them, so a photo that joins one lands in it when the itinerary is built."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from tripexif.locate import GPS_ERROR_M, PlacementSettings
from tripexif.model import Photo
from tripexif.trip.cluster import Point, cluster_points
from tripexif.trip.geo import distance_km, on_great_circle


class Span(NamedTuple):
    """A stop of the located photos: its first and last instants (UTC seconds), centre,
    reach (metres), local day and zone, and how many photos made it."""

    start: float
    end: float
    lat: float
    lon: float
    reach_m: float
    day: str
    zone: tzinfo | None
    photos: int


class Placed(NamedTuple):
    lat: float
    lon: float
    source: str  # "stop" | "photos"
    error_m: float
    how: str  # in words: "during the stop 09:00–09:40 of 5 located photos"


def seconds(moment: datetime) -> float:
    return moment.timestamp()


def local_day(instant: float, zone: tzinfo | None) -> str | None:
    if zone is None:
        return None
    return datetime.fromtimestamp(instant, zone).date().isoformat()


def duration_text(seconds_: float) -> str:
    """4500 -> "1 h 15 min"; 600 -> "10 min"; 40 -> "40 s"."""
    whole = int(round(abs(seconds_)))
    if whole < 60:
        return f"{whole} s"
    hours, minutes = divmod(whole // 60, 60)
    if hours >= 48:
        return f"{hours // 24} days"
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" + (f" {minutes} min" if minutes else "")


class Reference:
    """The located photos with an instant, in time order, and their stops."""

    def __init__(self, photos: Sequence[Photo], radius_m: float = 200.0,
                 max_gap: timedelta = timedelta(hours=2)) -> None:
        usable = sorted((p for p in photos if p.ok and p.located and not p.placed
                         and p.time_utc is not None and p.time_local is not None),
                        key=lambda p: (p.time_utc, p.path))
        self.photos = usable
        self.times = [seconds(p.time_utc) for p in usable]  # type: ignore[arg-type]
        found: list[tuple[Span, list[int]]] = []
        by_day: dict[str, list[int]] = {}
        for i, photo in enumerate(usable):
            by_day.setdefault(photo.time_local.date().isoformat(), []).append(i)  # type: ignore[union-attr]
        for day in sorted(by_day):
            points = [Point(usable[i].lat, usable[i].lon,  # type: ignore[arg-type]
                            usable[i].time_utc, i) for i in by_day[day]]  # type: ignore[arg-type]
            for cluster in cluster_points(points, radius_m, max_gap):
                members = [m.item for m in cluster.members]
                centre = cluster.medoid
                assert centre is not None
                found.append((Span(
                    self.times[members[0]], self.times[members[-1]], centre.lat, centre.lon,
                    cluster.reach_m, day, usable[centre.item].time_local.tzinfo,  # type: ignore[union-attr]
                    len(members)), members))
        found.sort(key=lambda pair: pair[0].start)
        self.spans = [span for span, _ in found]
        self.span_of = [-1] * len(usable)  # photo -> the index of its span
        for number, (_, members) in enumerate(found):
            for i in members:
                self.span_of[i] = number
        self._starts = [s.start for s in self.spans]

    def __len__(self) -> int:
        return len(self.photos)

    def place(self, instant: float, settings: PlacementSettings,
              min_stop_photos: int = 2) -> Placed | str:
        """Where a photo taken at ``instant`` was, or why that cannot be said."""
        if not self.photos:
            return "no photo with a GPS position to place it by"
        joined = self._stop(instant, settings, min_stop_photos)
        if joined is not None:
            return joined
        return self._between(instant, settings)

    def _nearest(self, instant: float) -> int:
        at = bisect.bisect_left(self.times, instant)
        around = [i for i in (at - 1, at) if 0 <= i < len(self.times)]
        return min(around, key=lambda i: abs(self.times[i] - instant))

    def _stop(self, instant: float, settings: PlacementSettings,
              min_stop_photos: int) -> Placed | None:
        margin = settings.stop_margin.total_seconds()
        at = bisect.bisect_right(self._starts, instant + margin)
        best: tuple[float, int] | None = None
        for number in range(max(0, at - 8), at):
            span = self.spans[number]
            if span.photos < min_stop_photos or not (
                    span.start - margin <= instant <= span.end + margin):
                continue
            outside = max(span.start - instant, instant - span.end, 0.0)
            if best is None or outside < best[0]:
                best = (outside, number)
        if best is None:
            return None
        outside, number = best
        span = self.spans[number]
        if local_day(instant, span.zone) != span.day:
            return None  # never across a local day
        if outside > 0 and self.span_of[self._nearest(instant)] != number:
            return None  # in the margin, and a located photo elsewhere is nearer in time
        start, end = (datetime.fromtimestamp(s, span.zone) for s in (span.start, span.end))
        return Placed(span.lat, span.lon, "stop", max(GPS_ERROR_M, span.reach_m),
                      f"during the stop {start:%H:%M}–{end:%H:%M} of {span.photos} located "
                      "photos" + (f", {duration_text(outside)} outside it" if outside else ""))

    def _between(self, instant: float, settings: PlacementSettings) -> Placed | str:
        limit = settings.max_interpolation.total_seconds()
        at = bisect.bisect_left(self.times, instant)
        if at < len(self.times) and self.times[at] == instant:
            photo = self.photos[at]
            return Placed(photo.lat, photo.lon, "photos", GPS_ERROR_M,  # type: ignore[arg-type]
                          "at the same instant as a located photo")
        before = at - 1 if at > 0 else None
        after = at if at < len(self.times) else None
        gaps = [abs(self.times[i] - instant) for i in (before, after) if i is not None]
        nearest = min(gaps)
        if nearest > limit:
            return (f"no located photo within {duration_text(limit)} "
                    f"(the nearest is {duration_text(nearest)} away)")
        if after is None:
            return (f"{duration_text(nearest)} after the last located photo, and none after "
                    "it to place it between")
        if before is None:
            return (f"{duration_text(nearest)} before the first located photo, and none "
                    "before it to place it between")
        gap = self.times[after] - self.times[before]
        if gap > limit:
            return (f"between located photos {duration_text(gap)} apart (more than "
                    f"--max-interpolation {duration_text(limit)}): it may have been "
                    "taken anywhere between them")
        first, last = self.photos[before], self.photos[after]
        zone = first.time_local.tzinfo  # type: ignore[union-attr]
        if not (first.time_local.date() == last.time_local.date()  # type: ignore[union-attr]
                and local_day(instant, zone) == first.time_local.date().isoformat()):  # type: ignore[union-attr]
            return "the located photos around it are on another local day"
        span = 1000.0 * distance_km(first.lat, first.lon, last.lat, last.lon)  # type: ignore[arg-type]
        if span > settings.jump_km * 1000 and span > settings.max_speed_kmh / 3.6 * max(gap, 1):
            return (f"the located photos around it are {span / 1000:.0f} km apart in "
                    f"{duration_text(gap)} (a flight?): not placed between them")
        fraction = (instant - self.times[before]) / gap if gap > 0 else 0.0
        lat, lon = on_great_circle(first.lat, first.lon, last.lat, last.lon,  # type: ignore[arg-type]
                                   fraction)
        error = max(GPS_ERROR_M, min(fraction, 1 - fraction) * span)
        return Placed(lat, lon, "photos", error,
                      f"between located photos {duration_text(gap)} and {span / 1000:.1f} km "
                      "apart")

