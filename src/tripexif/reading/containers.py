"""Find the EXIF (TIFF) block inside each container format.

ExifRead 3.5 finds EXIF by itself in simple files but misses or crashes on real ones (WebP
chunks without the ``Exif\\0\\0`` prefix, HEIF items placed with an iloc base offset, JPEGs whose
Exif segment follows a large XMP segment). So we walk each container's structure ourselves,
hand exifread only the TIFF block, and never trust a length or offset without checking it.

Where a container has them, the XMP packet (JPEG APP1, HEIF/AVIF ``mime`` item, PNG ``iTXt``,
WebP ``XMP `` chunk) and the Photoshop resources that hold IPTC (JPEG APP13) are kept as
bytes, parsed later only when the EXIF lacks what they could give (see ``exif.metadata``).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from tripexif.errors import MetadataError

MAX_BLOCK = 16 * 1024 * 1024  # no real EXIF block is larger; refuse to read more
MAX_XMP = 1024 * 1024  # an XMP packet or IPTC block larger than this is not read
XMP_SIGNATURE = b"http://ns.adobe.com/xap/1.0/\x00"
PHOTOSHOP_SIGNATURE = b"Photoshop 3.0\x00"
TIFF_MAGICS = (b"II*\x00", b"MM\x00*")
# TIFF-structured raw formats whose header is not the plain TIFF magic
RAW_TIFF_MAGICS = (b"IIRO", b"IIRS", b"MMOR", b"IIU\x00")
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis",
               b"mif2", b"avci", b"heif"}
CR3_BRAND = b"crx "
EXIF_PROFILES = (b"Raw profile type exif", b"Raw profile type APP1")
XMP_PROFILES = (b"Raw profile type xmp",)
CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")


class TiffBlock(NamedTuple):
    """A TIFF-structured byte block. ``role`` says what its first IFD is."""

    data: bytes
    role: str = "tiff"  # "tiff" (IFD0 = image), "exif" (IFD0 = Exif IFD), "gps" (IFD0 = GPS IFD)


class Container(NamedTuple):
    format: str  # "jpeg", "tiff", "heif", "png", "webp", "jxl", "raf", "mrw", "cr3", "mp4", ...
    kind: str  # "photo" | "video"
    blocks: tuple[TiffBlock, ...] = ()
    tiff_in_file: bool = False  # the file is TIFF-structured: exifread reads it in place
    unsupported: str | None = None  # why this file's metadata is not read
    xmp: bytes | None = None  # the embedded XMP packet, unparsed
    iptc: bytes | None = None  # Photoshop image resources (JPEG APP13), unparsed


class _Found(NamedTuple):
    """What a container finder found."""

    blocks: list[TiffBlock]
    xmp: bytes | None = None
    iptc: bytes | None = None


def sniff(head: bytes) -> tuple[str, str] | None:
    """(format, kind) from a file's first bytes, or None when it is no format we know."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg", "photo"
    if head[6:14] == b"HEAPCCDR":
        return "crw", "photo"
    if head[:4] in TIFF_MAGICS:
        return "tiff", "photo"
    if head[:4] in RAW_TIFF_MAGICS:
        return "raw", "photo"
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        return "bigtiff", "photo"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png", "photo"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "photo"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi", "video"
    if head[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n":
        return "jxl", "photo"
    if head[:2] == b"\xff\x0a":
        return "jxl-codestream", "photo"
    if head[:16] == b"FUJIFILMCCD-RAW ":
        return "raf", "photo"
    if head[:4] == b"\x00MRM":
        return "mrw", "photo"
    if head[:4] == b"FOVb":
        return "x3f", "photo"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska", "video"
    if _is_mpeg_ts(head):
        return "mts", "video"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIF_BRANDS:
            return ("avif" if brand in (b"avif", b"avis") else "heif"), "photo"
        if brand == CR3_BRAND:
            return "cr3", "photo"
        return ("mov" if brand == b"qt  " else "mp4"), "video"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return "mov", "video"
    return None


def _is_mpeg_ts(head: bytes) -> bool:
    if len(head) >= 189 and head[0] == 0x47 and head[188] == 0x47:
        return True
    return len(head) >= 197 and head[4] == 0x47 and head[196] == 0x47


def locate(fh: BinaryIO, size: int, head: bytes) -> Container:
    """Find the metadata blocks of an opened file whose first bytes are ``head``."""
    sniffed = sniff(head)
    if sniffed is None:
        return Container(
            "unknown", "photo", unsupported="not a photo or video format tripexif knows"
        )
    fmt, kind = sniffed
    if kind == "video":
        return Container(fmt, kind)
    if fmt in ("tiff", "raw"):
        return Container(fmt, kind, tiff_in_file=True)
    finder = _FINDERS.get(fmt)
    if finder is None:
        reasons = {
            "crw": "Canon CRW (CIFF) metadata is not read",
            "bigtiff": "BigTIFF metadata is not read",
            "x3f": "Sigma X3F metadata is not read",
            "jxl-codestream": "a bare JPEG XL codestream holds no EXIF",
        }
        return Container(fmt, kind, unsupported=reasons.get(fmt, f"{fmt} is not read"))
    found = finder(fh, size)
    return Container(fmt, kind, blocks=tuple(found.blocks), xmp=found.xmp, iptc=found.iptc)


# --- helpers -------------------------------------------------------------------------------


def read_at(fh: BinaryIO, offset: int, length: int, size: int) -> bytes:
    if offset < 0 or length < 0 or offset > size:
        raise MetadataError("metadata points outside the file")
    if length > MAX_BLOCK:
        raise MetadataError(f"metadata block of {length} bytes is implausibly large")
    fh.seek(offset)
    data = fh.read(length)
    if len(data) < length:
        raise MetadataError("file is truncated inside its metadata")
    return data


def _tiff_from_exif_payload(data: bytes) -> bytes | None:
    """The TIFF block in an Exif payload that may start with ``Exif\\0\\0`` (or not)."""
    if data[:4] in TIFF_MAGICS:
        return data
    if data[:4] == b"Exif" and data[6:10] in TIFF_MAGICS:
        return data[6:]
    # a few writers pad differently: look for the TIFF magic near the start
    for magic in TIFF_MAGICS:
        at = data.find(magic, 0, 64)
        if at >= 0:
            return data[at:]
    return None


def _scan_for_exif(fh: BinaryIO, start: int, size: int) -> list[TiffBlock]:
    """Last resort for damaged files: find ``Exif\\0\\0`` + TIFF magic in the first MiB."""
    window = read_at(fh, start, min(size - start, 1 << 20), size)
    for magic in TIFF_MAGICS:
        at = window.find(b"Exif\x00\x00" + magic)
        if at >= 0:
            return [TiffBlock(window[at + 6 : at + 6 + 65536])]
    return []


# --- JPEG ------------------------------------------------------------------------------------


def _jpeg(fh: BinaryIO, size: int, start: int = 0) -> _Found:
    """The first Exif APP1 segment, the XMP APP1 segment and the APP13 Photoshop resources
    (which hold IPTC) before the image data."""
    pos = start + 2
    blocks: list[TiffBlock] = []
    xmp: bytes | None = None
    resources: list[bytes] = []
    while pos + 4 <= size:
        fh.seek(pos)
        marker = fh.read(4)
        if len(marker) < 4 or marker[0] != 0xFF:
            break
        code = marker[1]
        if code == 0xFF:  # fill byte
            pos += 1
            continue
        if code in (0x01, 0xD8) or 0xD0 <= code <= 0xD7:  # markers without a length
            pos += 2
            continue
        if code in (0xD9, 0xDA):  # end of image / start of scan: no metadata after this
            return _Found(blocks, xmp, b"".join(resources) or None)
        length = struct.unpack(">H", marker[2:4])[0]
        if length < 2:
            break
        if code == 0xE1 and length >= 14:
            payload = fh.read(min(length - 2, size - pos - 4))
            if payload[:5] == b"Exif\x00" and not blocks:
                tiff = _tiff_from_exif_payload(payload)
                if tiff is not None:
                    blocks.append(TiffBlock(tiff))
            elif payload[:29] == XMP_SIGNATURE and xmp is None:
                xmp = payload[29:]
        elif code == 0xED and length >= 16:
            payload = fh.read(min(length - 2, size - pos - 4))
            if payload[:14] == PHOTOSHOP_SIGNATURE and sum(map(len, resources)) < MAX_XMP:
                resources.append(payload[14:])
        pos += 2 + length
    else:
        if not blocks and xmp is None:
            raise MetadataError("file is truncated before its image data")
        return _Found(blocks, xmp, b"".join(resources) or None)
    # a damaged segment chain: look for the Exif block in the bytes
    return _Found(blocks or _scan_for_exif(fh, start, size), xmp, b"".join(resources) or None)


# --- ISO base media (HEIF, AVIF, CR3) --------------------------------------------------------


def boxes(fh: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) for each box between start and end."""
    pos = start
    count = 0
    while pos + 8 <= end:
        count += 1
        if count > 10_000:
            raise MetadataError("too many boxes: the file's structure is corrupt")
        fh.seek(pos)
        header = fh.read(8)
        if len(header) < 8:
            return
        box_size, box_type = struct.unpack(">I4s", header)
        header_len = 8
        if box_size == 1:
            large = fh.read(8)
            if len(large) < 8:
                return
            box_size = struct.unpack(">Q", large)[0]
            header_len = 16
        elif box_size == 0:
            box_size = end - pos
        if box_size < header_len:
            name = box_type.decode("latin-1") if box_type.isalnum() else box_type.hex()
            raise MetadataError(f"box '{name}' has an impossible size: the file is corrupt")
        box_end = min(pos + box_size, end)
        yield box_type, pos + header_len, box_end
        pos += box_size


def find_box(fh: BinaryIO, start: int, end: int, wanted: bytes) -> tuple[int, int] | None:
    for box_type, begin, stop in boxes(fh, start, end):
        if box_type == wanted:
            return begin, stop
    return None


def _uint(data: bytes, at: int, width: int) -> int:
    if width == 0:
        return 0
    if at + width > len(data):
        raise MetadataError("truncated item location table")
    return int.from_bytes(data[at : at + width], "big")


def _heif_items(fh: BinaryIO, meta_start: int, meta_end: int) -> dict[str, int]:
    """The item ids of the Exif item ("exif") and of the XMP item ("xmp": a ``mime`` item
    of type application/rdf+xml), those the iinf box lists."""
    found: dict[str, int] = {}
    iinf = find_box(fh, meta_start, meta_end, b"iinf")
    if iinf is None:
        return found
    begin, end = iinf
    fh.seek(begin)
    version = fh.read(1)
    header = 4 + (2 if version == b"\x00" else 4)
    for box_type, infe_start, infe_end in boxes(fh, begin + header, end):
        if box_type != b"infe":
            continue
        infe = read_at(fh, infe_start, min(infe_end - infe_start, 256), infe_end)
        if not infe or infe[0] < 2:  # empty, or a version without an item type
            continue
        id_width = 2 if infe[0] == 2 else 4
        if len(infe) < 4 + id_width + 6:  # too short for its id, protection index and type
            continue
        item_id = _uint(infe, 4, id_width)
        at = 4 + id_width + 2
        item_type = infe[at : at + 4]
        if item_type == b"Exif":
            found.setdefault("exif", item_id)
        elif item_type == b"mime":
            # item name, then content type, each NUL-terminated
            name_end = infe.find(b"\x00", at + 4)
            content_type = infe[name_end + 1 :].split(b"\x00", 1)[0] if name_end >= 0 else b""
            if content_type.strip() == b"application/rdf+xml":
                found.setdefault("xmp", item_id)
    return found


def _heif_item_extents(
    fh: BinaryIO, meta_start: int, meta_end: int, wanted: int
) -> tuple[int, list[tuple[int, int]]] | None:
    """(construction method, [(offset, length)]) of item ``wanted`` from the iloc box."""
    iloc = find_box(fh, meta_start, meta_end, b"iloc")
    if iloc is None:
        return None
    data = read_at(fh, iloc[0], iloc[1] - iloc[0], iloc[1])
    if len(data) < 6:  # version, flags and the field sizes
        raise MetadataError("truncated item location table")
    version = data[0]
    if version > 2:
        raise MetadataError(f"unknown item location table version {version}")
    offset_size, length_size = data[4] >> 4, data[4] & 15
    base_size = data[5] >> 4
    index_size = data[5] & 15 if version in (1, 2) else 0
    at = 6
    id_width = 2 if version < 2 else 4
    item_count = _uint(data, at, id_width)
    at += id_width
    for _ in range(item_count):
        item_id = _uint(data, at, id_width)
        at += id_width
        method = 0
        if version in (1, 2):
            method = _uint(data, at, 2) & 15
            at += 2
        at += 2  # data_reference_index
        base = _uint(data, at, base_size)
        at += base_size
        extent_count = _uint(data, at, 2)
        at += 2
        extents = []
        for _ in range(extent_count):
            at += index_size
            offset = _uint(data, at, offset_size)
            at += offset_size
            length = _uint(data, at, length_size)
            at += length_size
            extents.append((base + offset, length))
        if item_id == wanted:
            return method, extents
    return None


def _heif_item(fh: BinaryIO, meta_start: int, meta_end: int, size: int, item: int,
               what: str, limit_bytes: int = MAX_BLOCK) -> bytes | None:
    """The bytes of item ``item``; None when the iloc box does not place it, or when they
    are more than ``limit_bytes``."""
    located = _heif_item_extents(fh, meta_start, meta_end, item)
    if located is None:
        return None
    method, extents = located
    if method == 1:  # offsets are inside the idat box
        idat = find_box(fh, meta_start, meta_end, b"idat")
        if idat is None:
            raise MetadataError(f"{what} item refers to a missing idat box")
        origin, limit = idat
    elif method == 0:
        origin, limit = 0, size
    else:
        raise MetadataError(f"{what} item uses unsupported construction method {method}")
    lengths = [length or limit - origin - offset for offset, length in extents]
    if sum(lengths) > limit_bytes:
        return None
    return b"".join(
        read_at(fh, origin + offset, length, limit)
        for (offset, _), length in zip(extents, lengths, strict=True)
    )


def _heif(fh: BinaryIO, size: int) -> _Found:
    meta = find_box(fh, 0, size, b"meta")
    if meta is None:
        return _Found([])
    meta_start, meta_end = meta[0] + 4, meta[1]  # meta is a full box
    items = _heif_items(fh, meta_start, meta_end)
    xmp = None
    if "xmp" in items:
        try:
            xmp = _heif_item(fh, meta_start, meta_end, size, items["xmp"], "XMP", MAX_XMP)
        except MetadataError:
            xmp = None  # a broken XMP item costs the XMP, not the file
    data = None
    if "exif" in items:
        data = _heif_item(fh, meta_start, meta_end, size, items["exif"], "EXIF")
    if data is None or len(data) < 8:
        return _Found([], xmp)
    # ISO 23008-12: a 4-byte offset to the TIFF header, then the Exif payload
    skip = int.from_bytes(data[:4], "big")
    payload = data[4 + skip :] if 4 + skip < len(data) else b""
    tiff = _tiff_from_exif_payload(payload) or _tiff_from_exif_payload(data[4:])
    return _Found([TiffBlock(tiff)] if tiff else [], xmp)


def _cr3(fh: BinaryIO, size: int) -> _Found:
    moov = find_box(fh, 0, size, b"moov")
    if moov is None:
        return _Found([])
    for box_type, begin, end in boxes(fh, *moov):
        if box_type != b"uuid" or read_at(fh, begin, 16, end) != CANON_UUID:
            continue
        roles = {b"CMT1": "tiff", b"CMT2": "exif", b"CMT4": "gps"}
        blocks = []
        for inner, start, stop in boxes(fh, begin + 16, end):
            if inner in roles:
                data = read_at(fh, start, stop - start, stop)
                if data[:4] in TIFF_MAGICS:
                    blocks.append(TiffBlock(data, roles[inner]))
        return _Found(blocks)
    return _Found([])


# --- PNG, WebP, JPEG XL, RAF, MRW ------------------------------------------------------------


def _png_text_profile(chunk_type: bytes, data: bytes,
                      keywords: tuple[bytes, ...] = EXIF_PROFILES) -> bytes | None:
    """ImageMagick's 'Raw profile type exif/APP1' (or ``keywords``): hex text in a
    tEXt/zTXt/iTXt chunk; the TIFF block of an EXIF profile, any other profile's bytes."""
    keyword, _, rest = data.partition(b"\x00")
    if keyword not in keywords:
        return None
    if chunk_type == b"zTXt":
        text = zlib.decompressobj().decompress(rest[1:], MAX_BLOCK * 2)
    elif chunk_type == b"iTXt":
        compressed = rest[:1] == b"\x01"
        rest = rest[2:].split(b"\x00", 2)[-1]  # skip language tag and translated keyword
        text = zlib.decompressobj().decompress(rest, MAX_BLOCK * 2) if compressed else rest
    else:
        text = rest
    lines = text.strip().split(b"\n", 2)
    if len(lines) < 3:
        return None
    try:
        profile = bytes.fromhex(lines[2].decode("ascii"))
    except ValueError:
        return None
    return _tiff_from_exif_payload(profile) if keywords == EXIF_PROFILES else profile


def _png_xmp(chunk_type: bytes, data: bytes) -> bytes | None:
    """The XMP packet of an ``iTXt`` chunk with keyword XML:com.adobe.xmp, or of
    ImageMagick's hex "Raw profile type xmp" text chunk; else None."""
    keyword, _, rest = data.partition(b"\x00")
    try:
        if keyword in XMP_PROFILES:
            return _png_text_profile(chunk_type, data, XMP_PROFILES)
        if chunk_type != b"iTXt" or keyword != b"XML:com.adobe.xmp" or len(rest) < 2:
            return None
        compressed = rest[:1] == b"\x01"
        text = rest[2:].split(b"\x00", 2)[-1]  # skip language tag and translated keyword
        if compressed:
            text = zlib.decompressobj().decompress(text, MAX_XMP + 1)
    except zlib.error:
        return None  # a damaged XMP chunk costs the XMP, not the file
    return text if len(text) <= MAX_XMP else None


def _png(fh: BinaryIO, size: int) -> _Found:
    pos = 8
    exif: list[TiffBlock] | None = None
    profile: bytes | None = None
    xmp: bytes | None = None
    while pos + 12 <= size:
        header = read_at(fh, pos, 8, size)
        length, chunk_type = struct.unpack(">I4s", header)
        if chunk_type == b"eXIf" and exif is None:
            tiff = _tiff_from_exif_payload(read_at(fh, pos + 8, length, size))
            exif = [TiffBlock(tiff)] if tiff else []
        elif chunk_type in (b"tEXt", b"zTXt", b"iTXt") and length < MAX_BLOCK:
            want_profile = profile is None and exif is None
            want_xmp = xmp is None and length <= MAX_XMP * 2
            if want_profile or want_xmp:
                data = read_at(fh, pos + 8, length, size)
                if want_profile:
                    profile = _png_text_profile(chunk_type, data)
                if want_xmp:
                    xmp = _png_xmp(chunk_type, data)
        if chunk_type == b"IEND" or (exif is not None and xmp is not None):
            break
        pos += 12 + length
    if exif is None:
        exif = [TiffBlock(profile)] if profile else []
    return _Found(exif, xmp)


def _webp(fh: BinaryIO, size: int) -> _Found:
    pos = 12
    exif: list[TiffBlock] | None = None
    xmp: bytes | None = None
    while pos + 8 <= size:
        chunk_type, length = struct.unpack("<4sI", read_at(fh, pos, 8, size))
        if chunk_type == b"EXIF" and exif is None:
            tiff = _tiff_from_exif_payload(read_at(fh, pos + 8, length, size))
            exif = [TiffBlock(tiff)] if tiff else []
        elif chunk_type == b"XMP " and xmp is None and length <= MAX_XMP:
            xmp = read_at(fh, pos + 8, length, size)
        if exif is not None and xmp is not None:
            break
        pos += 8 + length + (length & 1)
    return _Found(exif or [], xmp)


def _jxl(fh: BinaryIO, size: int) -> _Found:
    found = find_box(fh, 0, size, b"Exif")
    if found is None:
        return _Found([])
    data = read_at(fh, found[0], found[1] - found[0], size)
    tiff = _tiff_from_exif_payload(data[4:])
    return _Found([TiffBlock(tiff)] if tiff else [])


def _raf(fh: BinaryIO, size: int) -> _Found:
    offset, length = struct.unpack(">II", read_at(fh, 84, 8, size))
    if offset + length > size or read_at(fh, offset, 2, size) != b"\xff\xd8":
        raise MetadataError("RAF header points to no embedded JPEG")
    return _jpeg(fh, offset + length, offset)


def _mrw(fh: BinaryIO, size: int) -> _Found:
    _, header_len = struct.unpack(">4sI", read_at(fh, 0, 8, size))
    pos, end = 8, min(size, 8 + header_len)
    while pos + 8 <= end:
        block_type, length = struct.unpack(">4sI", read_at(fh, pos, 8, size))
        if block_type == b"\x00TTW":
            data = read_at(fh, pos + 8, min(length, end - pos - 8), size)
            return _Found([TiffBlock(data)] if data[:4] in TIFF_MAGICS else [])
        pos += 8 + length
    return _Found([])


_FINDERS = {
    "jpeg": _jpeg,
    "heif": _heif,
    "avif": _heif,
    "cr3": _cr3,
    "png": _png,
    "webp": _webp,
    "jxl": _jxl,
    "raf": _raf,
    "mrw": _mrw,
}
