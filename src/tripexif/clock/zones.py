"""Time zones: the IANA zone at a position (offline), and wall-clock localisation with DST flags."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tripexif.errors import ConfigError

# every UTC offset a zone has used in modern times (minutes); a camera clock set to a
# zone's time differs from UTC by one of these
_REAL_OFFSETS = [
    "-12:00",
    "-11:00",
    "-10:00",
    "-09:30",
    "-09:00",
    "-08:00",
    "-07:00",
    "-06:00",
    "-05:00",
    "-04:00",
    "-03:30",
    "-03:00",
    "-02:30",
    "-02:00",
    "-01:00",
    "+00:00",
    "+01:00",
    "+02:00",
    "+03:00",
    "+03:30",
    "+04:00",
    "+04:30",
    "+05:00",
    "+05:30",
    "+05:45",
    "+06:00",
    "+06:30",
    "+07:00",
    "+08:00",
    "+08:45",
    "+09:00",
    "+09:30",
    "+10:00",
    "+10:30",
    "+11:00",
    "+12:00",
    "+12:45",
    "+13:00",
    "+13:45",
    "+14:00",
]
REAL_OFFSETS_MIN = frozenset(
    (-1 if o[0] == "-" else 1) * (int(o[1:3]) * 60 + int(o[4:6])) for o in _REAL_OFFSETS
)


def get_zone(name: str) -> ZoneInfo:
    """An IANA zone by name; ConfigError naming the problem when it does not exist."""
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"unknown time zone {name!r} (use an IANA name like Europe/Paris)"
        ) from exc


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _known(name: str) -> bool:
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def timezone_finder() -> Any:
    """timezonefinder's finder, loaded once a process (it is the slow part): the time
    stage's and the place names' border checks share it."""
    from timezonefinder import TimezoneFinder

    return TimezoneFinder(in_memory=True)


class ZoneFinder:
    """The IANA zone name at a position, from timezonefinder's offline polygons.

    timezonefinder loads lazily (it is the slow part). Answers are kept per ~100 m cell, and
    with an index they persist between runs, so a re-scan needs no polygon lookup at all."""

    def __init__(self, index: Any = None) -> None:
        self._index = index
        self._cache: dict[str, str | None] = index.zones() if index is not None else {}
        self._new: dict[str, str | None] = {}
        # a stored name no zoneinfo knows (a damaged row, a zone since removed) is dropped
        # and looked up again: it must never reach get_zone, which blames the user
        bad = {name for name in set(self._cache.values()) if name is not None
               and not _known(name)}
        if bad:
            cells = [cell for cell, name in self._cache.items() if name in bad]
            for cell in cells:
                del self._cache[cell]
            index.forget_zones(cells)

    def name_at(self, lat: float, lon: float) -> str | None:
        key = f"{round(lat * 1000)},{round(lon * 1000)}"
        if key not in self._cache:
            self._cache[key] = self._new[key] = timezone_finder().timezone_at(lng=lon, lat=lat)
        return self._cache[key]

    def save(self) -> None:
        """Keep the new answers in the index."""
        if self._index is not None and self._new:
            self._index.store_zones(self._new)
            self._new = {}


def parse_offset(text: str) -> timedelta:
    """ "+05:30" / "-04:00:00" -> timedelta; ValueError when malformed."""
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    parts = text.lstrip("+-").split(":")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not an offset like +HH:MM[:SS]: {text!r}")
    hours, minutes, seconds = (int(p) for p in parts + ["0"] * (3 - len(parts)))
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"not an offset like +HH:MM[:SS]: {text!r}")
    return sign * timedelta(hours=hours, minutes=minutes, seconds=seconds)


def localise(wall: datetime, zone: tzinfo) -> tuple[datetime, str | None]:
    """Attach ``zone`` to a naive wall-clock time.

    Returns the aware time and a flag: "ambiguous" (the hour repeated when DST ends; the first
    occurrence is taken) or "nonexistent" (skipped when DST starts; moved forward by the gap)."""
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, None
    # the two folds differ: either a repeated hour or a gap
    roundtrip = first.astimezone(timezone.utc).astimezone(zone)
    if roundtrip.replace(tzinfo=None) == wall:
        return first, "ambiguous"
    return roundtrip, "nonexistent"


def format_offset(offset: timedelta, minus: str = "−") -> str:
    """"UTC+09:00", "UTC−03:30" (a typographic minus for people; data passes minus="-")."""
    total = int(offset.total_seconds())
    sign = "+" if total >= 0 else minus
    total = abs(total)
    text = f"UTC{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"
    return text + (f":{total % 60:02d}" if total % 60 else "")
