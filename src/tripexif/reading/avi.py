"""Capture time and camera of AVI videos (RIFF ``AVI ``).

Cameras that record AVI write the recording time as text in an ``IDIT`` chunk of the
``hdrl`` header list (some in the ``INFO`` list), the writer in ``INFO``/``ISFT``; Fujifilm,
Nikon and others add a little EXIF directory in the video stream's ``strd`` chunk (``AVIF``,
then a little-endian IFD whose offsets count from itself). None of them says the zone: the
time is a naive wall clock. Layouts as ExifTool's RIFF.pm reads them.

Only chunk headers are read on the way, and only small chunks' bodies; the ``movi`` list
(the frames) is stepped over without reading it.
"""

from __future__ import annotations

import re
import struct
from datetime import datetime
from typing import BinaryIO

from tripexif.errors import MetadataError
from tripexif.model import RawTimes
from tripexif.reading.exif import Metadata, parse_datetime

MAX_CHUNKS = 4096  # chunk headers visited per file
MAX_BODY = 64 * 1024  # a text or strd chunk larger than this is not read
LISTS = (b"hdrl", b"strl", b"INFO", b"exif")  # lists whose chunks may hold what we read
MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# Casio: "2001/ 1/27  1:42PM", "2005/11/28/ 09:19"
_SLASHED = re.compile(r"(\d{4})/\s*(\d+)/\s*(\d+)/?\s+(\d+):\s*(\d+)\s*([AP]?)", re.ASCII)
# Konica: "2002-12-16  15:35:01"; EXIF style "2005:08:13 09:47:23"
_NUMERIC = re.compile(r"(\d{4})[-/:](\d+)[-/:](\d+)\s+(\d+):(\d+):(\d+)(?!\s*[AP])", re.ASCII)
# EXIF tags of the strd AVIF directory
MAKE, MODEL, DATETIME, EXIF_IFD, DATETIME_ORIGINAL = 0x010F, 0x0110, 0x0132, 0x8769, 0x9003


def read_video(fh: BinaryIO, size: int) -> Metadata:
    """What an AVI file's header chunks say; empty when they say nothing we use."""
    found: dict[str, str] = {}
    header = _read(fh, 0, 12, size)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"AVI ":
        raise MetadataError("not an AVI file")
    declared = struct.unpack("<I", header[4:8])[0]
    riff_end = min(size, 8 + declared) if declared >= 4 else size  # 0: a writer left it unset
    _walk(fh, 12, riff_end, found, [MAX_CHUNKS])
    local = parse_idit(found.get("idit")) or parse_datetime(found.get("exif_time"))
    return Metadata(camera=_camera(found), raw=RawTimes(datetime_original=local))


def _read(fh: BinaryIO, offset: int, length: int, end: int) -> bytes:
    """Up to ``length`` bytes at ``offset``, never past ``end`` (a truncated file reads short)."""
    fh.seek(offset)
    return fh.read(max(0, min(length, end - offset)))


def _walk(fh: BinaryIO, pos: int, end: int, found: dict[str, str], budget: list[int]) -> None:
    """Visit the chunks from ``pos`` to ``end``, into the lists in ``LISTS``."""
    while pos + 8 <= end and budget[0] > 0:
        budget[0] -= 1
        header = _read(fh, pos, 12, end)
        if len(header) < 8:
            return
        chunk_id, length = struct.unpack("<4sI", header[:8])
        body, stop = pos + 8, min(end, pos + 8 + length)
        if chunk_id == b"LIST" and len(header) == 12 and header[8:12] in LISTS:
            _walk(fh, body + 4, stop, found, budget)
        elif chunk_id in (b"IDIT", b"ISFT", b"ecor", b"emdl", b"strd") and length <= MAX_BODY:
            _chunk(chunk_id, _read(fh, body, length, stop), found)
        pos = body + length + (length & 1)  # chunks are padded to an even size


def _chunk(chunk_id: bytes, data: bytes, found: dict[str, str]) -> None:
    if chunk_id == b"strd":
        if data[:4] == b"AVIF":
            _avif(data[8:], found)
        return
    key = {b"IDIT": "idit", b"ISFT": "software", b"ecor": "make", b"emdl": "model"}[chunk_id]
    if key not in found:
        text = _clean(data)
        if text:
            found[key] = text


def _clean(data: bytes) -> str:
    """Chunk text without its NUL padding. Casio writes "CASIO" in UTF-16 after the first
    NUL of ISFT: the text after a NUL is joined with ", " and its NULs dropped."""
    first, _, rest = data.decode("latin-1").rstrip("\x00 ").partition("\x00")
    text = ", ".join(p for p in (first.strip(), rest.replace("\x00", "").strip()) if p)
    return "".join(c for c in text if c.isprintable())


def parse_idit(text: str | None) -> datetime | None:
    """An IDIT date as a naive wall clock: "Mon Mar 03 10:21:13 2008" (the AVI standard),
    "2005:08:13 09:47:23", "2002-12-16  15:35:01", "2001/ 1/27  1:42PM"; else None."""
    if not text:
        return None
    parts = text.split()
    if len(parts) >= 5 and parts[1][:3].lower() in MONTHS and parts[2].isdigit():
        return parse_datetime(f"{parts[4]}:{MONTHS[parts[1][:3].lower()]:02d}:"
                              f"{int(parts[2]):02d} {parts[3]}")
    match = _NUMERIC.search(text)
    if match:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        return parse_datetime(f"{year:04d}:{month:02d}:{day:02d} "
                              f"{hour:02d}:{minute:02d}:{second:02d}")
    match = _SLASHED.search(text)
    if match:
        year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
        if match.group(6) == "P" and hour < 12:
            hour += 12
        elif match.group(6) == "A" and hour == 12:
            hour = 0
        return parse_datetime(f"{year:04d}:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:00")
    return None


def _avif(ifd: bytes, found: dict[str, str]) -> None:
    """Make, model and time of the strd AVIF directory (little-endian, offsets from its
    start), with DateTimeOriginal from its Exif IFD."""
    entries = _ifd(ifd, 0)
    for tag, key in ((MAKE, "make"), (MODEL, "model"), (DATETIME, "exif_datetime")):
        if tag in entries and key not in found:
            found[key] = _clean(entries[tag])
    pointer = entries.get(EXIF_IFD)
    if pointer is not None and len(pointer) == 4:
        original = _ifd(ifd, struct.unpack("<I", pointer)[0]).get(DATETIME_ORIGINAL)
        if original is not None:
            found.setdefault("exif_time", _clean(original))
    if "exif_time" not in found and "exif_datetime" in found:
        found["exif_time"] = found["exif_datetime"]


def _ifd(data: bytes, at: int) -> dict[int, bytes]:
    """The ASCII values and LONG pointers of the IFD at ``at`` (tag -> bytes)."""
    values: dict[int, bytes] = {}
    if at < 0 or at + 2 > len(data):
        return values
    count = struct.unpack_from("<H", data, at)[0]
    for index in range(min(count, 256)):
        entry = at + 2 + 12 * index
        if entry + 12 > len(data):
            break
        tag, kind, number = struct.unpack_from("<HHI", data, entry)
        if kind == 2 and number <= 64:  # ASCII, in place when it fits in 4 bytes
            if number <= 4:
                values[tag] = data[entry + 8 : entry + 8 + number]
            else:
                offset = struct.unpack_from("<I", data, entry + 8)[0]
                values[tag] = data[offset : offset + number]
        elif kind == 4 and number == 1:  # LONG: the Exif IFD pointer
            values[tag] = data[entry + 8 : entry + 12]
    return values


def _camera(found: dict[str, str]) -> str | None:
    """Make and model as people say them; the writer (ISFT, e.g. "CanonMVI06") without them."""
    make, model = found.get("make"), found.get("model")
    if make and model and model.lower().startswith(make.split()[0].lower()):
        return model
    return " ".join(p for p in (make, model) if p) or found.get("software") or None
