"""Immutable values that flow between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RawTimes:
    """Time fields exactly as the file holds them, before any interpretation."""

    datetime_original: datetime | None = None  # naive wall clock (with SubSecTimeOriginal)
    offset_original: str | None = None  # OffsetTimeOriginal, e.g. "+09:00"
    gps_utc: datetime | None = None  # GPSDateStamp + GPSTimeStamp, aware UTC
    create_utc: datetime | None = None  # video container creation time, aware UTC


@dataclass(frozen=True, slots=True)
class Photo:
    """One file's record: where and when it was taken, or why we cannot say."""

    path: str
    kind: str = "photo"  # "photo" | "video"
    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    camera: str | None = None
    raw: RawTimes = field(default_factory=RawTimes)
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

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None


@dataclass(frozen=True, slots=True)
class Place:
    """A reverse-geocoded place name."""

    name: str  # town or landmark
    admin1: str | None = None
    country: str | None = None
    country_code: str | None = None
    distance_km: float | None = None  # from the query point to the place's centre

    @property
    def display(self) -> str:
        return ", ".join(part for part in (self.name, self.admin1, self.country) if part)
