"""``tripexif geotag``: per photo without a position of its own, the position tripexif gives
it and why, or why none; and writing those positions to XMP sidecars."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from tripexif.errors import TripexifError
from tripexif.model import Photo

WHY = {"track": "track", "stop": "stop", "photos": "photos", "user": "given by the user"}


class Geotag(NamedTuple):
    photo: Photo
    why: str  # how it was placed, or why it was not
    sidecar: str | None = None  # the sidecar written, with --write-xmp
    problem: str | None = None  # why the sidecar could not be written

    @property
    def clock_offset(self) -> str | None:
        """The offset the camera's clock was at ("+02:00"), when the file cannot tell it
        (an aligned clock, the user's rule): written with the position, or a re-read
        would take the camera's clock for the local time at the new position."""
        photo = self.photo
        wall, instant = photo.raw.datetime_original, photo.time_utc
        if not photo.placed or photo.time_source not in ("alignment", "user") or \
                wall is None or instant is None:
            return None
        minutes = round((wall - instant.replace(tzinfo=None)).total_seconds() / 60)
        if abs(minutes) > 14 * 60:
            return None
        sign = "+" if minutes >= 0 else "-"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def why(photo: Photo) -> str:
    if photo.placed:
        error = f" (±{photo.gps_error_m:,.0f} m)" if photo.gps_error_m is not None else ""
        return (photo.place_note or WHY.get(photo.gps_source or "", "")) + error
    return photo.place_note or "no position of its own, and nothing to place it by"


def geotags(photos: Sequence[Photo]) -> list[Geotag]:
    """The photos (and videos) read that have no position of their own, by path."""
    return [Geotag(p, why(p)) for p in sorted(photos, key=lambda p: p.path)
            if p.ok and (p.placed or not p.located)]


def _time(photo: Photo, offset: str | None) -> str | None:
    """The capture time as XMP writes it: the camera's own wall clock with its offset."""
    wall = photo.raw.datetime_original
    if offset is None or wall is None:
        return None
    return wall.isoformat(timespec="milliseconds" if wall.microsecond else "seconds") + offset


def write_sidecars(tags: Sequence[Geotag], warn: Callable[[str], None]) -> list[Geotag]:
    """Write each placed photo's position to its XMP sidecar; a sidecar that cannot be
    written is one warning, and the others are written all the same."""
    from tripexif.locate.xmp_sidecar import write_position

    out = []
    for tag in tags:
        photo = tag.photo
        if not photo.placed:
            out.append(tag)
            continue
        try:
            path, _ = write_position(photo.path, photo.lat, photo.lon,  # type: ignore[arg-type]
                                     _time(photo, tag.clock_offset))
        except TripexifError as exc:
            warn(str(exc))
            out.append(tag._replace(problem=str(exc)))
            continue
        out.append(tag._replace(sidecar=path))
    return out
