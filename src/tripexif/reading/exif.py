"""Read the tags tripexif needs from TIFF blocks with exifread, and turn them into values.

The capture time and position come from EXIF first; XMP (``xmp.py``) and IPTC (``iptc.py``)
fill what EXIF lacks, and are parsed only then (see ``metadata``)."""

from __future__ import annotations

import io
import logging
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO

from exifread.core.exif_header import ExifHeader
from exifread.tags.exif import EXIF_TAGS, GPS_TAGS

from tripexif.errors import MetadataError
from tripexif.model import RawTimes
from tripexif.reading import gps, makernotes
from tripexif.reading.containers import MAX_XMP, Container, TiffBlock

if TYPE_CHECKING:
    from tripexif.reading.xmp import Stamp

# exifread logs every oddity of a damaged file at WARNING; we report problems ourselves
logging.getLogger("exifread").addHandler(logging.NullHandler())
logging.getLogger("exifread").propagate = False

# EXIF text is ASCII: \d must not match other scripts' digits (re.ASCII), nor str.isdigit
# accept "²" (which int() then refuses)
_DATETIME = re.compile(
    r"^\s*(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?",
    re.ASCII,
)
_OFFSET = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})\s*$", re.ASCII)
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class Metadata:
    """What one file's EXIF says, converted but not yet interpreted."""

    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    gps_note: str | None = None
    camera: str | None = None
    raw: RawTimes = RawTimes()


# keys of ``read_tags`` that are no exifread tag: the raw XMP packet and Photoshop resources
XMP_KEY = "XMP packet"
IPTC_KEY = "IPTC resources"
XMP_TAG = 0x02BC  # TIFF XMLPacket
MAKER_KEY = "Maker note"  # key of ``read_tags``: the maker note's zone and serial (MakerInfo)


def read_tags(container: Container, fh: BinaryIO) -> dict[str, Any]:
    """All tags of a file's TIFF blocks, keyed as exifread names them ("GPS GPSLatitude"),
    with the file's XMP packet (``XMP_KEY``) and IPTC resources (``IPTC_KEY``) as bytes."""
    tags: dict[str, Any] = {}
    if container.xmp is not None:
        tags[XMP_KEY] = container.xmp
    if container.iptc is not None:
        tags[IPTC_KEY] = container.iptc
    try:
        if container.tiff_in_file:
            tags.update(_process(fh))
        for block in container.blocks:
            if block.role == "tiff":
                tags.update(_process(io.BytesIO(block.data)))
            else:
                tags.update(_lone_ifd(block))
    except MetadataError:
        raise
    except RecursionError as exc:
        raise MetadataError("EXIF directories point at each other in a loop") from exc
    except MemoryError as exc:
        raise MetadataError("EXIF data claims an impossible size") from exc
    except Exception as exc:  # exifread raises anything on damaged data
        raise MetadataError(f"unreadable EXIF ({type(exc).__name__})") from exc
    return tags


# the only tags tripexif uses, per IFD; exifread decodes these and skips the rest unread
WANTED = {
    # Make, Model, the Exif and GPS pointers, DateTimeOriginal (some writers put it here),
    # and XMLPacket (TIFF and DNG keep their XMP there)
    "Image": frozenset({0x010F, 0x0110, 0x8769, 0x8825, 0x9003, XMP_TAG}),
    # DateTimeOriginal, OffsetTime-, SubSecTime-, the MakerNote (Canon and Nikon only: see
    # _maker_note) and BodySerialNumber
    "EXIF": frozenset({0x9003, 0x9011, 0x9291, makernotes.MAKER_NOTE, 0xA431}),
    "GPS": frozenset({0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x001D}),
}
MAX_ENTRIES = 4096  # an IFD claiming more entries is corrupt


class _Header(ExifHeader):
    """exifread's EXIF decoder, asked only for the tags in WANTED.

    A camera JPEG has ~70 tags in four IFDs (plus the thumbnail IFD); decoding all of them
    costs exifread ~1 ms, decoding the dozen we need a fifth of that."""

    xmp: bytes | None = None  # IFD0's XMLPacket, read as raw bytes
    maker: makernotes.MakerInfo | None = None  # what the maker note says (Canon, Nikon)

    def dump_ifd(self, ifd: int, ifd_name: str, tag_dict: Any = None, relative: int = 0,
                 stop_tag: str = "UNDEF") -> None:
        wanted = WANTED.get(ifd_name)
        if wanted is None or not isinstance(ifd, int):  # a pointer tag of the wrong type
            return
        table = tag_dict if tag_dict is not None else EXIF_TAGS
        count = self.s2n(ifd, 2)
        if count > MAX_ENTRIES:
            raise MetadataError(f"EXIF directory claims {count} entries")
        self.file_handle.seek(self.offset + ifd + 2)
        raw = self.file_handle.read(12 * count)
        fmt = "<H" if self.endian == "I" else ">H"
        for i in range(len(raw) // 12):
            tag = struct.unpack_from(fmt, raw, 12 * i)[0]
            if tag == XMP_TAG and ifd_name == "Image":
                self._xmp_packet(ifd + 2 + 12 * i)
            elif tag in wanted:
                entry = ifd + 2 + 12 * i
                if tag == makernotes.MAKER_NOTE:
                    self._maker_note(entry)
                    continue
                tag_entry = table.get(tag)
                name = tag_entry[0] if tag_entry else f"Tag 0x{tag:04X}"
                self._process_tag(ifd, ifd_name, tag_entry, entry, tag, name,  # type: ignore[arg-type]
                                  bool(relative), stop_tag)

    def _maker_note(self, entry: int) -> None:
        """Read the zone and serial of a Canon or Nikon maker note (IFD0's Make, read
        before the Exif IFD, says whose it is); other makes' maker notes are not touched."""
        maker = makernotes.maker_of(_text(self.tags, "Image Make"))
        if maker is None or self.maker is not None:
            return
        count, at = self.s2n(entry + 4, 4), self.s2n(entry + 8, 4)
        if count <= 4:
            return
        handle, base = self.file_handle, self.offset

        def read_at(offset: int, size: int) -> bytes:
            handle.seek(base + offset)
            data: bytes = handle.read(size)
            return data

        self.maker = makernotes.read(maker, read_at, self.endian, at, count)

    def _xmp_packet(self, entry: int) -> None:
        """Keep an XMLPacket entry's bytes (BYTE or UNDEFINED; at most MAX_XMP)."""
        if self.xmp is not None:
            return
        field_type, count = self.s2n(entry + 2, 2), self.s2n(entry + 4, 4)
        if field_type not in (1, 2, 7) or not 0 < count <= MAX_XMP:
            return
        at = self.s2n(entry + 8, 4) if count > 4 else entry + 8
        self.file_handle.seek(self.offset + at)
        data = self.file_handle.read(count)
        if len(data) == count:
            self.xmp = data


def _process(fh: BinaryIO) -> dict[str, Any]:
    """The wanted tags of a TIFF structure starting at the handle's offset 0."""
    fh.seek(0)
    endian = fh.read(1).decode("latin-1")
    header = _Header(fh, endian, 0, 0, False, detailed=False)
    header.dump_ifd(header.s2n(4, 4), "Image")
    pointer = header.tags.get("Image ExifOffset")
    if pointer is not None and pointer.values:
        header.dump_ifd(pointer.values[0], "EXIF")
    tags: dict[str, Any] = header.tags
    if header.xmp is not None:
        tags[XMP_KEY] = header.xmp
    if header.maker is not None:
        tags[MAKER_KEY] = header.maker
    return tags


def _lone_ifd(block: TiffBlock) -> dict[str, Any]:
    """A TIFF block whose first IFD is an Exif or GPS IFD (Canon CR3's CMT2/CMT4 boxes)."""
    header = _Header(io.BytesIO(block.data), chr(block.data[0]), 0, 0, False, detailed=False)
    name, table = ("GPS", GPS_TAGS) if block.role == "gps" else ("EXIF", EXIF_TAGS)
    header.dump_ifd(ifd=header.s2n(4, 4), ifd_name=name, tag_dict=table)
    return header.tags


def metadata(tags: dict[str, Any]) -> Metadata:
    """Convert exifread's tags into positions, camera and raw time fields.

    EXIF decides when it has a value. When it has no DateTimeOriginal, the first XMP time
    (see ``xmp.TIME_PROPERTIES``), else the IPTC one, is the capture time (``time_field``
    says which); when the time has no offset of its own, an XMP or IPTC time showing the
    same wall clock lends its offset (``offset_lent``); when EXIF has no valid position,
    the XMP one is taken (``gps_field``). The XMP packet and the IPTC resources are parsed
    only in these cases."""
    lat = lon = None
    note = None
    empty_fix = False
    if "GPS GPSLatitude" in tags or "GPS GPSLongitude" in tags:
        try:
            lat, lon = gps.to_decimal(
                _rationals(tags, "GPS GPSLatitude", "latitude"),
                _text(tags, "GPS GPSLatitudeRef"),
                _rationals(tags, "GPS GPSLongitude", "longitude"),
                _text(tags, "GPS GPSLongitudeRef"),
            )
        except gps.BadGPS as exc:
            note = str(exc)
            empty_fix = isinstance(exc, gps.EmptyFix)
    alt_values = _raw_rationals(tags, "GPS GPSAltitude")
    alt_ref = _ints(tags, "GPS GPSAltitudeRef")
    alt = None
    if lat is not None and alt_values:
        alt = gps.altitude(alt_values[0], alt_ref[0] if alt_ref else None)
    wall = parse_datetime(
        _text(tags, "EXIF DateTimeOriginal") or _text(tags, "Image DateTimeOriginal"),
        _text(tags, "EXIF SubSecTimeOriginal"),
    )
    offset = parse_offset(_text(tags, "EXIF OffsetTimeOriginal"))
    time_field = "exif" if wall is not None else None
    gps_field = "exif" if lat is not None else None
    lent = None
    maker: makernotes.MakerInfo | None = tags.get(MAKER_KEY)
    packet, resources = tags.get(XMP_KEY), tags.get(IPTC_KEY)
    if (packet or resources) and (wall is None or offset is None or lat is None):
        candidates: list[tuple[str, Stamp]] = []
        if packet:
            from tripexif.reading import xmp

            found = xmp.parse(packet)
            if found is not None:
                candidates.extend(("xmp", stamp) for stamp in found.times)
                if lat is None and found.lat is not None:
                    lat, lon, alt, note, gps_field = found.lat, found.lon, found.alt, None, "xmp"
                elif lat is None and note is None:
                    note = found.gps_note
        if resources and (wall is None or offset is None):
            from tripexif.reading import iptc

            stamp = iptc.capture_time(resources)
            if stamp is not None:
                candidates.append(("iptc", stamp))
        if wall is None:
            chosen = choose_time(candidates)
            if chosen is not None:
                time_field, wall, offset = chosen[0], chosen[1].wall, chosen[1].offset
        if wall is not None and offset is None:
            lent = same_clock_offset(wall, candidates)
    raw = RawTimes(
        datetime_original=wall,
        offset_original=offset,
        # an empty fix (0°, 0°) comes with the receiver's idea of the time, not a fix's
        gps_utc=None if empty_fix else gps.utc_stamp(
            _text(tags, "GPS GPSDate"), _raw_rationals(tags, "GPS GPSTimeStamp")
        ),
        time_field=time_field,
        gps_field=gps_field,
        offset_lent=lent,
        camera_zone=maker.zone if maker is not None else None,
        serial=_serial(tags, maker),
    )
    return Metadata(lat, lon, alt, note, camera_name(tags), raw)


def choose_time(candidates: Sequence[tuple[str, Stamp]]) -> tuple[str, Stamp] | None:
    """The first candidate that has a wall clock, skipping any that falls on another day
    than an earlier candidate giving a day alone: "taken 1985-11-25" followed by a time
    in 2010 is a scan's time, not the photo's."""
    day = None
    for field, stamp in candidates:
        if stamp.wall is None:
            day = day or stamp.day
        elif day is None or stamp.wall.date() == day:
            return field, stamp
    return None


def same_clock_offset(wall: datetime, candidates: Sequence[tuple[str, Stamp]]) -> str | None:
    """The offset of the first candidate that shows the same wall clock (to the second)."""
    second = wall.replace(microsecond=0)
    for _, stamp in candidates:
        if stamp.offset and stamp.wall is not None and stamp.wall.replace(microsecond=0) == second:
            return stamp.offset
    return None


def camera_name(tags: dict[str, Any]) -> str | None:
    """Make and model as people say it: "Apple iPhone 7", "NIKON D70s" (not "NIKON CORPORATION
    NIKON D70s"), "Canon EOS 600D" (not "Canon Canon EOS 600D")."""
    make = " ".join(_printable(_text(tags, "Image Make") or "").split())
    model = " ".join(_printable(_text(tags, "Image Model") or "").split())
    if make and model and model.lower().startswith(make.split()[0].lower()):
        return model
    return " ".join(part for part in (make, model) if part) or None


def _serial(tags: dict[str, Any], maker: makernotes.MakerInfo | None) -> str | None:
    """The body's serial number: Exif BodySerialNumber, else the maker note's."""
    body = " ".join(_printable(_text(tags, "EXIF BodySerialNumber") or "").split())
    if body and body.strip("0"):
        return body
    return maker.serial if maker is not None else None


def _printable(text: str) -> str:
    """Text without control characters (C0, DEL, C1): a corrupt file's model string
    ("Oce T\x80S850") is shown as the printable text around them."""
    return "".join(c for c in text if c.isprintable() or c == " ")


def parse_datetime(text: str | None, subsec: str | None = None) -> datetime | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" (+ sub-seconds) as a naive datetime; blank or garbled: None."""
    if not text:
        return None
    match = _DATETIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    micro = 0
    digits = "".join(ch for ch in (subsec or "") if ch in _DIGITS)
    if digits:
        micro = int((digits + "000000")[:6])
    try:
        if hour == 24 and minute == 0 and second == 0:  # a few cameras write midnight as 24:00
            return datetime(year, month, day) + _ONE_DAY
        return datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None


def parse_offset(text: str | None) -> str | None:
    """OffsetTimeOriginal ("+09:00") normalised, or None when absent or not a real offset."""
    match = _OFFSET.match(text or "")
    if not match:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3))
    if hours > 14 or minutes >= 60 or (hours == 14 and minutes):
        return None
    return f"{sign}{hours:02d}:{minutes:02d}"


def _text(tags: dict[str, Any], key: str) -> str | None:
    tag = tags.get(key)
    if tag is None:
        return None
    values = tag.values
    if isinstance(values, bytes):
        values = values.decode("latin-1")
    if isinstance(values, str):
        cleaned = values.strip("\x00 \t\r\n")
        return cleaned or None
    return None


def _raw_rationals(tags: dict[str, Any], key: str) -> list[tuple[int, int]]:
    tag = tags.get(key)
    if tag is None or not isinstance(tag.values, list):
        return []
    out = []
    for value in tag.values:
        if hasattr(value, "denominator"):  # exifread's Ratio keeps x/0 as is
            out.append((int(value.numerator), int(value.denominator)))
        elif isinstance(value, int | float):
            out.append((int(value * 1_000_000), 1_000_000))
        elif isinstance(value, tuple) and value:  # float fields come as 1-tuples
            out.append((int(value[0] * 1_000_000), 1_000_000))
    return out


def _rationals(tags: dict[str, Any], key: str, what: str) -> list[tuple[int, int]]:
    values = _raw_rationals(tags, key)
    if not values:
        raise gps.BadGPS(f"GPS {what} is missing or unreadable")
    return values


def _ints(tags: dict[str, Any], key: str) -> list[int]:
    tag = tags.get(key)
    if tag is None or not isinstance(tag.values, list):
        return []
    return [v for v in tag.values if isinstance(v, int)]


_ONE_DAY = datetime(2000, 1, 2) - datetime(2000, 1, 1)
