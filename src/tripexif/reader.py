"""Read one file into a Photo record; never raise for what a file contains."""

from __future__ import annotations

import os
import stat

from tripexif import containers
from tripexif.errors import MetadataError
from tripexif.model import Photo
from tripexif.walk import Entry, has_media_extension

HEAD_BYTES = 512
BMFF_VIDEOS = ("mp4", "mov")


def read_entry(entry: Entry) -> Photo | None:
    """The record for a walked entry; None for a walked non-media file we silently ignore."""
    if entry.problem:
        return Photo(entry.path, error=entry.problem)
    photo = read_photo(entry.path)
    quiet = not entry.named and not has_media_extension(entry.path)
    if quiet and photo.skipped:
        return None
    return photo


def read_photo(path: str) -> Photo:
    """Read a file's position, camera and raw time fields. Problems become ``error``."""
    from tripexif import exif, quicktime  # exifread loads only when a file is really read

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return Photo(path, error="file vanished before it could be read")
    except PermissionError:
        return Photo(path, error="permission denied")
    except OSError as exc:
        return Photo(path, error=f"cannot open: {exc.strerror or exc}")
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return Photo(path, skipped="not a regular file (device, pipe or socket)")
            head = fh.read(HEAD_BYTES)
            if not head:
                return Photo(path, error="empty file")
            container = containers.locate(fh, info.st_size, head)
            if container.unsupported:
                return Photo(path, kind=container.kind, skipped=container.unsupported)
            if container.kind == "video":
                if container.format not in BMFF_VIDEOS:
                    return Photo(path, kind="video",
                                 skipped=f"{container.format} video metadata is not read")
                meta = quicktime.read_video(fh, info.st_size)
            else:
                meta = exif.metadata(exif.read_tags(container, fh))
        except MetadataError as exc:
            return Photo(path, error=str(exc))
        except OSError as exc:
            return Photo(path, error=f"read failed: {exc.strerror or exc}")
        except Exception as exc:  # a bug must not end the batch; keep the reason short
            return Photo(path, error=f"unexpected {type(exc).__name__}: {exc}"[:200])
    return Photo(
        path, kind=container.kind, lat=meta.lat, lon=meta.lon, alt=meta.alt,
        camera=meta.camera, raw=meta.raw, gps_note=meta.gps_note,
    )
