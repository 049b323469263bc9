"""The IPTC IIM capture time (DateCreated 2:55 + TimeCreated 2:60) of a JPEG.

News and agency tools (Photo Mechanic, old Photoshop) write it in the JPEG's APP13 segment:
"Photoshop 3.0", then Photoshop image resources ("8BIM" blocks), of which resource 0x0404
holds the IIM datasets: 0x1C, record, dataset, a 2-byte length (or an extended one), data.
"""

from __future__ import annotations

import re
import struct
from datetime import date, datetime

from tripexif.reading.xmp import Stamp, offset_text

IPTC_RESOURCE = 0x0404
_SIGNATURES = (b"8BIM", b"PHUT", b"AgHg", b"DCSR", b"MeSa")
_DATE = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})\s*$", re.ASCII)
_TIME = re.compile(r"^\s*(\d{2}):?(\d{2}):?(\d{2})\s*([+-]\d{2}:?\d{2})?\s*$", re.ASCII)


def iim_block(resources: bytes) -> bytes | None:
    """The IIM data (resource 0x0404) among Photoshop image resources; None when absent."""
    at = 0
    while at + 12 <= len(resources):
        if resources[at : at + 4] not in _SIGNATURES:
            return None
        resource_id = struct.unpack_from(">H", resources, at + 4)[0]
        name_length = resources[at + 6]
        at += 6 + ((name_length + 2) & ~1)  # Pascal name, padded to an even length
        if at + 4 > len(resources):
            return None
        size = struct.unpack_from(">I", resources, at)[0]
        at += 4
        if resource_id == IPTC_RESOURCE:
            return resources[at : at + size]
        at += size + (size & 1)
    return None


def datasets(iim: bytes, record: int = 2) -> dict[int, bytes]:
    """The datasets of one IIM record (the first value of each)."""
    found: dict[int, bytes] = {}
    at = 0
    while at + 5 <= len(iim) and iim[at] == 0x1C:
        rec, number, length = iim[at + 1], iim[at + 2], struct.unpack_from(">H", iim, at + 3)[0]
        at += 5
        if length & 0x8000:  # extended dataset: the length's length, then the length
            width = length & 0x7FFF
            if width > 4 or at + width > len(iim):
                break
            length = int.from_bytes(iim[at : at + width], "big")
            at += width
        if rec == record and number not in found:
            found[number] = iim[at : at + length]
        at += length
    return found


def capture_time(resources: bytes) -> Stamp | None:
    """DateCreated + TimeCreated ("20061029" + "062751-0500") as a Stamp; the day alone when
    there is no time; None when there is no date."""
    iim = iim_block(resources)
    if iim is None:
        return None
    values = datasets(iim)
    day = _DATE.match(values.get(55, b"").decode("latin-1"))
    if not day:
        return None
    year, month, dom = (int(g) for g in day.groups())
    try:
        on = date(year, month, dom)
    except ValueError:
        return None
    clock = _TIME.match(values.get(60, b"").decode("latin-1"))
    if not clock:
        return Stamp(on)
    hour, minute, second = (int(g) for g in clock.group(1, 2, 3))
    try:
        wall = datetime(year, month, dom, hour, minute, second)
    except ValueError:
        return Stamp(on)
    return Stamp(on, wall, offset_text(clock.group(4)))
