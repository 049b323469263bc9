"""Write small, real JPEG/HEIC/PNG/WebP files with chosen EXIF: for tests, the example trip and
benchmarks. The EXIF (TIFF) block is encoded here byte by byte, so tests can also write the
broken values real cameras write (zero denominators, missing references, blank dates).

Pixels come from Pillow (and pillow-heif for HEIC): development dependencies only."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ASCII, BYTE, SHORT, LONG, RATIONAL = 2, 1, 3, 4, 5
_SIZES = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8}

Rational = tuple[int, int]


@dataclass(frozen=True)
class Exif:
    """The fields tripexif reads. ``None`` leaves a field out; the ``raw_*`` fields override
    the computed GPS values to write deliberately broken ones."""

    make: str | None = None
    model: str | None = None
    datetime_original: str | datetime | None = None  # str is written as is (e.g. blank)
    subsec: str | None = None
    offset_original: str | None = None
    offset_time: str | None = None  # OffsetTime (modify date's offset): must be ignored
    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    gps_utc: datetime | None = None
    raw_lat: Sequence[Rational] | None = None
    raw_lon: Sequence[Rational] | None = None
    lat_ref: str | None = "auto"
    lon_ref: str | None = "auto"


def dms(value: float) -> list[Rational]:
    """Degrees as the degrees/minutes/seconds rationals cameras write (1e-4 s precision)."""
    value = abs(value)
    degrees = int(value)
    minutes_f = (value - degrees) * 60
    minutes = int(minutes_f)
    seconds = round((minutes_f - minutes) * 60 * 10000)
    return [(degrees, 1), (minutes, 1), (seconds, 10000)]


def _entry(tag: int, kind: int, value: Any) -> tuple[int, int, int, bytes]:
    if kind == ASCII:
        data = value.encode("utf-8") + b"\x00"
        return tag, kind, len(data), data
    if kind == RATIONAL:
        data = b"".join(struct.pack("<II", n, d) for n, d in value)
        return tag, kind, len(value), data
    if kind == BYTE:
        data = bytes(value)
        return tag, kind, len(data), data
    fmt = {SHORT: "<H", LONG: "<I"}[kind]
    return tag, kind, len(value), b"".join(struct.pack(fmt, v) for v in value)


def _ifd(entries: list[tuple[int, int, int, bytes]], start: int) -> bytes:
    """An IFD at offset ``start`` of the TIFF block, its out-of-line data right after it."""
    entries = sorted(entries)
    table = struct.pack("<H", len(entries))
    data_at = start + 2 + 12 * len(entries) + 4
    extra = b""
    for tag, kind, count, data in entries:
        if len(data) <= 4:
            table += struct.pack("<HHI", tag, kind, count) + data.ljust(4, b"\x00")
        else:
            table += struct.pack("<HHII", tag, kind, count, data_at + len(extra))
            extra += data + (b"\x00" if len(data) % 2 else b"")
    return table + b"\x00\x00\x00\x00" + extra


def tiff_block(exif: Exif) -> bytes:
    """The EXIF data as a little-endian TIFF block (what follows ``Exif\\0\\0`` in a JPEG)."""
    ifd0 = []
    if exif.make is not None:
        ifd0.append(_entry(0x010F, ASCII, exif.make))
    if exif.model is not None:
        ifd0.append(_entry(0x0110, ASCII, exif.model))
    sub = []
    if exif.datetime_original is not None:
        text = exif.datetime_original
        if isinstance(text, datetime):
            text = text.strftime("%Y:%m:%d %H:%M:%S")
        sub.append(_entry(0x9003, ASCII, text))
    if exif.subsec is not None:
        sub.append(_entry(0x9291, ASCII, exif.subsec))
    if exif.offset_original is not None:
        sub.append(_entry(0x9011, ASCII, exif.offset_original))
    if exif.offset_time is not None:
        sub.append(_entry(0x9010, ASCII, exif.offset_time))
    gps = _gps_entries(exif)
    # layout: header, IFD0 (with pointer slots), Exif IFD, GPS IFD
    pointer_count = (1 if sub else 0) + (1 if gps else 0)
    placeholder = [(0x8769, LONG, 1, b"\0" * 4)] * (1 if sub else 0)
    placeholder += [(0x8825, LONG, 1, b"\0" * 4)] * (1 if gps else 0)
    ifd0_len = len(_ifd(ifd0 + placeholder, 8))
    sub_at = 8 + ifd0_len
    sub_bytes = _ifd(sub, sub_at) if sub else b""
    gps_at = sub_at + len(sub_bytes)
    pointers = []
    if sub:
        pointers.append(_entry(0x8769, LONG, [sub_at]))
    if gps:
        pointers.append(_entry(0x8825, LONG, [gps_at]))
    assert len(pointers) == pointer_count
    body = _ifd(ifd0 + pointers, 8) + sub_bytes + (_ifd(gps, gps_at) if gps else b"")
    return b"II*\x00" + struct.pack("<I", 8) + body


def _gps_entries(exif: Exif) -> list[tuple[int, int, int, bytes]]:
    out = []
    lat = exif.raw_lat if exif.raw_lat is not None else (
        dms(exif.lat) if exif.lat is not None else None)
    lon = exif.raw_lon if exif.raw_lon is not None else (
        dms(exif.lon) if exif.lon is not None else None)
    if lat is not None or lon is not None:
        out.append(_entry(0x0000, BYTE, [2, 3, 0, 0]))
    axes = ((lat, exif.lat, exif.lat_ref, "SN", 0x0001),
            (lon, exif.lon, exif.lon_ref, "WE", 0x0003))
    for rationals, value, ref, signs, tag in axes:
        if rationals is None:
            continue
        if ref == "auto":
            ref = signs[0] if (value or 0) < 0 else signs[1]
        if ref is not None:
            out.append(_entry(tag, ASCII, ref))
        out.append(_entry(tag + 1, RATIONAL, rationals))
    if exif.alt is not None:
        out.append(_entry(0x0005, BYTE, [1 if exif.alt < 0 else 0]))
        out.append(_entry(0x0006, RATIONAL, [(round(abs(exif.alt) * 100), 100)]))
    if exif.gps_utc is not None:
        t = exif.gps_utc
        out.append(_entry(0x0007, RATIONAL, [(t.hour, 1), (t.minute, 1),
                                              (t.second * 100 + t.microsecond // 10000, 100)]))
        out.append(_entry(0x001D, ASCII, t.strftime("%Y:%m:%d")))
    return out


def _image(seed: int, size: tuple[int, int]) -> Any:
    """A small smooth colour image (compresses well; different per seed)."""
    from PIL import Image

    width, height = size
    r, g, b = (seed * 67) % 256, (seed * 131 + 80) % 256, (seed * 29 + 160) % 256
    image = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (
        image.point(lambda v: (v + r) % 256),
        image.transpose(Image.Transpose.FLIP_TOP_BOTTOM).point(lambda v: (v + g) % 256),
        Image.new("L", (width, height), b),
    ))


def jpeg_bytes(exif: Exif | None, seed: int = 0, size: tuple[int, int] = (96, 64),
               xmp_before: bytes = b"") -> bytes:
    """A real JPEG with ``exif``; ``xmp_before`` puts an XMP APP1 segment ahead of the EXIF."""
    out = io.BytesIO()
    _image(seed, size).save(out, "JPEG", quality=70)
    data = out.getvalue()
    segments = b""
    if xmp_before:
        payload = b"http://ns.adobe.com/xap/1.0/\x00" + xmp_before
        segments += b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    if exif is not None:
        payload = b"Exif\x00\x00" + tiff_block(exif)
        segments += b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + segments + data[2:]


def heic_bytes(exif: Exif | None, seed: int = 0, size: tuple[int, int] = (64, 64)) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    extra = {"exif": b"Exif\x00\x00" + tiff_block(exif)} if exif is not None else {}
    _image(seed, size).save(out, "HEIF", quality=40, **extra)
    return out.getvalue()


def png_bytes(exif: Exif | None, seed: int = 0, size: tuple[int, int] = (32, 32)) -> bytes:
    out = io.BytesIO()
    extra = {"exif": b"Exif\x00\x00" + tiff_block(exif)} if exif is not None else {}
    _image(seed, size).save(out, "PNG", **extra)
    return out.getvalue()


def webp_bytes(exif: Exif | None, seed: int = 0, size: tuple[int, int] = (32, 32),
               exif_prefix: bool = False) -> bytes:
    """A WebP whose EXIF chunk holds the bare TIFF block (as most writers do), or with the
    ``Exif\\0\\0`` prefix some others write."""
    out = io.BytesIO()
    block = tiff_block(exif) if exif is not None else b""
    extra = {"exif": (b"Exif\x00\x00" if exif_prefix else b"") + block} if block else {}
    _image(seed, size).save(out, "WEBP", quality=50, **extra)
    return out.getvalue()
