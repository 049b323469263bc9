"""Capture time and position from an XMP packet (embedded in a photo, or a sidecar file).

XMP is RDF/XML written by editors and cameras. We read a handful of properties, in either
form RDF allows (``exif:DateTimeOriginal="..."`` on an ``rdf:Description``, or a
``<exif:DateTimeOriginal>...</exif:DateTimeOriginal>`` element inside it):

- times, in this order of precedence: ``exif:DateTimeOriginal``, ``photoshop:DateCreated``,
  ``xmp:CreateDate`` (ISO 8601, with their offsets);
- ``exif:GPSLatitude`` / ``exif:GPSLongitude`` ("DD,MM.mmmmN" or "DD,MM,SSN") and
  ``exif:GPSAltitude`` (a rational) with ``exif:GPSAltitudeRef``.

The packet comes from a file we do not trust: it is parsed only when it is at most
``MAX_XMP`` bytes and declares no DTD (``<!DOCTYPE``/``<!ENTITY``: no entity is ever
expanded, nor an external one fetched); a packet that is not well-formed XML is ignored.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from tripexif.reading import gps
from tripexif.reading.containers import MAX_XMP

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXIF = "http://ns.adobe.com/exif/1.0/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
XMP = "http://ns.adobe.com/xap/1.0/"
# capture-time properties, most trusted first: the shutter's time, then the "date created"
# that editors and IPTC tools show, then the time the file (or the scan) was made
TIME_PROPERTIES = (f"{{{EXIF}}}DateTimeOriginal", f"{{{PHOTOSHOP}}}DateCreated",
                   f"{{{XMP}}}CreateDate")
_WANTED = frozenset((*TIME_PROPERTIES, *(f"{{{EXIF}}}{name}" for name in (
    "GPSLatitude", "GPSLongitude", "GPSAltitude", "GPSAltitudeRef"))))
_DESCRIPTION = f"{{{RDF}}}Description"
_LI = f"{{{RDF}}}li"

# ISO 8601 as XMP writes it ("2008-05-04T16:47:24.5+09:00", "2003-09-05T16:30+02:00",
# "2003-08-30"), and the EXIF-style "2008:05:04 16:47:24" some writers put in XMP too
_ISO = re.compile(
    r"^\s*(\d{4})[-:](\d{2})[-:](\d{2})"
    r"(?:[T ]\s*(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?)?\s*$",
    re.ASCII,
)
_ANGLE = re.compile(
    r"^\s*(\d{1,3}(?:\.\d+)?)(?:,(\d{1,2}(?:\.\d+)?))?(?:,(\d{1,2}(?:\.\d+)?))?\s*([NSEWnsew])\s*$",
    re.ASCII,
)
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)(?:/(\d+))?\s*$", re.ASCII)
_DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class Stamp(NamedTuple):
    """A time a metadata field holds. ``wall`` is None when the field gives only a day."""

    day: date
    wall: datetime | None = None  # naive wall clock, with the fraction of a second
    offset: str | None = None  # "+09:00"; "Z" is "+00:00"


class Found(NamedTuple):
    """What an XMP packet says: its times (in the order of ``TIME_PROPERTIES``, those it
    has) and its position (``gps_note`` when it holds one that cannot be real)."""

    times: tuple[Stamp, ...] = ()
    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    gps_note: str | None = None


def parse(packet: bytes) -> Found | None:
    """The times and position in an XMP packet; None when it is too large, declares a DTD,
    or is not well-formed XML."""
    if len(packet) > MAX_XMP:
        return None
    text = _decode(packet)
    if _DTD.search(text):
        return None
    values = _properties(_root_element(_strip_instructions(text)))
    if values is None:
        return None
    times = tuple(stamp for stamp in (parse_time(values.get(name)) for name in TIME_PROPERTIES)
                  if stamp is not None)
    lat, lon, alt, note = _position(values)
    return Found(times, lat, lon, alt, note)


def parse_time(text: str | None) -> Stamp | None:
    """An XMP date ("2008-05-04T16:47:24+09:00", or a day alone) as a Stamp; None when
    absent, partial (a year, a month) or impossible."""
    match = _ISO.match(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.group(1, 2, 3))
    try:
        on = date(year, month, day)
    except ValueError:
        return None
    if match.group(4) is None:
        return Stamp(on)
    hour, minute, second = int(match.group(4)), int(match.group(5)), int(match.group(6) or 0)
    micro = int(((match.group(7) or "") + "000000")[:6])
    try:
        wall = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    return Stamp(on, wall, offset_text(match.group(8)))


def offset_text(text: str | None) -> str | None:
    """"Z", "+9", "+1:00", "-0500" as "+00:00", "+09:00", "+01:00", "-05:00"; None when
    absent or no real offset."""
    if not text:
        return None
    if text == "Z":
        return "+00:00"
    digits = text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
    if not hours.isascii() or not hours.isdigit():
        return None
    hour, minute = int(hours), int(minutes)
    if hour > 14 or minute >= 60 or (hour == 14 and minute):
        return None
    return f"{text[0]}{hour:02d}:{minute:02d}"


def _decode(packet: bytes) -> str:
    """XMP is UTF-8, or (rarely) UTF-16 with or without a byte-order mark."""
    if packet[:3] == b"\xef\xbb\xbf":
        return packet[3:].decode("utf-8", "replace")
    if packet[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return packet.decode("utf-16", "replace")
    if packet[:2] == b"<\x00":
        return packet.decode("utf-16-le", "replace")
    if packet[:2] == b"\x00<":
        return packet.decode("utf-16-be", "replace")
    return packet.decode("utf-8", "replace")


def _strip_instructions(text: str) -> str:
    """The packet without its processing instructions (``<?xpacket ...?>`` wrappers, the XML
    declaration, whose encoding no longer applies to decoded text) and the padding or NULs
    around it. Linear: no regular expression that could backtrack on a hostile packet."""
    parts = []
    at = 0
    while True:
        start = text.find("<?", at)
        if start < 0:
            parts.append(text[at:])
            break
        end = text.find("?>", start + 2)
        if end < 0:
            parts.append(text[at:start])
            break
        parts.append(text[at:start])
        at = end + 2
    return "".join(parts).strip(" \t\r\n\x00")


def _root_element(text: str) -> str:
    """The text up to the end of its first element: some writers leave the tail of an
    older, longer packet after ``</x:xmpmeta>`` (ExifTool reads those packets too)."""
    if not text.startswith("<"):
        return text
    end = 1
    while end < len(text) and end < 200 and text[end] not in " \t\r\n/>":
        end += 1
    close = text.find(f"</{text[1:end]}", end)
    if close < 0:
        return text
    stop = text.find(">", close)
    return text if stop < 0 else text[: stop + 1]


def _properties(text: str) -> dict[str, str] | None:
    """The wanted properties of every rdf:Description (the first value of each wins)."""
    from xml.etree import ElementTree  # loaded only for a file that has XMP

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None
    values: dict[str, str] = {}
    for description in root.iter(_DESCRIPTION):
        for name, value in description.attrib.items():
            if name in _WANTED and name not in values and value.strip():
                values[name] = value.strip()
        for child in description:
            if child.tag in _WANTED and child.tag not in values:
                found = _element_text(child)
                if found:
                    values[child.tag] = found
    return values


def _element_text(element: Element) -> str | None:
    """A property element's value: its text, or its first rdf:li's (a value in a list)."""
    text = (element.text or "").strip()
    if text:
        return text
    for item in element.iter(_LI):
        text = (item.text or "").strip()
        if text:
            return text
    return None


def _position(values: dict[str, str]) -> tuple[float | None, float | None, float | None,
                                                 str | None]:
    lat_text = values.get(f"{{{EXIF}}}GPSLatitude")
    lon_text = values.get(f"{{{EXIF}}}GPSLongitude")
    if lat_text is None and lon_text is None:
        return None, None, None, None
    try:
        lat = _angle(lat_text, "NS", "latitude")
        lon = _angle(lon_text, "EW", "longitude")
        gps.check(lat, lon)
    except gps.BadGPS as exc:
        return None, None, None, str(exc)
    alt = _number(values.get(f"{{{EXIF}}}GPSAltitude"))
    if alt is not None and (values.get(f"{{{EXIF}}}GPSAltitudeRef") or "").strip() == "1":
        alt = -alt
    return lat, lon, alt, None


def _angle(text: str | None, refs: str, what: str) -> float:
    """"48,51.4083N" or "48,51,24.5N" (XMP's GPSCoordinate) as signed degrees."""
    if text is None:
        raise gps.BadGPS(f"GPS {what} is missing or unreadable")
    match = _ANGLE.match(text)
    if not match:
        raise gps.BadGPS(f"GPS {what} {text[:40]!r} is not degrees, minutes and N/S/E/W")
    ref = match.group(4).upper()
    if ref not in refs:
        raise gps.BadGPS(f"GPS {what} reference {ref!r} is not {'/'.join(refs)}")
    degrees, minutes, seconds = (float(match.group(i) or 0) for i in (1, 2, 3))
    value = degrees + minutes / 60 + seconds / 3600
    return -value if ref in "SW" else value


def _number(text: str | None) -> float | None:
    """A rational ("3692/100") or decimal; None when absent, garbled or x/0."""
    match = _NUMBER.match(text or "")
    if not match:
        return None
    denominator = int(match.group(2) or 1)
    return float(match.group(1)) / denominator if denominator else None
