"""The merged track: every fix of every track file, sorted by instant in numpy arrays, and
the position at any instant (great-circle interpolation between the fixes around it).

Looking up 10,000 instants in 1,000,000 fixes is one ``searchsorted`` and a few vector
operations: milliseconds (see benchmarks/bench_place.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from tripexif.locate import GPS_ERROR_M, PlacementSettings
from tripexif.locate.tracks import Fix
from tripexif.trip.geo import EARTH_RADIUS_KM

Floats = npt.NDArray[np.float64]
WALK_M_S = 1.5  # how far a traveller may have gone from a fix, per second, on foot

# why a lookup found no position (Located.why)
PLACED, NO_FIX, GAP, JUMP = 0, 1, 2, 3
# how a position was found (Located.how)
BETWEEN, FIX_BEFORE, FIX_AFTER = 0, 1, 2


class Located(NamedTuple):
    """Positions for instants, array per field; ``why`` is PLACED or the reason none was
    found, with ``before``/``after`` the seconds to the fixes around (NaN: none)."""

    lat: Floats
    lon: Floats
    error_m: Floats
    why: npt.NDArray[np.int8]
    before: Floats
    after: Floats
    span_km: Floats  # the distance between the fixes around (a jump's)
    how: npt.NDArray[np.int8]  # placed: BETWEEN the fixes around, or the FIX_BEFORE/AFTER


class Track:
    """Fixes sorted by instant; at one instant, the later-listed fix is kept."""

    def __init__(self, times: Floats, lats: Floats, lons: Floats) -> None:
        order = np.argsort(times, kind="stable")
        self.times = np.ascontiguousarray(times[order])
        self.lats = np.ascontiguousarray(lats[order])
        self.lons = np.ascontiguousarray(lons[order])

    @classmethod
    def of(cls, fixes: Iterable[Fix]) -> Track:
        array = np.array(list(fixes), dtype=np.float64).reshape(-1, 3)
        return cls(array[:, 0], array[:, 1], array[:, 2])

    @classmethod
    def merged(cls, tracks: Sequence[Sequence[Fix]]) -> Track:
        return cls.of(fix for track in tracks for fix in track)

    def __len__(self) -> int:
        return int(self.times.size)

    def locate(self, instants: Floats, settings: PlacementSettings) -> Located:
        """The position at each instant (UTC seconds): between the two fixes around it when
        they are at most ``max_interpolation`` apart and no faster apart than
        ``max_speed_kmh``; else the nearer fix when within ``max_extrapolation``."""
        t = np.asarray(instants, dtype=np.float64)
        n = len(self)
        out_lat = np.full(t.shape, np.nan)
        out_lon = np.full(t.shape, np.nan)
        error = np.full(t.shape, np.nan)
        why = np.full(t.shape, NO_FIX, dtype=np.int8)
        if n == 0:
            nan = np.full(t.shape, np.nan)
            return Located(out_lat, out_lon, error, why, nan, nan.copy(), nan.copy(),
                           np.zeros(t.shape, dtype=np.int8))
        after_i = np.searchsorted(self.times, t, side="left")
        before_i = np.where(
            (after_i < n) & (self.times[np.minimum(after_i, n - 1)] == t), after_i, after_i - 1)
        has_before = before_i >= 0
        has_after = after_i < n
        b = np.clip(before_i, 0, n - 1)
        a = np.clip(after_i, 0, n - 1)
        to_before = np.where(has_before, t - self.times[b], np.nan)
        to_after = np.where(has_after, self.times[a] - t, np.nan)
        span = distance_m(self.lats[b], self.lons[b], self.lats[a], self.lons[a])
        gap = self.times[a] - self.times[b]
        limit = settings.max_interpolation.total_seconds()
        jump = (span > settings.jump_km * 1000.0) & (
            span > settings.max_speed_kmh / 3.6 * np.maximum(gap, 1e-9))
        between = has_before & has_after
        inside = between & (gap <= limit) & ~jump
        fraction = np.where(gap > 0, to_before / np.where(gap > 0, gap, 1.0), 0.0)
        lat, lon = slerp(self.lats[b], self.lons[b], self.lats[a], self.lons[a],
                         np.where(inside, fraction, 0.0))
        out_lat[inside], out_lon[inside] = lat[inside], lon[inside]
        error[inside] = np.maximum(GPS_ERROR_M, np.minimum(fraction, 1 - fraction)[inside]
                                   * span[inside])
        why[inside] = PLACED
        # beside a gap, a jump or the track's ends: the nearer fix, if near enough in time
        reach = settings.max_extrapolation.total_seconds()
        near_b = ~inside & has_before & (to_before <= reach)
        near_a = ~inside & has_after & (to_after <= reach)
        take_a = near_a & (~near_b | (to_after < to_before))
        take_b = near_b & ~take_a
        speed = np.where(jump, np.minimum(span / np.maximum(gap, 1.0), 300.0), WALK_M_S)
        how = np.full(t.shape, BETWEEN, dtype=np.int8)
        for take, index, seconds, code in ((take_b, b, to_before, FIX_BEFORE),
                                           (take_a, a, to_after, FIX_AFTER)):
            out_lat[take], out_lon[take] = self.lats[index][take], self.lons[index][take]
            error[take] = GPS_ERROR_M + seconds[take] * speed[take]
            why[take] = PLACED
            how[take] = code
        left = why != PLACED
        why[left & between & jump] = JUMP
        why[left & between & ~jump & (gap > limit)] = GAP
        return Located(out_lat, out_lon, error, why, to_before, to_after,
                       np.where(between, span / 1000.0, np.nan), how)

    def stays(self, radius_m: float = 200.0, min_seconds: float = 300.0,
              step_seconds: float = 60.0) -> list[tuple[float, float, float, float]]:
        """Where the track stood still: (start, end, lat, lon) of each run of fixes within
        ``radius_m`` of its first for at least ``min_seconds`` (the track thinned to one
        fix a ``step_seconds`` first: a day is a few hundred fixes)."""
        if not len(self):
            return []
        keep = np.concatenate(([True], np.diff(np.floor(self.times / step_seconds)) > 0))
        times, lats, lons = self.times[keep], self.lats[keep], self.lons[keep]
        out = []
        start = 0
        for i in range(1, times.size + 1):
            moved = i == times.size or (
                distance_m(lats[start], lons[start], lats[i], lons[i]) > radius_m
                or times[i] - times[i - 1] > 3600.0)
            if moved:
                if times[i - 1] - times[start] >= min_seconds:
                    out.append((float(times[start]), float(times[i - 1]),
                                float(lats[start]), float(lons[start])))
                start = i
        return out


def track_how(found: Located, n: int) -> str:
    """How the ``n``-th position was found, in words."""
    from tripexif.locate.photos import duration_text

    before, after = float(found.before[n]), float(found.after[n])
    if found.how[n] == FIX_BEFORE:
        return f"the track's fix {duration_text(before)} before"
    if found.how[n] == FIX_AFTER:
        return f"the track's fix {duration_text(after)} after"
    if before == 0:
        return "a track fix at that instant"
    return f"between track fixes {duration_text(before + after)} apart"


def distance_m(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike,
               lon2: npt.ArrayLike) -> Floats:
    """Haversine distance in metres, element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * 1000.0 * np.arcsin(np.minimum(1.0, np.sqrt(h))),
                      dtype=np.float64)


def slerp(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats,
          fraction: Floats) -> tuple[Floats, Floats]:
    """The point ``fraction`` of the way along the great circle from 1 to 2 (across the
    antimeridian too)."""
    def unit(lat: Floats, lon: Floats) -> Floats:
        la, lo = np.radians(lat), np.radians(lon)
        return np.stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))

    p, q = unit(lat1, lon1), unit(lat2, lon2)
    omega = np.arccos(np.clip((p * q).sum(axis=0), -1.0, 1.0))
    sin_omega = np.sin(omega)
    small = sin_omega < 1e-12
    safe = np.where(small, 1.0, sin_omega)
    f = np.asarray(fraction, dtype=np.float64)
    wa = np.where(small, 1.0 - f, np.sin((1.0 - f) * omega) / safe)
    wb = np.where(small, f, np.sin(f * omega) / safe)
    x, y, z = wa * p + wb * q
    return (np.degrees(np.arctan2(z, np.hypot(x, y))).astype(np.float64),
            np.degrees(np.arctan2(y, x)).astype(np.float64))
