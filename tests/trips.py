"""Generated trips for itinerary tests: real files with EXIF written by tripexif.synth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import synth


@dataclass(frozen=True)
class Shot:
    """A photo taken at ``local`` wall time in ``zone`` at (lat, lon), by a device."""

    name: str
    local: datetime  # the true local wall time at the place
    zone: str
    lat: float | None
    lon: float | None
    device: str = "phone"  # phone: OffsetTimeOriginal; camera: clock in camera_zone + GPS UTC
    camera_zone: str | None = None
    gps_stamp: bool = True
    alt: float | None = None  # metres above sea level (phone photos)

    @property
    def instant(self) -> datetime:
        return self.local.replace(tzinfo=ZoneInfo(self.zone)).astimezone(timezone.utc)


def write(folder: Path, shots: list[Shot]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, shot in enumerate(shots):
        aware = shot.local.replace(tzinfo=ZoneInfo(shot.zone))
        if shot.device == "phone":
            offset = aware.utcoffset() or timedelta(0)
            minutes = int(offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            exif = synth.Exif(
                make="Apple", model="iPhone 15", datetime_original=shot.local,
                offset_original=f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
                lat=shot.lat, lon=shot.lon, alt=shot.alt,
                gps_utc=shot.instant if shot.lat is not None else None,
            )
        elif shot.device == "camera":
            clock = shot.instant.astimezone(ZoneInfo(shot.camera_zone or "UTC"))
            exif = synth.Exif(
                make="FUJIFILM", model="X-T5", datetime_original=clock.replace(tzinfo=None),
                lat=shot.lat, lon=shot.lon,
                gps_utc=shot.instant if shot.gps_stamp and shot.lat is not None else None,
            )
        else:  # "plain": a camera with only its (correct, local) wall clock and GPS position
            exif = synth.Exif(make="Canon", model="Canon EOS R6", datetime_original=shot.local,
                              lat=shot.lat, lon=shot.lon)
        (folder / shot.name).write_bytes(synth.jpeg_bytes(exif, seed=i, size=(16, 16)))
    return folder
