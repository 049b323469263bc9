"""The camera's own time-zone setting and serial number, from Canon and Nikon maker notes.

Only these few values are decoded, with every offset and count checked; anything odd gives
nothing (a damaged maker note never makes the photo unreadable). Layouts, as ExifTool's
Canon.pm and Nikon.pm describe them:

* Canon: the maker note is a bare IFD in the TIFF's byte order whose offsets count from the
  main TIFF header. Tag 0x0035 TimeInfo is int32s[4]: its size in bytes (16), TimeZone
  (minutes), TimeZoneCity, DaylightSavings (0 or 60). TimeZone is the offset the clock shows,
  daylight saving included: ExifTool's samples have Sydney (+10) at +11:00 with DST on, and
  Bangkok (+7) at +08:00. Tag 0x000C SerialNumber is an int32u (newer bodies write Exif
  BodySerialNumber instead, which is preferred anyway).
* Nikon (type 3, every DSLR since the D100): "Nikon\\0" and a version, then a TIFF header of
  its own at offset 10 that all the maker note's offsets count from. Tag 0x0024 WorldTime is
  4 bytes: TimeZone (int16s minutes, the zone's standard offset), DaylightSavings (1: the
  clock is an hour ahead of it), the date format. Tag 0x001D SerialNumber is text (0x00A0
  on older models).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import NamedTuple

MAKER_NOTE = 0x927C  # in the Exif IFD
MAX_ENTRIES = 512  # a maker-note IFD claiming more is corrupt (Canon's have ~40)
MAX_ZONE_MIN = 14 * 60
_NOT_SET_CITIES = (0, 32766)  # Canon TimeZoneCity "n/a" and "(not set)"
_ASCII, _LONG, _SLONG, _UNDEFINED = 2, 4, 9, 7
_MAX_SERIAL = 64

Read = Callable[[int, int], bytes]  # (offset from the TIFF header, size) -> bytes


class MakerInfo(NamedTuple):
    zone: str | None = None  # the offset the camera's clock was set to, e.g. "+02:00"
    serial: str | None = None  # the body's serial number


def maker_of(make: str | None) -> str | None:
    """"canon" or "nikon" for the makes whose maker notes are read; None for all others."""
    if not make:
        return None
    word = make.lstrip()[:5].lower()
    return word if word in ("canon", "nikon") else None


def read(maker: str, read_at: Read, endian: str, at: int, size: int) -> MakerInfo | None:
    """The zone and serial of the maker note of ``size`` bytes at ``at`` (from the TIFF
    header, read through ``read_at``); None when it has neither or is not what it should be.
    ``endian`` is the TIFF's byte order ("I" or "M")."""
    try:
        if maker == "canon":
            return _canon(read_at, "<" if endian == "I" else ">", at, size)
        if maker == "nikon":
            return _nikon(read_at, at, size)
    except (struct.error, OSError, ValueError, OverflowError):
        pass
    return None


def _entries(read_at: Read, order: str, at: int, limit: int,
             ) -> dict[int, tuple[int, int, bytes]] | None:
    """{tag: (type, count, the 4 value-or-offset bytes)} of the IFD at ``at``, when it fits
    within ``limit``."""
    head = read_at(at, 2)
    if len(head) < 2:
        return None
    count = struct.unpack(order + "H", head)[0]
    if not 0 < count <= MAX_ENTRIES or at + 2 + 12 * count > limit:
        return None
    table = read_at(at + 2, 12 * count)
    if len(table) < 12 * count:
        return None
    out: dict[int, tuple[int, int, bytes]] = {}
    for i in range(count):
        tag, kind, n = struct.unpack_from(order + "HHI", table, 12 * i)
        out.setdefault(tag, (kind, n, table[12 * i + 8 : 12 * i + 12]))
    return out


def _value(read_at: Read, order: str, entry: tuple[int, int, bytes], size: int,
           base: int, limit: int) -> bytes | None:
    """The ``size`` bytes of an entry's value: in the entry when they fit, else at its offset
    (plus ``base``), when that lies between the TIFF header and ``limit``."""
    if size <= 4:
        return entry[2][:size]
    at = base + struct.unpack(order + "I", entry[2])[0]
    if at < 0 or at + size > limit:  # (a lying Canon footer puts it before the block)
        return None
    data = read_at(at, size)
    return data if len(data) == size else None


def _canon(read_at: Read, order: str, at: int, size: int) -> MakerInfo | None:
    entries = _entries(read_at, order, at, at + size)
    if entries is None:
        return None
    # Canon's offsets point anywhere in the TIFF block: bound them by a generous limit only
    limit = 1 << 31
    base = _canon_shift(read_at, order, at, size)
    zone = None
    info = entries.get(0x0035)
    if info is not None and info[0] in (_LONG, _SLONG) and 4 <= info[1] <= 64:
        data = _value(read_at, order, info, 16, base, limit)
        if data is not None:
            length, minutes, city, dst = struct.unpack(order + "4i", data)
            unset = minutes == 0 and dst == 0 and city in _NOT_SET_CITIES
            if length == 4 * info[1] and dst in (0, 60) and not unset:
                zone = _offset_text(minutes)
    serial = None
    number = entries.get(0x000C)
    if number is not None and number[0] == _LONG and number[1] == 1:
        value = struct.unpack(order + "I", number[2])[0]
        serial = str(value) if value else None
    return MakerInfo(zone, serial) if zone or serial else None


def _canon_shift(read_at: Read, order: str, at: int, size: int) -> int:
    """How far software that rewrote the file moved the maker note: Canon ends it with a
    footer, a TIFF byte-order mark and the maker note's offset when the camera wrote it
    (ExifTool: "Adjusted MakerNotes base"; a real SX60 HS file moved by -128)."""
    footer = read_at(at + size - 8, 8) if size >= 8 else b""
    if len(footer) == 8 and footer[:4] in (b"II*\x00", b"MM\x00*"):
        original: int = struct.unpack(("<" if footer[0] == 0x49 else ">") + "I", footer[4:])[0]
        if 0 < original < 1 << 31:
            return at - original
    return 0


def _nikon(read_at: Read, at: int, size: int) -> MakerInfo | None:
    head = read_at(at, 18)
    if len(head) < 18 or not head.startswith(b"Nikon\x00\x02") or size < 18:
        return None
    if head[10:14] == b"II*\x00":
        order = "<"
    elif head[10:14] == b"MM\x00*":
        order = ">"
    else:
        return None
    base, limit = at + 10, at + size

    def inner(offset: int, length: int) -> bytes:  # offsets from the maker note's own header
        return read_at(base + offset, length)

    first = struct.unpack(order + "I", head[14:18])[0]
    entries = _entries(inner, order, first, size - 10)
    if entries is None:
        return None
    zone = None
    world = entries.get(0x0024)
    if world is not None and world[0] == _UNDEFINED and world[1] == 4:
        minutes, dst = struct.unpack(order + "hB", world[2][:3])
        if dst in (0, 1):
            zone = _offset_text(minutes + 60 * dst)
    serial = None
    for tag in (0x001D, 0x00A0):  # SerialNumber (D70 and older models: 0x00A0)
        number = entries.get(tag)
        if serial is None and number is not None and number[0] == _ASCII:
            serial = _text(_value(inner, order, number, min(number[1], _MAX_SERIAL), 0,
                                  limit - base))
    return MakerInfo(zone, serial) if zone or serial else None


def _offset_text(minutes: int) -> str | None:
    """Minutes east of UTC as "+hh:mm"; None past ±14 h or off the quarter hour."""
    if abs(minutes) > MAX_ZONE_MIN or minutes % 15:
        return None
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _text(data: bytes | None) -> str | None:
    """A serial number's printable text (NUL and 0xFF padding cut); None when blank."""
    if not data:
        return None
    text = data.split(b"\x00", 1)[0].rstrip(b"\xff").decode("latin-1")
    text = " ".join("".join(c for c in text if c.isprintable()).split())
    return text or None
