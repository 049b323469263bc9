"""XMP sidecar files: the capture time and position people correct beside the photo.

Lightroom, darktable, digiKam and ExifTool keep edits to a photo (RAW ones above all) in an
XMP file next to it: ``IMG_1234.CR2.xmp`` (darktable, digiKam) or ``IMG_1234.xmp``
(Lightroom, ExifTool's ``-o %d%f.xmp``). The first that exists is the photo's sidecar, the
extension matched in any case (``.XMP``). Its time and position override the ones in the
photo: that is where they are corrected. A sidecar is never a photo itself (the reader
sniffs a walked ``.xmp`` file, finds no photo format and passes over it).

The folder's list of ``.xmp`` names is kept per folder (checked against the folder's
modification time), so looking for a sidecar costs one ``stat`` of the folder per photo.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tripexif.model import RawTimes
from tripexif.reading.containers import MAX_XMP

if TYPE_CHECKING:  # exifread loads only when a file is read: sidecar_path is on the warm path
    from tripexif.reading.exif import Metadata

MAX_FOLDERS = 256  # folders whose listing is kept; a library is read folder by folder

_listings: dict[str, tuple[int, dict[str, str]]] = {}


def sidecar_path(path: str) -> str | None:
    """The sidecar of the photo at ``path`` (``name.ext.xmp`` before ``name.xmp``), or None."""
    folder, name = os.path.split(path)
    names = _xmp_names(folder or os.curdir)
    if not names:
        return None
    stem = os.path.splitext(name)[0]
    for wanted in (f"{name}.xmp", f"{stem}.xmp"):
        found = names.get(wanted.casefold())
        if found is not None and found != name:
            return os.path.join(folder, found)
    return None


def sidecar_metadata(path: str) -> Metadata | None:
    """What the sidecar of the photo at ``path`` says, with ``time_field`` and ``gps_field``
    "sidecar"; None when it has no sidecar, or one that cannot be read (too large, not
    XML, a DTD). Never raises for what the sidecar holds."""
    from tripexif.reading import xmp
    from tripexif.reading.exif import Metadata, choose_time

    found_path = sidecar_path(path)
    if found_path is None:
        return None
    try:
        with open(found_path, "rb") as fh:
            packet = fh.read(MAX_XMP + 1)
    except OSError:
        return None
    found = xmp.parse(packet)
    if found is None:
        return None
    chosen = choose_time([("sidecar", stamp) for stamp in found.times])
    wall, offset = (chosen[1].wall, chosen[1].offset) if chosen else (None, None)
    raw = RawTimes(datetime_original=wall, offset_original=offset,
                   time_field="sidecar" if wall else None,
                   gps_field="sidecar" if found.lat is not None else None)
    return Metadata(found.lat, found.lon, found.alt, found.gps_note, raw=raw)


def with_sidecar(path: str, meta: Metadata) -> Metadata:
    """``meta`` (what the photo at ``path`` holds) with its sidecar's time and position in
    place of its own, where the sidecar has them.

    A sidecar time without an offset keeps the photo's offset when both show the same
    wall clock (as ``offset_lent``); a sidecar position replaces the photo's (its altitude
    too, or none). The photo's GPS UTC stamp stays: it is the receiver's time, which no
    editor corrects. An impossible sidecar position leaves the photo's own."""
    from dataclasses import replace  # (on the read path only, not the re-scan's)

    side = sidecar_metadata(path)
    if side is None:
        return meta
    raw = meta.raw
    if side.raw.datetime_original is not None:
        wall = side.raw.datetime_original
        lent = None
        if side.raw.offset_original is None and raw.datetime_original is not None and \
                raw.datetime_original.replace(microsecond=0) == wall.replace(microsecond=0):
            lent = raw.offset_original or raw.offset_lent
        raw = raw._replace(datetime_original=wall, offset_original=side.raw.offset_original,
                           offset_lent=lent, time_field="sidecar")
    if side.lat is not None:
        raw = raw._replace(gps_field="sidecar")
        return replace(meta, lat=side.lat, lon=side.lon, alt=side.alt, gps_note=None, raw=raw)
    if meta.lat is None and meta.gps_note is None and side.gps_note is not None:
        return replace(meta, gps_note=side.gps_note, raw=raw)
    return replace(meta, raw=raw)


def _xmp_names(folder: str) -> dict[str, str]:
    """The ``.xmp`` files of a folder: casefolded name -> name; {} when it cannot be read."""
    if not os.path.isabs(folder):  # "." is another folder after a chdir
        folder = os.path.abspath(folder)
    try:
        stamp = os.stat(folder).st_mtime_ns
    except OSError:
        return {}
    kept = _listings.get(folder)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    try:
        names = {n.casefold(): n for n in os.listdir(folder) if n[-4:].casefold() == ".xmp"}
    except OSError:
        names = {}
    if len(_listings) >= MAX_FOLDERS:
        _listings.clear()
    _listings[folder] = (stamp, names)
    return names
