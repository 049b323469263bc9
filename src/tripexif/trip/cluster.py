"""Group one day's located photos, in time order, into clusters at one place.

A photo joins the current cluster when it is within ``radius`` of the cluster's medoid, no more
than ``max_gap`` after the previous photo, and the cluster's diameter stays within 2 × radius.
A photo that fits nowhere but is followed by photos that fit the current cluster again is a GPS
glitch: it stays in the cluster (its file is listed) without moving the cluster's position.
Consecutive clusters at the same place (medoids within ``radius``, gap within ``max_gap``) are
merged afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from tripexif.trip.geo import EARTH_RADIUS_KM, distance_km

T = TypeVar("T")
GLITCH_LOOKAHEAD = 2  # this many consecutive stray fixes are treated as glitches
MEDOID_SAMPLE = 64  # medoid candidates checked in a large cluster


class Point(Generic[T]):
    """A photo's position and time; ``time`` is the instant when known, else the wall clock
    (only order and gaps matter)."""

    __slots__ = ("lat", "lon", "time", "item")

    def __init__(self, lat: float, lon: float, time: datetime, item: T) -> None:
        self.lat, self.lon, self.time, self.item = lat, lon, time, item


class Cluster(Generic[T]):
    """Photos at one place. ``points`` shape it; ``glitches`` are stray fixes kept inside it;
    ``members`` are all of them in input order; ``reach_m`` is the farthest point from the
    medoid."""

    __slots__ = ("points", "glitches", "members", "medoid", "reach_m")

    def __init__(self) -> None:
        self.points: list[Point[T]] = []
        self.glitches: list[Point[T]] = []
        self.members: list[Point[T]] = []
        self.medoid: Point[T] | None = None
        self.reach_m = 0.0

    @property
    def first(self) -> Point[T]:
        return self.members[0]

    @property
    def last(self) -> Point[T]:
        return self.members[-1]

    def add(self, point: Point[T]) -> None:
        self.points.append(point)
        self.members.append(point)
        size = len(self.points)
        if self.medoid is None or size & (size - 1) == 0:  # at sizes 1, 2, 4, 8, ...
            self._recentre()
        else:
            self.reach_m = max(self.reach_m, metres(self.medoid, point))

    def _recentre(self) -> None:
        pts = self.points
        step = max(1, len(pts) // MEDOID_SAMPLE)
        # a cluster spans a few hundred metres: compare in a local plane (degrees of latitude,
        # longitude scaled by cos(lat)); the scale is the same for all, so the argmin is too
        lat0, lon0 = pts[0].lat, pts[0].lon
        scale = math.cos(math.radians(lat0))
        xs = [((p.lon - lon0 + 540.0) % 360.0 - 180.0) * scale for p in pts]  # date line safe
        ys = [p.lat - lat0 for p in pts]
        hypot = math.hypot
        best, best_total = pts[0], math.inf
        for i in range(0, len(pts), step):
            cx, cy = xs[i], ys[i]
            total = sum(map(hypot, [x - cx for x in xs], [y - cy for y in ys]))
            if total < best_total:
                best, best_total = pts[i], total
        self.medoid = best
        self.reach_m = max(metres(best, p) for p in pts)


def metres(a: Point[Any], b: Point[Any]) -> float:
    """Distance in metres; an equirectangular approximation for the short distances inside a
    cluster (exact enough below a few km), haversine beyond."""
    dlon = (b.lon - a.lon + 540.0) % 360.0 - 180.0  # across the antimeridian too
    mean_lat = math.radians((a.lat + b.lat) / 2)
    x = math.radians(dlon) * math.cos(mean_lat)
    y = math.radians(b.lat - a.lat)
    approx = EARTH_RADIUS_KM * 1000.0 * math.hypot(x, y)
    if approx < 5000.0:
        return approx
    return distance_km(a.lat, a.lon, b.lat, b.lon) * 1000.0


def _fits(cluster: Cluster[Any], point: Point[Any], radius_m: float,
          max_gap: timedelta) -> bool:
    if point.time - cluster.last.time > max_gap:
        return False
    assert cluster.medoid is not None
    to_medoid = metres(cluster.medoid, point)
    if to_medoid > radius_m:
        return False
    if to_medoid + cluster.reach_m <= 2 * radius_m:  # triangle inequality: diameter is fine
        return True
    return all(metres(point, other) <= 2 * radius_m for other in cluster.points)


def cluster_points(
    points: Sequence[Point[T]], radius_m: float, max_gap: timedelta
) -> list[Cluster[T]]:
    """Clusters of one day's points (already in time order)."""
    clusters: list[Cluster[T]] = []
    i = 0
    while i < len(points):
        point = points[i]
        current = clusters[-1] if clusters else None
        if current is not None and _fits(current, point, radius_m, max_gap):
            current.add(point)
            i += 1
            continue
        if current is not None:
            back = _glitch_run(points, i, current, radius_m, max_gap)
            if back:
                current.glitches.extend(points[i : i + back])
                current.members.extend(points[i : i + back])
                i += back
                continue
        fresh: Cluster[T] = Cluster()
        fresh.add(point)
        clusters.append(fresh)
        i += 1
    for cluster in clusters:  # while growing, the medoid was only refreshed at sizes 2^k
        cluster._recentre()
    return _merge_same_place(clusters, radius_m, max_gap)


def _glitch_run(points: Sequence[Point[Any]], i: int, current: Cluster[Any], radius_m: float,
                max_gap: timedelta) -> int:
    """How many points from ``i`` are stray fixes, judged by the cluster resuming right after."""
    for run in range(1, GLITCH_LOOKAHEAD + 1):
        if i + run >= len(points):
            return 0
        nxt = points[i + run]
        if nxt.time - current.last.time > max_gap:
            return 0
        if _fits(current, nxt, radius_m, max_gap):
            return run
    return 0


def _merge_same_place(clusters: list[Cluster[T]], radius_m: float,
                      max_gap: timedelta) -> list[Cluster[T]]:
    merged: list[Cluster[T]] = []
    for cluster in clusters:
        previous = merged[-1] if merged else None
        if (previous is not None and previous.medoid and cluster.medoid
                and metres(previous.medoid, cluster.medoid) <= radius_m
                and cluster.first.time - previous.last.time <= max_gap
                and _together_within(previous, cluster, 2 * radius_m)):
            previous.glitches.extend(cluster.glitches)
            previous.points.extend(cluster.points)
            previous.members.extend(cluster.members)
            previous._recentre()
            continue
        merged.append(cluster)
    return merged


def _together_within(a: Cluster[Any], b: Cluster[Any], diameter_m: float) -> bool:
    """Whether the points of ``a`` and ``b`` together stay within ``diameter_m`` across (a
    merge must keep the limit that growing a cluster keeps)."""
    assert a.medoid is not None and b.medoid is not None
    if a.reach_m + metres(a.medoid, b.medoid) + b.reach_m <= diameter_m:
        return True  # triangle inequality: no pair can be farther apart
    return all(metres(p, q) <= diameter_m for p in a.points for q in b.points)
