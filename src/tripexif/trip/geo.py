"""Great-circle geometry on the WGS84 sphere approximation."""

from __future__ import annotations

import math
from collections.abc import Sequence

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance; correct across the antimeridian and near the poles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


Vector = tuple[float, float, float]


def _unit(lat: float, lon: float) -> Vector:
    la, lo = math.radians(lat), math.radians(lon)
    return math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)


def _angle(p: Vector, q: Vector) -> float:
    return math.acos(max(-1.0, min(1.0, sum(a * b for a, b in zip(p, q, strict=True)))))


def _between(p: Vector, q: Vector, omega: float, fraction: float) -> tuple[float, float]:
    if math.sin(omega) < 1e-12:
        wa, wb = 1.0 - fraction, fraction
    else:
        wa = math.sin((1.0 - fraction) * omega) / math.sin(omega)
        wb = math.sin(fraction * omega) / math.sin(omega)
    x, y, z = (wa * a + wb * b for a, b in zip(p, q, strict=True))
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def on_great_circle(lat1: float, lon1: float, lat2: float, lon2: float,
                    fraction: float) -> tuple[float, float]:
    """The point ``fraction`` of the way from 1 to 2 on the great circle (one point: no
    numpy, which a re-scan does not otherwise load; locate/track.py's ``slerp`` is the
    vector form)."""
    p, q = _unit(lat1, lon1), _unit(lat2, lon2)
    return _between(p, q, _angle(p, q), fraction)


def great_circle(lat1: float, lon1: float, lat2: float, lon2: float,
                 parts: int) -> list[tuple[float, float]]:
    """``parts + 1`` points along the great circle from 1 to 2, both ends included,
    longitudes continuous from ``lon1`` (an arc from Sydney to Los Angeles runs east past
    180, so they may leave [-180, 180]). The same point twice, or two antipodes (no one
    arc), give just the two ends."""
    p, q = _unit(lat1, lon1), _unit(lat2, lon2)
    omega = _angle(p, q)
    if omega < 1e-9 or abs(omega - math.pi) < 1e-9:
        return [(lat1, lon1), (lat2, unwrap([lon1, lon2])[1])]
    points = [_between(p, q, omega, k / parts) for k in range(parts + 1)]
    lons = unwrap([lon1] + [lon for _, lon in points[1:]])
    return [(lat, lon) for (lat, _), lon in zip(points, lons, strict=True)]


def unwrap(lons: Sequence[float]) -> list[float]:
    """Longitudes made continuous: each within 180° of the one before (179, -179 → 179,
    181), so a line across the date line is short and a map fits it in one view."""
    out: list[float] = []
    for lon in lons:
        if out:
            while lon - out[-1] > 180.0:
                lon -= 360.0
            while lon - out[-1] < -180.0:
                lon += 360.0
        out.append(lon)
    return out
