"""Position, time and camera of phone and camera videos (QuickTime / MP4 / 3GP atoms).

ExifRead reads no video at all; phones put the position in ``udta/©xyz`` or in the
``com.apple.quicktime.location.ISO6709`` metadata key, as an ISO 6709 string.
"""

from __future__ import annotations

import re
import struct
from datetime import datetime, timedelta, timezone
from typing import BinaryIO

from tripexif.model import RawTimes
from tripexif.reading import gps
from tripexif.reading.containers import boxes, find_box, read_at
from tripexif.reading.exif import Metadata, parse_datetime, parse_offset

_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")
_EPOCH_1904 = datetime(1904, 1, 1, tzinfo=timezone.utc)
_UNIX_EPOCH_1904 = 2_082_844_800  # 1970-01-01 in seconds since 1904 (66 years, 17 leap days)
_LOCAL_WITH_OFFSET = re.compile(r"^(.{19})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?")


def read_video(fh: BinaryIO, size: int) -> Metadata:
    moov = find_box(fh, 0, size, b"moov")
    if moov is None:
        return Metadata()
    found: dict[str, str] = {}
    create_utc = None
    for box_type, start, end in boxes(fh, *moov):
        if box_type == b"mvhd":
            create_utc = _mvhd_time(read_at(fh, start, min(end - start, 32), end))
        elif box_type == b"udta":
            _udta(fh, start, end, found)
        elif box_type == b"meta":
            _meta(fh, start, end, found)
    lat = lon = alt = None
    note = None
    location = found.get("location")
    if location:
        try:
            lat, lon, alt = parse_iso6709(location)
        except gps.BadGPS as exc:
            note = str(exc)
    local, offset = None, None
    stamp = found.get("creationdate")
    if stamp:
        match = _LOCAL_WITH_OFFSET.match(stamp.strip())
        if match:
            local = parse_datetime(match.group(1))
            offset = parse_offset((match.group(2) or "").replace("Z", "+00:00"))
    camera = " ".join(p for p in (found.get("make"), found.get("model")) if p) or None
    raw = RawTimes(datetime_original=local, offset_original=offset, create_utc=create_utc)
    return Metadata(lat, lon, alt, note, camera, raw)


def parse_iso6709(text: str) -> tuple[float, float, float | None]:
    """"+32.0929+034.8620+028.516/" -> (32.0929, 34.862, 28.516); BadGPS when impossible."""
    match = _ISO6709.match(text.strip())
    if not match:
        raise gps.BadGPS(f"video location {text!r} is not an ISO 6709 position")
    lat, lon = float(match.group(1)), float(match.group(2))
    gps.check(lat, lon)
    return lat, lon, float(match.group(3)) if match.group(3) else None


def _mvhd_time(data: bytes) -> datetime | None:
    if len(data) < 12:
        return None
    if data[0] == 1:  # version 1: 64-bit times
        seconds = struct.unpack(">Q", data[4:12])[0]
    else:
        seconds = struct.unpack(">I", data[4:8])[0]
    if seconds == 0:  # unset
        return None
    if seconds < _UNIX_EPOCH_1904:
        # before 1970 in QuickTime's 1904 epoch: a writer that counted from 1970 instead
        # (ExifTool patches it the same way): 0x489CD95F is 2008, not 1942
        seconds += _UNIX_EPOCH_1904
    try:
        return _EPOCH_1904 + timedelta(seconds=seconds)
    except OverflowError:
        return None


_UDTA_KEYS = {b"\xa9xyz": "location", b"\xa9mak": "make", b"\xa9mod": "model",
              b"\xa9day": "creationdate"}


def _udta(fh: BinaryIO, start: int, end: int, found: dict[str, str]) -> None:
    for box_type, begin, stop in boxes(fh, start, end):
        key = _UDTA_KEYS.get(box_type)
        if key and key not in found and 4 < stop - begin < 4096:
            data = read_at(fh, begin, stop - begin, stop)
            length = struct.unpack(">H", data[:2])[0]
            found[key] = data[4 : 4 + length].decode("utf-8", "replace")
        elif box_type == b"meta":
            _meta(fh, begin, stop, found)
        elif box_type == b"date" and "creationdate" not in found and stop - begin < 64:
            found["creationdate"] = read_at(fh, begin, stop - begin, stop).decode("latin-1")
        elif box_type == b"loci" and "location" not in found and stop - begin < 4096:
            location = _loci(read_at(fh, begin, stop - begin, stop))
            if location:
                found["location"] = location


def _loci(data: bytes) -> str | None:
    """3GPP location box: name, role, then 16.16 fixed-point longitude, latitude, altitude.

    The fixed-point resolution is 1/65536 degree, so the values are rounded to 5 decimals
    (as ExifTool prints them) instead of showing digits the file does not hold."""
    name_end = data.find(b"\x00", 6)
    if name_end < 0 or len(data) < name_end + 14:
        return None
    lon, lat, alt = struct.unpack(">iii", data[name_end + 2 : name_end + 14])
    return f"{lat / 65536:+.5f}{lon / 65536:+.5f}{alt / 65536:+.2f}/"


_MDTA_KEYS = {
    "com.apple.quicktime.location.ISO6709": "location",
    "com.apple.quicktime.make": "make",
    "com.apple.quicktime.model": "model",
    "com.apple.quicktime.creationdate": "creationdate",
}


def _meta(fh: BinaryIO, start: int, end: int, found: dict[str, str]) -> None:
    if read_at(fh, start, 4, end) == b"\x00\x00\x00\x00":  # MP4 style: a full box
        start += 4
    keys: list[str] = []
    for box_type, begin, stop in boxes(fh, start, end):
        if box_type == b"keys" and stop - begin < 65536:
            data = read_at(fh, begin, stop - begin, stop)
            at = 8
            while at + 8 <= len(data):
                size = struct.unpack(">I", data[at : at + 4])[0]
                if size < 8:
                    break
                keys.append(data[at + 8 : at + size].decode("utf-8", "replace"))
                at += size
        elif box_type == b"ilst" and keys:
            for item, item_start, item_end in boxes(fh, begin, stop):
                index = int.from_bytes(item, "big") - 1
                name = _MDTA_KEYS.get(keys[index]) if 0 <= index < len(keys) else None
                if name is None or name in found:
                    continue
                data_box = find_box(fh, item_start, item_end, b"data")
                if data_box and data_box[1] - data_box[0] < 4096:
                    value = read_at(fh, data_box[0], data_box[1] - data_box[0], data_box[1])
                    found[name] = value[8:].decode("utf-8", "replace")
