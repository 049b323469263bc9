"""The true instant and the local time of every photo, and which rule decided it.

Rules, first match wins (``time_source``):
1. ``user``: the user's --camera-tz / --clock-offset for this camera;
2. ``offset_tag``: the capture time's offset (OffsetTimeOriginal, or the offset of the XMP,
   IPTC or sidecar time it came from), else the offset an XMP or IPTC time showing the same
   wall clock lends (``RawTimes.offset_lent``);
3. ``camera_zone``: the camera's own zone setting (Canon and Nikon maker notes, daylight
   saving included; ``RawTimes.camera_zone``) for its EXIF DateTimeOriginal;
4. ``gps_utc``: the GPS UTC stamp: DateTimeOriginal − GPS UTC, rounded to 15 minutes, is the
   camera's offset when it is a real zone offset; otherwise the clock is wrong and the GPS
   instant is taken (also when the file has a GPS stamp and no DateTimeOriginal);
5. ``camera_profile``: the clock offset rules 2–4 found for the same camera body within ±24 h
   (an offset no zone has is lent only when two photos show it). A body is its make and
   model, and its serial number when the photo has one (``RawTimes.serial``): two travellers'
   cameras of one model are two clocks;
6. ``zone_from_location``: the wall clock read in the zone at the photo's position;
7. ``alignment``: a camera body with no GPS and no zone in its files, whose clock offset
   clock/align.py works out from the other devices' stops or a track (after this module,
   when the photos are placed: see tripexif.locate); it overrules a --default-tz guess;
8. ``user`` with --default-tz, else ``floating`` (no instant; never the machine's zone).
Videos without a local time use their container's UTC creation time (``video_utc``).
The local time is always the instant in the zone at the photo's position when it has one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import NamedTuple

from tripexif.clock.zones import REAL_OFFSETS_MIN, format_offset, get_zone, localise, parse_offset
from tripexif.model import Photo

PROFILE_WINDOW = timedelta(hours=24)
PROFILE_AGREEMENT = timedelta(minutes=1)  # two photos showing one odd clock offset
STALE_GPS = "stale_gps_time"  # time_flag: the GPS stamp was an old fix; the clock was used
QUARTER_HOUR = 15 * 60

ZoneLookup = Callable[[float, float], "str | None"]


class TimeSettings:
    """The user's time options. Keys are camera names as `photos` prints them, or ``*``."""

    def __init__(self, camera_tz: dict[str, str] | None = None,
                 clock_offset: dict[str, timedelta] | None = None,
                 default_tz: str | None = None) -> None:
        self.camera_tz = dict(camera_tz or {})
        self.clock_offset = dict(clock_offset or {})
        self.default_tz = default_tz
        self._tables = ({k.casefold(): v for k, v in self.camera_tz.items()},
                        {k.casefold(): v for k, v in self.clock_offset.items()})

    def rule_for(self, camera: str | None) -> tuple[str | None, timedelta | None]:
        """The user's zone and clock offset for this camera (an exact name before ``*``)."""
        if not self.camera_tz and not self.clock_offset:
            return None, None
        zones, offsets = self._tables
        wanted = (camera or "").casefold()
        zone = zones.get(wanted) if wanted and wanted != "*" else None
        offset = offsets.get(wanted) if wanted and wanted != "*" else None
        return (zone if zone is not None else zones.get("*"),
                offset if offset is not None else offsets.get("*"))

    def unmatched(self, cameras: Iterable[str | None]) -> list[str]:
        """The cameras named in the rules (not ``*``) that none of ``cameras`` is."""
        seen = {c.casefold() for c in cameras if c}
        named = [*self.camera_tz, *self.clock_offset]
        return sorted({c for c in named if c != "*" and c.casefold() not in seen})


class _Fix(NamedTuple):
    """What rules 1–3 found for a photo: its instant and the camera clock's offset from UTC."""

    instant: datetime
    source: str
    clock: timedelta | None  # wall clock − UTC, as the camera was set
    zone: tzinfo | None = None  # zone to show the time in when the photo has no position


def resolve(
    photos: Sequence[Photo], settings: TimeSettings, zone_at: ZoneLookup
) -> tuple[list[Photo], list[str]]:
    """Fill time_local/time_utc/timezone/time_source on every photo; return warnings too."""
    zone_names = [
        zone_at(p.lat, p.lon) if p.located else None  # type: ignore[arg-type]
        for p in photos
    ]
    fixes: list[_Fix | None] = [_explicit(p, settings) for p in photos]
    labels = _labels(photos)
    profiles = _profiles(photos, fixes, zone_names)
    default_zone = get_zone(settings.default_tz) if settings.default_tz else None
    out = []
    stale: dict[str, int] = defaultdict(int)
    for photo, fix, zone_name in zip(photos, fixes, zone_names, strict=True):
        clock_instead = _stale_gps(photo, fix, profiles)
        if clock_instead is None:
            out.append(_finish(photo, fix, profiles, default_zone, zone_name))
            continue
        done = _finish(photo, clock_instead, profiles, default_zone, zone_name)
        out.append(done._replace(time_flag=STALE_GPS))
        stale[labels.get(_body(photo) or "", photo.camera or "")] += 1
    warnings = _clock_warnings(photos, fixes, out, labels)
    for camera, count in sorted(stale.items()):
        warnings.append(f"{camera}: {count} photo{'s' if count > 1 else ''} had a stale GPS time "
                        "(an old fix); the camera's clock, right on its other photos, was used")
    return out, warnings


def _stale_gps(photo: Photo, fix: _Fix | None, profiles: dict[str, _Profile]) -> _Fix | None:
    """A GPS stamp far from the camera's clock by no zone's offset, while the camera's other
    photos show its clock right (set to a zone): the stamp is an old fix, not the time. The
    camera's clock decides instead (a real Nexus 4: clock 2013-01-20 18:54, GPS 27 h older)."""
    if fix is None or fix.source != "gps_utc" or fix.clock is None or _zone_offset(fix.clock):
        return None
    clock = _from_profile(photo, profiles)  # an odd offset other photos confirm is its own
    if clock is None or clock.clock is None or not _zone_offset(clock.clock):
        return None
    return clock


def _explicit(photo: Photo, settings: TimeSettings) -> _Fix | None:
    """Rules 1–3, which need nothing but the photo itself."""
    raw = photo.raw
    wall = raw.datetime_original
    zone_name, clock = settings.rule_for(photo.camera)
    if wall is not None and clock is not None:
        instant = (wall + clock).replace(tzinfo=timezone.utc)
        return _Fix(instant, "user", -clock)
    if wall is not None and zone_name:
        zone = get_zone(zone_name)
        aware, _ = localise(wall, zone)
        return _Fix(aware.astimezone(timezone.utc), "user", aware.utcoffset(), zone)
    given = raw.offset_original or raw.offset_lent
    if wall is not None and given:
        offset, fixed = _offset(given)
        instant = (wall - offset).replace(tzinfo=timezone.utc)
        return _Fix(instant, "offset_tag", offset, fixed)
    if wall is not None and raw.camera_zone and raw.time_field == "exif":
        # the setting is the camera's: it tells the clock of the time the camera wrote, not
        # of a time another program or a sidecar gave
        offset, fixed = _offset(raw.camera_zone)
        if _zone_offset(offset):
            instant = (wall - offset).replace(tzinfo=timezone.utc)
            return _Fix(instant, "camera_zone", offset, fixed)
    if wall is not None and raw.gps_utc is not None:
        diff = wall.replace(tzinfo=timezone.utc) - raw.gps_utc
        quarters = round(diff.total_seconds() / QUARTER_HOUR)
        if quarters * 15 in REAL_OFFSETS_MIN:
            offset, fixed = _quarters(quarters)
            instant = (wall - offset).replace(tzinfo=timezone.utc)
            return _Fix(instant, "gps_utc", offset, fixed)
        # no zone is that far from UTC: the camera clock is wrong, the GPS clock is not
        return _Fix(raw.gps_utc, "gps_utc", diff)
    if wall is None and raw.gps_utc is not None:  # a GPS fix's own time, no camera clock
        return _Fix(raw.gps_utc, "gps_utc", None)
    if raw.create_utc is not None and wall is None:
        return _Fix(raw.create_utc, "video_utc", None)
    return None


@lru_cache(maxsize=256)
def _offset(text: str) -> tuple[timedelta, tzinfo]:
    """"+09:00" -> the offset and a fixed zone for it (a library has only a few)."""
    offset = parse_offset(text)
    return offset, timezone(offset)


@lru_cache(maxsize=256)
def _quarters(quarters: int) -> tuple[timedelta, tzinfo]:
    offset = timedelta(minutes=quarters * 15)
    return offset, timezone(offset)


_Profile = tuple[list[datetime], list[tuple[timedelta, tzinfo | None]]]


def _body(photo: Photo) -> str | None:
    """The key of one camera body: make and model, with the serial number when there is one
    (the user's rules match the camera name alone)."""
    if not photo.camera:
        return None
    serial = photo.raw.serial
    return f"{photo.camera}\x00{serial}" if serial else photo.camera


body = _body  # public: the clock stages after this one (clock/align.py) key on it too


def _labels(photos: Sequence[Photo]) -> dict[str, str]:
    """{body: how warnings name it}: the camera name, with "serial …" only when photos of
    another body of the same name are there too."""
    bodies: dict[str, set[str]] = defaultdict(set)
    for photo in photos:
        body = _body(photo)
        if body is not None:
            bodies[photo.camera].add(body)  # type: ignore[index]
    labels = {}
    for camera, keys in bodies.items():
        for body in keys:
            serial = body.partition("\x00")[2]
            labels[body] = f"{camera} (serial {serial})" if serial and len(keys) > 1 else camera
    return labels


body_labels = _labels


def _profiles(
    photos: Sequence[Photo], fixes: Sequence[_Fix | None], zone_names: Sequence[str | None]
) -> dict[str, _Profile]:
    """Per camera body: the wall-clock times at which rules 1–4 established its clock offset,
    with the zone the camera was in then (to show the times of its photos that have no GPS)."""
    points: dict[str, list[tuple[datetime, timedelta, tzinfo | None]]] = defaultdict(list)
    for photo, fix, zone_name in zip(photos, fixes, zone_names, strict=True):
        wall = photo.raw.datetime_original
        body = _body(photo)
        if fix is None or fix.clock is None or wall is None or body is None:
            continue
        zone = get_zone(zone_name) if zone_name else fix.zone
        points[body].append((wall, fix.clock, zone))
    profiles = {}
    for camera, rows in points.items():
        rows = [r for r in rows if _zone_offset(r[1]) or _confirmed(r[1], rows)]
        rows.sort(key=lambda r: r[0])
        if rows:
            profiles[camera] = ([r[0] for r in rows], [(r[1], r[2]) for r in rows])
    return profiles


def _zone_offset(clock: timedelta) -> bool:
    """Whether a clock offset is one a camera set to some zone would show."""
    seconds = clock.total_seconds()
    return seconds % QUARTER_HOUR == 0 and seconds / 60 in REAL_OFFSETS_MIN


def _confirmed(clock: timedelta, rows: Sequence[tuple[datetime, timedelta, tzinfo | None]],
               ) -> bool:
    """An odd clock offset (no zone's: a clock days or years off) is lent to the camera's
    other photos only when a second photo of it shows the same offset (within a minute): one
    photo alone may carry another device's GPS block (a real file: 14.6 years)."""
    return sum(1 for row in rows if abs(row[1] - clock) <= PROFILE_AGREEMENT) >= 2


def _from_profile(photo: Photo, profiles: dict[str, _Profile]) -> _Fix | None:
    wall = photo.raw.datetime_original
    body = _body(photo)
    if wall is None or body is None or body not in profiles:
        return None
    walls, values = profiles[body]
    at = bisect.bisect_left(walls, wall)
    best = None
    for index in (at - 1, at):
        if 0 <= index < len(walls):
            gap = abs(walls[index] - wall)
            if gap <= PROFILE_WINDOW and (best is None or gap < best[0]):
                best = (gap, index)
    if best is None:
        return None
    clock, zone = values[best[1]]
    return _Fix((wall - clock).replace(tzinfo=timezone.utc), "camera_profile", clock, zone)


def _finish(
    photo: Photo,
    fix: _Fix | None,
    profiles: dict[str, _Profile],
    default_zone: tzinfo | None,
    zone_name: str | None,
) -> Photo:
    zone = get_zone(zone_name) if zone_name else None
    if fix is None:
        fix = _from_profile(photo, profiles)
    wall = photo.raw.datetime_original
    if fix is None and wall is not None and (zone or default_zone):
        source = "zone_from_location" if zone else "user"
        aware, flag = localise(wall, zone or default_zone)  # type: ignore[arg-type]
        return photo.with_time(aware, aware.astimezone(timezone.utc),
                               _shown_zone(zone_name) or _name(default_zone), source, flag)
    if fix is None:
        return photo.with_time(wall, None, None, "floating")
    show: tzinfo
    name: str | None
    if zone is not None and fix.zone is not None and _at_sea(zone_name):
        # an ocean zone knows nothing of the traveller's clock; the photo's own offset
        # decides its local time and day (off Fiji at +12:00, never Etc/GMT+12's -12:00)
        show, name = fix.zone, _offset_name(fix.zone)
    elif zone is not None:
        show, name = zone, _shown_zone(zone_name)
    elif fix.zone is not None:
        show, name = fix.zone, _name(fix.zone)
    elif default_zone is not None:
        show, name = default_zone, _name(default_zone)
    elif not photo.located:
        # the instant is known (a video's UTC creation time, a GPS stamp) but not where it
        # was: its local time is unknown, not UTC's
        return photo.with_time(None, fix.instant, None, fix.source)
    else:
        show, name = timezone.utc, "UTC"
    return photo.with_time(fix.instant.astimezone(show), fix.instant, name, fix.source)


def at_position(photo: Photo, zone_name: str | None) -> Photo:
    """A photo placed at a position by tripexif (tripexif.locate): its local time is its
    instant in the zone there, as for a photo with GPS of its own (at sea, its own offset
    decides when it has one)."""
    if photo.time_utc is None or zone_name is None:
        return photo
    own = photo.time_local.tzinfo if photo.time_local is not None else None
    if _at_sea(zone_name) and own is not None:
        return photo.with_time(photo.time_utc.astimezone(own), photo.time_utc,
                               _offset_name(own), photo.time_source, photo.time_flag)
    zone = get_zone(zone_name)
    return photo.with_time(photo.time_utc.astimezone(zone), photo.time_utc,
                           _shown_zone(zone_name), photo.time_source, photo.time_flag)


def _at_sea(zone_name: str | None) -> bool:
    """timezonefinder's zones for the open ocean: Etc/GMT+12 ... Etc/GMT-12."""
    return zone_name is not None and zone_name.startswith("Etc/GMT")


def _shown_zone(zone_name: str | None) -> str | None:
    """A zone's name as shown: its IANA name, but an ocean zone as UTC±hh:mm (Etc/GMT+12
    is UTC-12:00: POSIX signs are inverted, and nobody reads them right)."""
    if not _at_sea(zone_name):
        return zone_name
    return _offset_name(get_zone(zone_name))  # type: ignore[arg-type]


def _offset_name(zone: tzinfo) -> str:
    """A fixed zone's name in the data: "UTC+12:00", "UTC-12:00"."""
    return format_offset(zone.utcoffset(None) or timedelta(0), minus="-")


def _name(zone: tzinfo | None) -> str | None:
    """The IANA name of a zone; None for a bare UTC offset."""
    return getattr(zone, "key", None)


def _clock_warnings(
    photos: Sequence[Photo], fixes: Sequence[_Fix | None], resolved: Sequence[Photo],
    labels: dict[str, str],
) -> list[str]:
    """One warning per camera body whose clock was set consistently off from the local zone."""
    seen: dict[str, set[timedelta]] = defaultdict(set)
    off: dict[str, set[timedelta]] = defaultdict(set)
    for photo, fix, done in zip(photos, fixes, resolved, strict=True):
        body = _body(photo)
        if fix is None or fix.clock is None or body is None or done.time_local is None:
            continue
        if fix.source not in ("offset_tag", "camera_zone", "gps_utc") or done.timezone is None:
            continue
        local = done.time_local.utcoffset()
        seen[body].add(fix.clock)
        if local is not None and abs(fix.clock - local) > timedelta(minutes=1):
            off[body].add(fix.clock)
    warnings = []
    for camera, clocks in sorted((labels[body], clocks) for body, clocks in off.items()
                                 if clocks == seen[body]):
        # (a body right at times is left out: not a clock left on another zone)
        zoned = sorted(c for c in clocks if int(c.total_seconds()) % QUARTER_HOUR == 0)
        if zoned:
            shown = " / ".join(format_offset(c) for c in zoned)
            warnings.append(f"{camera} clock appears set to {shown}; "
                            "times were corrected to the local zone")
        else:
            worst = max(clocks, key=abs)
            warnings.append(f"{camera} clock was off by {format_offset(worst)[3:]} from "
                            "its GPS time; the GPS time was used")
    return warnings
