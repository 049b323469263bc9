"""The small JPEG thumbnail a camera embeds in a photo's EXIF (never the full image)."""

from __future__ import annotations

import io
import os
from typing import BinaryIO

MAX_THUMBNAIL = 64 * 1024


def embedded_thumbnail(path: str) -> bytes | None:
    """The EXIF thumbnail's JPEG bytes, or None when the photo has none (or is unreadable)."""
    import exifread

    from tripexif.reading import containers

    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
            container = containers.locate(fh, os.fstat(fh.fileno()).st_size, head)
            blocks = [b.data for b in container.blocks if b.role == "tiff"]
            sources: list[BinaryIO] = [io.BytesIO(b) for b in blocks]
            if not sources and container.tiff_in_file:
                sources.append(fh)
            for source in sources:
                tags = exifread.process_file(source, details=False, extract_thumbnail=True)
                data = tags.get("JPEGThumbnail")
                if isinstance(data, bytes) and data[:2] == b"\xff\xd8":
                    return data if len(data) <= MAX_THUMBNAIL else None
    except Exception:  # a damaged file simply has no thumbnail to show
        return None
    return None
