"""GPS coordinates from EXIF rationals: signed decimal degrees, or a reason to reject them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

Rational = tuple[int, int]  # (numerator, denominator) exactly as stored


class BadGPS(ValueError):
    """The file has a GPS position, but it is impossible; the message says why."""


class EmptyFix(BadGPS):
    """The position is exactly 0°, 0°: a receiver that had no fix (its time is no fix's)."""


def _value(parts: Sequence[Rational], what: str) -> float:
    if not 1 <= len(parts) <= 3:
        raise BadGPS(f"GPS {what} has {len(parts)} parts instead of degrees, minutes, seconds")
    total = 0.0
    used = list(parts)
    while len(used) > 1 and tuple(used[-1]) == (0, 0):
        used.pop()  # trailing 0/0: fields the writer did not use (degrees + decimal minutes)
    for (num, den), scale in zip(used, (1.0, 60.0, 3600.0), strict=False):
        if den == 0:
            raise BadGPS(f"GPS {what} has a zero denominator")
        total += num / den / scale
    return total


def _ref(ref: str | None, allowed: str, what: str) -> str:
    cleaned = (ref or "").strip("\x00 ").upper()
    if not cleaned:
        raise BadGPS(f"GPS {what} reference ({'/'.join(allowed)}) is missing")
    if cleaned[0] not in allowed:
        raise BadGPS(f"GPS {what} reference {cleaned!r} is not {'/'.join(allowed)}")
    return cleaned[0]


def to_decimal(
    lat: Sequence[Rational], lat_ref: str | None, lon: Sequence[Rational], lon_ref: str | None
) -> tuple[float, float]:
    """Signed decimal degrees (WGS84) from DMS rationals and N/S/E/W references."""
    lat_value = abs(_value(lat, "latitude"))
    lon_value = abs(_value(lon, "longitude"))
    if _ref(lat_ref, "NS", "latitude") == "S":
        lat_value = -lat_value
    if _ref(lon_ref, "EW", "longitude") == "W":
        lon_value = -lon_value
    check(lat_value, lon_value)
    return lat_value, lon_value


def check(lat: float, lon: float) -> None:
    """Raise BadGPS for a position no photo can have been taken at."""
    if not (abs(lat) <= 90.0):  # also rejects NaN
        raise BadGPS(f"GPS latitude {lat:g} is beyond ±90°")
    if not (abs(lon) <= 180.0):
        raise BadGPS(f"GPS longitude {lon:g} is beyond ±180°")
    if lat == 0.0 and lon == 0.0:
        raise EmptyFix("GPS position is exactly 0°, 0° (an empty fix, not a real place)")


def altitude(value: Rational | None, ref: int | None) -> float | None:
    """Metres above sea level (negative below), or None when absent or unreadable."""
    if value is None or value[1] == 0:
        return None
    metres = value[0] / value[1]
    return -metres if ref == 1 else metres


def utc_stamp(date_stamp: str | None, time_parts: Sequence[Rational] | None) -> datetime | None:
    """GPSDateStamp + GPSTimeStamp as an aware UTC datetime, or None when absent or invalid."""
    if not date_stamp or not time_parts or len(time_parts) != 3:
        return None
    if any(den == 0 for _, den in time_parts):
        return None
    try:
        year, month, day = (int(p) for p in date_stamp.strip("\x00 ").replace("-", ":").split(":"))
        hours, minutes, seconds = (num / den for num, den in time_parts)
        whole = int(seconds)
        micro = round((seconds - whole) * 1_000_000)
        if micro >= 1_000_000:
            whole, micro = whole + 1, 0
        return datetime(year, month, day, int(hours), int(minutes), whole, micro, timezone.utc)
    except (ValueError, OverflowError):
        return None
