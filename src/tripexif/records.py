"""Plain, JSON-ready dicts for photo records, as the CLI contract names the fields."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tripexif.model import Photo

PHOTO_FIELDS = (
    "path", "lat", "lon", "alt", "time_local", "time_utc", "timezone", "time_source",
    "camera", "kind", "error",
)
EXTRA_FIELDS = ("time_flag", "gps_note", "skipped")


def text_path(path: str) -> str:
    """A file name as text: bytes that are not UTF-8 become ``\\xNN`` escapes (never a crash)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def iso(moment: datetime | None) -> str | None:
    """ISO 8601: with the local offset when aware, naive when floating; seconds precision
    unless the photo has sub-seconds."""
    if moment is None:
        return None
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec)


def iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    text = iso(moment.astimezone(timezone.utc))
    return text[:-6] + "Z" if text else None


def photo_record(photo: Photo) -> dict[str, Any]:
    record: dict[str, Any] = {
        "path": text_path(photo.path),
        "lat": _round(photo.lat),
        "lon": _round(photo.lon),
        "alt": None if photo.alt is None else round(photo.alt, 2),
        "time_local": iso(photo.time_local),
        "time_utc": iso_utc(photo.time_utc),
        "timezone": photo.timezone,
        "time_source": photo.time_source,
        "camera": photo.camera,
        "kind": photo.kind,
        "error": photo.error,
        "time_flag": photo.time_flag,
        "gps_note": photo.gps_note,
        "skipped": photo.skipped,
    }
    return record


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 8)
