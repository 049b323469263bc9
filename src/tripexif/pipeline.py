"""From PATH arguments to resolved photo records: walk -> read -> time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tripexif.model import Photo
from tripexif.reader import read_entry
from tripexif.times import TimeSettings, resolve
from tripexif.walk import walk
from tripexif.zones import ZoneFinder


@dataclass
class PhotoSet:
    photos: list[Photo]
    warnings: list[str] = field(default_factory=list)
    ignored: int = 0  # walked files that are not photos or videos


def load(
    paths: Iterable[str],
    settings: TimeSettings,
    zones: ZoneFinder | None = None,
    progress: Callable[[int], None] | None = None,
) -> PhotoSet:
    photos: list[Photo] = []
    ignored = 0
    for entry in walk(paths):
        photo = read_entry(entry)
        if photo is None:
            ignored += 1
        else:
            photos.append(photo)
        if progress:
            progress(len(photos) + ignored)
    finder = zones or ZoneFinder()
    resolved, warnings = resolve(photos, settings, finder.name_at)
    return PhotoSet(resolved, warnings, ignored)
