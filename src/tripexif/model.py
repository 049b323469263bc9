"""Immutable values that flow between the pipeline's stages.

NamedTuples, not frozen dataclasses: as typed and as immutable, but four times faster to
build, and defining them costs no compile() at start-up (a re-scan takes a quarter second)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple


class RawTimes(NamedTuple):
    """Time fields exactly as the file holds them, before any interpretation."""

    datetime_original: datetime | None = None  # naive wall clock (with SubSecTimeOriginal)
    offset_original: str | None = None  # OffsetTimeOriginal, e.g. "+09:00"
    gps_utc: datetime | None = None  # GPSDateStamp + GPSTimeStamp, aware UTC
    create_utc: datetime | None = None  # video container creation time, aware UTC
    # where datetime_original came from: "exif" | "xmp" | "iptc" | "sidecar" (None: none)
    time_field: str | None = None
    # where the photo's position came from: "exif" | "xmp" | "sidecar" (None: none)
    gps_field: str | None = None
    # when the time's own field has no offset: the offset of an XMP or IPTC time (or the
    # photo's, for a sidecar) that shows the same wall clock, e.g. "-04:00"
    offset_lent: str | None = None
    # the offset the camera's own zone setting puts its clock at (Canon, Nikon maker notes;
    # daylight saving included), e.g. "+02:00"
    camera_zone: str | None = None
    # the body's serial number (Exif BodySerialNumber, else the maker note's): two cameras
    # of one model are two clocks
    serial: str | None = None


class Photo(NamedTuple):
    """One file's record: where and when it was taken, or why we cannot say.

    A NamedTuple rather than a frozen dataclass: a library scan makes one per file, and a
    NamedTuple is built four times faster."""

    path: str
    kind: str = "photo"  # "photo" | "video"
    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    camera: str | None = None
    raw: RawTimes = RawTimes()
    # filled by the time stage
    time_local: datetime | None = None  # aware when the instant is known, else naive
    time_utc: datetime | None = None
    timezone: str | None = None
    time_source: str = "floating"
    time_flag: str | None = None  # "ambiguous" | "nonexistent" DST wall clock
    # problems
    gps_note: str | None = None  # why a GPS position present in the file was rejected
    skipped: str | None = None  # a file we do not read (format), with the reason
    error: str | None = None  # the file could not be read: the short human reason
    # filled by the placing stage for a photo whose file has no position: how it was placed,
    # "track" | "photos" | "stop" | "user" (None: the position is the file's own, see
    # raw.gps_field), and an honest estimate of the error in metres
    gps_source: str | None = None
    gps_error_m: float | None = None
    # how the placing stage placed a photo that has no position of its own, or why it
    # could not, in words
    place_note: str | None = None

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def placed(self) -> bool:
        """Located by tripexif (from a track, the other photos, a stop), not by its file."""
        return self.gps_source is not None

    @property
    def position_source(self) -> str | None:
        """Where the position came from: the file's field ("exif", "xmp", "sidecar") or how
        it was placed; None when the photo has none."""
        if not self.located:
            return None
        return self.gps_source or self.raw.gps_field or "exif"

    def with_time(self, local: datetime | None, utc: datetime | None, zone: str | None,
                  source: str, flag: str | None = None) -> Photo:
        """This record with its time fields set."""
        return Photo(self.path, self.kind, self.lat, self.lon, self.alt, self.camera, self.raw,
                     local, utc, zone, source, flag, self.gps_note, self.skipped, self.error,
                     self.gps_source, self.gps_error_m, self.place_note)

    def with_position(self, lat: float, lon: float, source: str,
                      error_m: float | None) -> Photo:
        """This record placed at (lat, lon) by ``source`` ("track", "photos", ...)."""
        return self._replace(lat=lat, lon=lon, gps_source=source, gps_error_m=error_m)

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None


class Place(NamedTuple):
    """A reverse-geocoded place name."""

    name: str  # town or landmark
    admin1: str | None = None
    country: str | None = None
    country_code: str | None = None
    distance_km: float | None = None  # from the query point to the place's centre
    # added for people's labels (geocode/offline.py, geocode/labels.py):
    district: str | None = None  # the section of the town the position is in ("Holborn")
    admin2: str | None = None  # the county, ward or province
    local_name: str | None = None  # the town's name in its country's language ("京都市")
    # "in" (in the town), "near" (distance_km from it, towards ``direction``), "sea"
    # (at sea off it), "landmark" (``name`` is an attraction in ``town``), "flight"
    kind: str = "in"
    direction: str | None = None  # compass point from the town to the position ("NE")
    town: str | None = None  # a landmark's town
    ordinal: int = 1  # 2, 3...: another spot of the same label in the day or trip

    @property
    def label(self) -> str:
        """The short name people recognise: "Holborn, London", "12 km NE of Waiyevo",
        "at sea, 12 km off Suva", "Kinkaku-ji, Kyoto", "Kyoto (2)"."""
        km = f"{max(1, round(self.distance_km or 0))} km"
        if self.kind == "near":
            text = (f"{km} {self.direction} of {self.name}" if self.direction
                    else f"{km} from {self.name}")
        elif self.kind == "sea":
            text = f"at sea, {km} off {self.name}"
        elif self.kind == "flight":
            text = self.name or "in flight"  # "in flight (Frankfurt am Main → Tokyo)"
        elif self.kind == "landmark":
            text = ", ".join(part for part in (self.name, self.town) if part)
        else:
            text = ", ".join(part for part in (self.district, self.name) if part)
        return f"{text} ({self.ordinal})" if self.ordinal > 1 else text

    @property
    def display(self) -> str:
        """The label with its region and country: "Holborn, London, England, United
        Kingdom" (a region named like the town is said once)."""
        parts = [self.label]
        for part in (self.admin1, self.country):
            if part and part not in (self.name, self.town, parts[-1]):
                parts.append(part)
        return ", ".join(parts)


class Stop(NamedTuple):
    """A place the traveller stayed (a stop) or passed through (a waypoint) on one local day."""

    day: str  # local date, YYYY-MM-DD
    index: int  # type: ignore[assignment]  # 1-based in the day (shadows tuple.index)
    kind: str  # "stop" | "waypoint"
    arrival: datetime  # first photo (aware, local; naive when floating)
    departure: datetime  # last photo
    timezone: str | None
    lat: float
    lon: float
    photos: tuple[Photo, ...]
    place: Place | None = None
    distance_km: float = 0.0  # from the previous stop or waypoint of the trip
    nearby: tuple[Any, ...] | None = None  # NearbyPlace values with --nearby, else None
    # files in ``photos`` that are another file's shot (a RAW+JPEG pair's second file, a
    # copy): listed, but not counted (see trip/shots.py)
    merged: int = 0

    @property
    def files(self) -> list[str]:
        return [p.path for p in self.photos]

    @property
    def shots(self) -> int:
        """Moments photographed here: a RAW+JPEG pair or a copy counts once."""
        return len(self.photos) - self.merged

    @property
    def placed(self) -> int:
        """Files here whose position tripexif worked out (no GPS of their own)."""
        return sum(1 for p in self.photos if p.placed)


class Day(NamedTuple):
    date: str
    timezone: str | None
    stops: tuple[Stop, ...]  # stops and waypoints in time order
    # every located shot of the day in time order: one photo a shot (the one that gives its
    # position and time; a RAW+JPEG pair's or a copy's other files are in its stop)
    track: tuple[Photo, ...]
    night: Night | None = None  # where the night after this day was spent, when known
    trip: str | None = None  # the id of the trip the day belongs to; None: a day at home

    @property
    def distance_km(self) -> float:
        return sum(s.distance_km for s in self.stops)


class Night(NamedTuple):
    """Where a night was spent, and why we think so."""

    lat: float
    lon: float
    place: Place | None
    # "evening and morning at the same place" | "returned to on N evenings" | ...
    evidence: str


class Leg(NamedTuple):
    """The travel from one stop or waypoint to the next within a trip."""

    start: Stop
    end: Stop
    distance_km: float
    seconds: float  # from the start's departure to the end's arrival
    mode: str  # "walk" | "ground" | "ferry" | "flight"
    evidence: str  # why this mode, e.g. "870 km/h over 9,400 km"
    # the line to draw, (lat, lon) points: a flight's great-circle arc (longitudes
    # unwrapped, so an arc across ±180° is continuous), else the two ends
    path: tuple[tuple[float, float], ...] = ()

    @property
    def speed_kmh(self) -> float | None:
        return self.distance_km / (self.seconds / 3600) if self.seconds > 0 else None


class Home(NamedTuple):
    lat: float
    lon: float
    place: Place | None
    how: str  # "--home" | "most nights: 212 of 300" | ...


class Trip(NamedTuple):
    """A run of days away from home (the whole library when there is no home)."""

    id: str  # stable and short, e.g. "2024-04-03"
    title: str  # "Japan: Tokyo, Kyoto, Nara, Osaka"
    days: tuple[Day, ...]
    legs: tuple[Leg, ...] = ()
    countries: tuple[str, ...] = ()

    @property
    def start(self) -> str:
        return self.days[0].date

    @property
    def end(self) -> str:
        return self.days[-1].date

    @property
    def stops(self) -> list[Stop]:
        return [s for d in self.days for s in d.stops]

    @property
    def distance_km(self) -> float:
        return sum(d.distance_km for d in self.days)

    @property
    def nights(self) -> int:
        return sum(1 for d in self.days[:-1] if d.night is not None)

    @property
    def photo_count(self) -> int:
        return sum(len(s.photos) for s in self.stops)

    def distance_by_mode(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for leg in self.legs:
            totals[leg.mode] = totals.get(leg.mode, 0.0) + leg.distance_km
        return totals


class Itinerary(NamedTuple):
    days: tuple[Day, ...]
    unlocated: tuple[Photo, ...] = ()
    undated: tuple[Photo, ...] = ()  # located, but with no capture time at all
    errors: tuple[Photo, ...] = ()
    skipped: tuple[Photo, ...] = ()
    warnings: tuple[str, ...] = ()
    # the shots of more than one file, each file still listed where it belongs
    duplicates: tuple[Shot, ...] = ()
    # the days split into trips away from home (one trip when there is no home); ``days``
    # holds every day, home days (``day.trip is None``) included
    trips: tuple[Trip, ...] = ()
    home: Home | None = None

    @property
    def stops(self) -> list[Stop]:
        return [s for d in self.days for s in d.stops]

    @property
    def photo_count(self) -> int:
        """Files: every photo and video, duplicates included."""
        located = sum(len(s.photos) for s in self.stops) + len(self.undated)
        return located + len(self.unlocated) + len(self.errors) + len(self.skipped)

    @property
    def located_count(self) -> int:
        """Located shots (a RAW+JPEG pair or a copy counts once)."""
        return sum(len(d.track) for d in self.days) + self._shots(self.undated)

    @property
    def unlocated_count(self) -> int:
        """Shots without a position."""
        return self._shots(self.unlocated)

    @property
    def shot_count(self) -> int:
        """Shots among the files read: located and not."""
        return self.located_count + self.unlocated_count

    def _shots(self, photos: tuple[Photo, ...]) -> int:
        if not self.duplicates:
            return len(photos)
        seconds = {p.path for shot in self.duplicates for p in shot.photos[1:]}
        return sum(1 for p in photos if p.path not in seconds)


class Shot(NamedTuple):
    """One moment: one photo, or the files that are one shot (a RAW file and the JPEG or
    HEIC the camera wrote with it; copies of one photo). ``photos[0]`` gives the shot's
    position and time."""

    photos: tuple[Photo, ...]
    why: str | None = None  # "raw+jpeg" | "copy" | "raw+jpeg+copy"; None for one file

    @property
    def photo(self) -> Photo:
        return self.photos[0]

    @property
    def files(self) -> list[str]:
        return [p.path for p in self.photos]
