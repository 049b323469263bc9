"""Capture time with its zone, position and camera of AVCHD videos (MPEG-TS: .MTS, .M2TS).

AVCHD cameras put a "Modified DV Pack Metadata" block (MDPM) in the H.264 stream: an SEI
``user_data_unregistered`` message whose payload is the UUID 17ee8c60-f84d-11d9-8cd6-
0800200c9a66, ``MDPM``, an entry count, then entries of one tag byte and four value bytes in
rising tag order. The layout is the one ExifTool's H264.pm documents: tags 0x18+0x19 are the
recording date and time in BCD after a time-zone byte, 0xb1–0xba the GPS position (16-bit
rationals), 0xe0 the maker code and, for Sony, 0xe4–0xe6 the model.

Cameras repeat the block in every group of pictures; the first one found in the first
``MAX_SCAN`` bytes is read, so a long recording costs no more than a short one.
"""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from tripexif.errors import MetadataError
from tripexif.model import RawTimes
from tripexif.reading import gps
from tripexif.reading.exif import Metadata, parse_offset

MAX_SCAN = 4 * 1024 * 1024  # Panasonic writes the SEI only from the second frame on
CHUNK = 188 * 192 * 8  # a whole number of packets of either size
SYNC = 0x47
MDPM_UUID = bytes.fromhex("17ee8c60f84d11d98cd60800200c9a66") + b"MDPM"
START_CODE = b"\x00\x00\x01"
SEI_NAL = 6
USER_DATA_UNREGISTERED = 5
# ExifTool's H264 %convMake
MAKERS = {0x0103: "Panasonic", 0x0108: "Sony", 0x1011: "Canon", 0x1104: "JVC"}


def read_video(fh: BinaryIO, size: int) -> Metadata:
    """What the first MDPM block of an MPEG-TS file says; empty when it has none."""
    entries = _mdpm_entries(fh, size)
    if entries is None:
        return Metadata()
    local, offset = recording_time(entries)
    lat = lon = alt = None
    note = None
    try:
        position = _position(entries)
    except gps.BadGPS as exc:
        position, note = None, str(exc)
    if position is not None:
        lat, lon, alt = position
    raw = RawTimes(datetime_original=local, offset_original=offset)
    return Metadata(lat, lon, alt, note, _camera(entries), raw)


# --- transport stream -> H.264 elementary stream -> SEI ------------------------------------


def _mdpm_entries(fh: BinaryIO, size: int) -> dict[int, bytes] | None:
    """The entries of the first MDPM block in the first ``MAX_SCAN`` bytes, or None."""
    fh.seek(0)
    head = fh.read(200)
    if len(head) >= 189 and head[0] == SYNC and head[188] == SYNC:
        packet, skip = 188, 0
    elif len(head) >= 197 and head[4] == SYNC and head[196] == SYNC:
        packet, skip = 192, 4  # M2TS: a 4-byte arrival time stamp before each packet
    else:
        raise MetadataError("not an MPEG transport stream (no packet sync)")
    streams: dict[int, bytearray] = {}  # video PID -> its elementary stream so far
    searched: dict[int, int] = {}  # video PID -> where the next MDPM search starts
    fh.seek(0)
    pos = 0
    limit = min(size, MAX_SCAN)
    while pos + packet <= limit:
        data = fh.read(min(CHUNK, limit - pos))
        whole = len(data) - len(data) % packet
        if whole <= 0:
            break
        for at in range(0, whole, packet):
            pid = _add_packet(data[at + skip : at + packet], streams)
            if pid is None:
                continue
            found = _search(streams[pid], searched, pid)
            if found is not None:
                return found
        pos += whole
        if whole < len(data):  # the file ends inside a packet
            break
    return None


def _add_packet(ts: bytes, streams: dict[int, bytearray]) -> int | None:
    """Append a 188-byte packet's payload to its video stream; the PID when it was video."""
    if ts[0] != SYNC:
        raise MetadataError("MPEG-TS packet sync lost: the stream is damaged")
    pid = (ts[1] & 0x1F) << 8 | ts[2]
    control = ts[3] >> 4 & 3
    if not control & 1:  # no payload
        return None
    start = 4 + (1 + ts[4] if control & 2 else 0)
    payload = ts[start:188]
    if ts[1] & 0x40:  # a PES packet starts here
        if payload[:3] != START_CODE or len(payload) < 9 or not 0xE0 <= payload[3] <= 0xEF:
            return None  # not a video PES (audio, PAT, PMT, subtitles)
        streams.setdefault(pid, bytearray()).extend(payload[9 + payload[8] :])
        return pid
    stream = streams.get(pid)
    if stream is None:
        return None
    stream.extend(payload)
    return pid


def _search(stream: bytearray, searched: dict[int, int], pid: int) -> dict[int, bytes] | None:
    """The MDPM entries once the SEI NAL unit holding them is complete in ``stream``."""
    begin = searched.get(pid, 0)
    at = stream.find(MDPM_UUID, begin)
    if at < 0:
        searched[pid] = max(0, len(stream) - len(MDPM_UUID))
        return None
    nal = stream.rfind(START_CODE, 0, at)
    end = stream.find(START_CODE, at)
    if end < 0:  # the NAL unit goes on in later packets
        searched[pid] = at
        return None
    searched[pid] = at + 1  # if this one is no MDPM SEI, look for the next
    if nal < 0 or stream[nal + 3] & 0x1F != SEI_NAL:
        return None
    return mdpm_from_sei(_unescape(bytes(stream[nal + 4 : end])))


def _unescape(nal: bytes) -> bytes:
    """The NAL unit's raw payload: each 00 00 03 (emulation prevention) becomes 00 00."""
    return nal.replace(b"\x00\x00\x03", b"\x00\x00")


def mdpm_from_sei(rbsp: bytes) -> dict[int, bytes] | None:
    """The MDPM entries (tag -> 4 bytes) of an SEI NAL unit's payload, or None."""
    pos = 0
    while pos < len(rbsp):
        kind, pos = _sei_number(rbsp, pos)
        length, pos = _sei_number(rbsp, pos)
        if kind < 0 or length < 0 or kind == 0x80 or pos + length > len(rbsp):
            return None  # 0x80: the trailing bits
        if kind == USER_DATA_UNREGISTERED and rbsp[pos : pos + 20] == MDPM_UUID:
            return _entries(rbsp[pos + 20 : pos + length])
        pos += length
    return None


def _sei_number(data: bytes, pos: int) -> tuple[int, int]:
    """An SEI payload type or size (0xff bytes add 255); -1 when the data ends first."""
    total = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        total += byte
        if byte != 0xFF:
            return total, pos
    return -1, pos


def _entries(block: bytes) -> dict[int, bytes]:
    """MDPM entries in rising tag order; an out-of-order tag ends them (as in ExifTool)."""
    entries: dict[int, bytes] = {}
    count = block[0] if block else 0
    last = -1
    for index in range(count):
        at = 1 + 5 * index
        if at + 5 > len(block) or block[at] <= last:
            break
        last = block[at]
        entries[last] = block[at + 1 : at + 5]
    return entries


# --- MDPM entries -> metadata -------------------------------------------------------------


def _bcd(value: int) -> int | None:
    high, low = value >> 4, value & 15
    return high * 10 + low if high < 10 and low < 10 else None


def recording_time(entries: dict[int, bytes]) -> tuple[datetime | None, str | None]:
    """(local wall clock, its offset) of tags 0x18+0x19. The zone byte holds a sign (0x20),
    hours (0x1e) and a half hour (0x01); its DST flag (0x40) is not added: ExifTool shows the
    offset as written (a Sony A7M3 in summer: "+02:00 DST"). An offset beyond ±14 h (as an
    unset 0xff byte gives) is no offset."""
    first, second = entries.get(0x18), entries.get(0x19)
    if first is None or second is None:
        return None, None
    digits = [_bcd(b) for b in first[1:] + second]
    if None in digits:
        return None, None
    century, year, month, day, hour, minute, sec = (d or 0 for d in digits)
    try:
        local = datetime(century * 100 + year, month, day, hour, minute, sec)
    except ValueError:
        return None, None
    zone = first[0]
    sign = "-" if zone & 0x20 else "+"
    offset = parse_offset(f"{sign}{zone >> 1 & 15:02d}:{30 if zone & 1 else 0:02d}")
    return local, offset


def _rational(value: bytes) -> gps.Rational:
    return int.from_bytes(value[:2], "big"), int.from_bytes(value[2:], "big")


def _run(entries: dict[int, bytes], first: int, count: int) -> list[gps.Rational]:
    """The rationals of tags ``first``.. while they follow each other (ExifTool's Combine)."""
    parts = []
    for tag in range(first, first + count):
        if tag not in entries:
            break
        parts.append(_rational(entries[tag]))
    return parts


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1").strip("\x00 ") if value is not None else None


def _position(entries: dict[int, bytes]) -> tuple[float, float, float | None] | None:
    """(lat, lon, alt) of tags 0xb1–0xba; None without them; BadGPS when impossible."""
    if 0xB2 not in entries and 0xB6 not in entries:
        return None
    lat, lon = gps.to_decimal(_run(entries, 0xB2, 3), _text(entries.get(0xB1)),
                              _run(entries, 0xB6, 3), _text(entries.get(0xB5)))
    alt = None
    if 0xBA in entries:
        ref = entries.get(0xB9)
        alt = gps.altitude(_rational(entries[0xBA]),
                           1 if ref is not None and any(ref) else 0)
    return lat, lon, alt


def _camera(entries: dict[int, bytes]) -> str | None:
    maker = entries.get(0xE0)
    make = MAKERS.get(int.from_bytes(maker[:2], "big")) if maker else None
    model = None
    if make == "Sony":  # other makers put other things in 0xe4 (ExifTool: Sony only)
        parts = []
        for tag in (0xE4, 0xE5, 0xE6):
            if tag not in entries:
                break
            parts.append(entries[tag])
        text = b"".join(parts).split(b"\x00", 1)[0].decode("latin-1")
        model = "".join(c for c in text if c.isprintable()).strip() or None
    return " ".join(p for p in (make, model) if p) or None
