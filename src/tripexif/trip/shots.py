"""One moment counted once: files that are one *shot*.

- **RAW+JPEG** (``raw+jpeg``): a RAW file (any photo whose extension is not a JPEG's or a
  HEIC's: .NEF, .ARW, .CR2, .DNG, ...) and a JPEG or HEIC with the same stem (case aside) in
  the same folder, from the same camera (and body, when both name its serial number), taken
  within 1 s of each other.
- **Copies** (``copy``): files of the same kind from the same camera, taken at the same
  moment to the sub-second, with the same size and the same first and last 64 KiB (all of a
  small file): one photo copied into two folders. Files of different sizes are never copies.

Moments are compared as instants (``Photo.time_utc``) when both files have one, else as the
camera's wall clock (the capture time as written, else ``time_local``); a file with no time
is its own shot. A shot's first photo gives its position and time: a located one (its own
GPS before a position tripexif placed it at), then one with a local time, then one with an
instant, then a JPEG/HEIC before a RAW, then by path.

Only files that could be duplicates are looked at on disk: a file is stat'ed when another
file of its camera has its moment, and its bytes sampled only when one of them also has its
size."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime, timedelta

from tripexif.model import Photo, Shot

JPEG_LIKE = frozenset({"jpg", "jpeg", "jpe", "jfif", "heic", "heif", "hif"})
PAIR_WINDOW = timedelta(seconds=1)
SAMPLE = 64 * 1024  # bytes compared at each end of two files of one size


def file_size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def file_sample(path: str) -> bytes | None:
    """A digest of the file's first and last ``SAMPLE`` bytes (of all of a smaller file)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(SAMPLE)
            size = os.fstat(fh.fileno()).st_size
            if size > 2 * SAMPLE:
                fh.seek(size - SAMPLE)
                head += fh.read(SAMPLE)
            elif size > SAMPLE:
                head += fh.read()
    except OSError:
        return None
    import hashlib  # only when two files may be copies: not on every re-scan's path

    return hashlib.blake2b(head, digest_size=16).digest()


def is_raw(photo: Photo) -> bool:
    """A RAW file, by extension: a photo that is no JPEG or HEIC."""
    return photo.kind == "photo" and _parts(photo.path)[2] not in JPEG_LIKE


def group(
    photos: Sequence[Photo],
    size: Callable[[str], int | None] = file_size,
    sample: Callable[[str], bytes | None] = file_sample,
) -> list[Shot]:
    """The shots of ``photos`` (readable files), in the order of their first file; every
    photo is in exactly one shot."""
    edges = [*_pairs(photos), *_copies(photos, size, sample)]
    if not edges:
        return single(photos)
    parent = list(range(len(photos)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reasons: dict[tuple[int, int], str] = {}
    for i, j, why in edges:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
        reasons[(i, j)] = why
    members: dict[int, list[int]] = {}
    for i in range(len(photos)):
        members.setdefault(root(i), []).append(i)
    why_of: dict[int, set[str]] = {}
    for (i, _), why in reasons.items():
        why_of.setdefault(root(i), set()).add(why)
    shots: list[Shot] = []
    for first, indices in members.items():
        if len(indices) == 1:
            shots.append(Shot((photos[first],)))
            continue
        chosen = sorted((photos[i] for i in indices), key=_representative)
        whys = why_of.get(first, set())
        why = "+".join(w for w in ("raw+jpeg", "copy") if w in whys)
        shots.append(Shot(tuple(chosen), why or None))
    return shots


def single(photos: Sequence[Photo]) -> list[Shot]:
    """Every file its own shot (``--keep-duplicates``)."""
    return [Shot((p,)) for p in photos]


def _representative(photo: Photo) -> tuple[bool, bool, bool, bool, bool, str]:
    return (not photo.located, photo.placed, photo.time_local is None, photo.time_utc is None,
            is_raw(photo), photo.path)


def _wall(photo: Photo) -> datetime | None:
    """The camera's clock: the capture time as the file holds it, else the local time."""
    if photo.raw.datetime_original is not None:
        return photo.raw.datetime_original
    return photo.time_local.replace(tzinfo=None) if photo.time_local is not None else None


def _moment(photo: Photo) -> tuple[str, datetime] | None:
    """What copies share: the instant, else the wall clock (None: no time)."""
    if photo.time_utc is not None:
        return "utc", photo.time_utc
    wall = _wall(photo)
    return None if wall is None else ("wall", wall)


def _within(a: Photo, b: Photo, window: timedelta) -> bool:
    """Taken within ``window``: as instants when both have one, else by the wall clock."""
    if a.time_utc is not None and b.time_utc is not None:
        return abs(a.time_utc - b.time_utc) <= window
    wall_a, wall_b = _wall(a), _wall(b)
    return wall_a is not None and wall_b is not None and abs(wall_a - wall_b) <= window


def _pairs(photos: Sequence[Photo]) -> list[tuple[int, int, str]]:
    """RAW+JPEG pairs: same folder, stem and camera, within a second."""
    raws: dict[tuple[str | None, str, str], list[int]] = {}
    jpegs: dict[tuple[str | None, str, str], list[int]] = {}
    parts = [_parts(p.path) if p.kind == "photo" else None for p in photos]
    for i, part in enumerate(parts):
        if part is not None and part[2] not in JPEG_LIKE:
            raws.setdefault((photos[i].camera, part[0], part[1].casefold()), []).append(i)
    if not raws:  # a library of JPEGs and HEICs only: nothing to pair (the common case)
        return []
    for i, part in enumerate(parts):
        if part is not None and part[2] in JPEG_LIKE:
            jpegs.setdefault((photos[i].camera, part[0], part[1].casefold()), []).append(i)
    found: list[tuple[int, int, str]] = []
    for key, raw_files in raws.items():
        for j in jpegs.get(key, ()):
            found.extend((min(i, j), max(i, j), "raw+jpeg") for i in raw_files
                         if _within(photos[i], photos[j], PAIR_WINDOW)
                         and _same_body(photos[i], photos[j]))
    return found


def _same_body(a: Photo, b: Photo) -> bool:
    """Not two bodies of one model: their serial numbers differ only when both have one."""
    return a.raw.serial is None or b.raw.serial is None or a.raw.serial == b.raw.serial


def _parts(path: str) -> tuple[str, str, str]:
    """(folder with its separator, stem, lower-case extension): os.path.split and splitext
    in a third of the time (every photo of a scan goes through it)."""
    cut = path.rfind("/")
    if os.sep == "\\":
        cut = max(cut, path.rfind("\\"))
    name = path[cut + 1:]
    dot = name.rfind(".")
    if dot <= 0:
        return path[:cut + 1], name, ""
    return path[:cut + 1], name[:dot], name[dot + 1:].lower()


def _copies(photos: Sequence[Photo], size: Callable[[str], int | None],
            sample: Callable[[str], bytes | None]) -> list[tuple[int, int, str]]:
    """Copies: same camera, kind and moment to the sub-second, same size and sampled bytes."""
    def same_moment(i: int) -> tuple[str | None, str, tuple[str, datetime]] | None:
        moment = _moment(photos[i])
        return None if moment is None else (photos[i].camera, photos[i].kind, moment)

    found: list[tuple[int, int, str]] = []
    for moment_group in _together(range(len(photos)), same_moment):
        for size_group in _together(moment_group, lambda i: size(photos[i].path)):
            for copies in _together(size_group, lambda i: sample(photos[i].path)):
                found.extend((copies[0], other, "copy") for other in copies[1:])
    return found


def _together(indices: Iterable[int], key: Callable[[int], Hashable | None]) -> list[list[int]]:
    """The groups of two or more of ``indices`` that ``key`` puts together (in their order;
    an index whose key is None is left out). Only a group's members get the next, dearer key
    (a stat, then a read)."""
    groups: dict[Hashable, list[int]] = {}
    for i in indices:
        value = key(i)
        if value is not None:
            groups.setdefault(value, []).append(i)
    return [group for group in groups.values() if len(group) > 1]
