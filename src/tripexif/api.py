"""The library: from paths to photo records and to the itinerary. The CLI is a thin layer on
these functions; ``import tripexif`` exports them (lazily, so start-up stays fast)::

    import tripexif

    itinerary = tripexif.scan(["examples/photos"])
    for day in itinerary.days:
        for stop in day.stops:
            print(day.date, stop.arrival, stop.place.display if stop.place else None)

Stages: walk (reading/walk) -> read, through the scan index (reading/pool, store/index) -> time
(clock/times) -> stops per local day (trip/itinerary) -> names (geocode).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from tripexif.clock.times import TimeSettings, resolve
from tripexif.clock.zones import ZoneFinder
from tripexif.errors import UsageError
from tripexif.model import Itinerary, Photo
from tripexif.reading.pool import read_all, usable_cpus
from tripexif.reading.sidecar import sidecar_path
from tripexif.reading.walk import Entry, walk
from tripexif.store.index import (
    BadRecord,
    Index,
    Outdated,
    Stamp,
    cacheable,
    pack,
    stamp,
    unpack,
)
from tripexif.trip.itinerary import ClusterSettings, build

if TYPE_CHECKING:
    from tripexif.geocode.base import Geocoder
    from tripexif.geocode.nearby import NearbyFinder

PathArg = str | os.PathLike[str]
Progress = Callable[[int, int], None]  # (files done, files in all)


class PhotoSet(NamedTuple):
    photos: list[Photo]
    warnings: list[str]
    ignored: int = 0  # walked files that are not photos or videos
    read: int = 0  # files actually read (not answered by the index)


def read(
    paths: Iterable[PathArg],
    *,
    time: TimeSettings | None = None,
    jobs: int | None = None,
    cache: bool | Index = True,
    progress: Progress | None = None,
) -> list[Photo]:
    """One :class:`~tripexif.model.Photo` per photo or video file under ``paths`` (files, and
    folders walked recursively), with its position and its resolved times.

    ``time``: the camera clock rules (:class:`~tripexif.clock.times.TimeSettings`);
    ``jobs``: reading processes (default: the usable CPUs); ``cache``: use the scan index in
    the user cache folder (True), a given :class:`~tripexif.store.index.Index`, or none
    (False); ``progress(done, total)`` is called as files are read.
    Raises :class:`~tripexif.errors.UsageError` when a path does not exist."""
    names = _existing(paths)
    with _index(cache) as index:
        return load(names, time or TimeSettings(), jobs=jobs or usable_cpus(), index=index,
                    progress=progress).photos


def scan(
    paths: Iterable[PathArg],
    *,
    time: TimeSettings | None = None,
    clustering: ClusterSettings | None = None,
    geocoder: str | Geocoder = "offline",
    geocoder_options: Mapping[str, str] | None = None,
    language: str | None = None,
    nearby: NearbyFinder | None = None,
    jobs: int | None = None,
    cache: bool | Index = True,
    progress: Progress | None = None,
    keep_duplicates: bool = False,
) -> Itinerary:
    """The :class:`~tripexif.model.Itinerary` of the photos under ``paths``: local days, the
    stops and waypoints of each day, named by ``geocoder``.

    A RAW+JPEG pair or copies of one photo are one shot, counted once (all files listed;
    ``itinerary.duplicates`` says which); ``keep_duplicates=True`` counts every file.

    ``geocoder``: ``"offline"`` (the shipped place file, no network; the default),
    ``"none"``, a geopy service name (``"nominatim"``, ``"photon"``, ...: sends each stop's
    position, rounded to ~10 m, to that service) with ``geocoder_options``, or any object with
    ``reverse(lat, lon) -> Place | None``. ``language`` (``"ja"``, ``"ko"``, ...; default
    English) names places in that language, offline where the place file has the name, else
    in the local name when written in that language's script, else in English; an online
    service gets it too. ``clustering``:
    :class:`~tripexif.trip.itinerary.ClusterSettings`. ``nearby``: a
    :class:`~tripexif.geocode.nearby.NearbyFinder` to list places to see and to eat near each
    stop (see :func:`tripexif.geocode.compose.make_nearby`). Warnings (camera clocks, a failed
    online service) are in ``itinerary.warnings``. Other arguments as for :func:`read`."""
    names = _existing(paths)
    warnings: list[str] = []
    with _index(cache) as index:
        if isinstance(geocoder, str):
            from tripexif.geocode.compose import make_geocoder

            coder = make_geocoder(geocoder, dict(geocoder_options or {}), language=language,
                                  index=index, warn=warnings.append)
        else:
            coder = geocoder
        photoset = load(names, time or TimeSettings(), jobs=jobs or usable_cpus(), index=index,
                        progress=progress)
        itinerary = build(photoset.photos, clustering or ClusterSettings(), coder,
                          photoset.warnings, nearby, keep_duplicates=keep_duplicates)
        if index is not None:  # said while naming (a place-name write that failed)
            warnings.extend(index.take_warnings())
    return itinerary._replace(warnings=itinerary.warnings + tuple(warnings))


def _existing(paths: Iterable[PathArg]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]  # one path, not its characters
    names = [os.fspath(p) for p in paths]
    for name in names:
        if not os.path.lexists(name):
            raise UsageError(f"{name!r}: no such file or folder")
    return names


class _index:
    """The scan index a call uses: opened and closed here, or the caller's, or none."""

    def __init__(self, cache: bool | Index) -> None:
        self.cache = cache
        self.opened: Index | None = None

    def __enter__(self) -> Index | None:
        if isinstance(self.cache, Index):
            return self.cache
        if self.cache:
            self.opened = Index()
        return self.opened

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None:
            self.opened.close()


def _key(entry: Entry) -> tuple[str, Stamp, Stamp | None] | None:
    """The index key of a walked file now: its absolute path and stamp, with its XMP
    sidecar's stamp folded in (and that stamp alone, to fold into a new record's)."""
    if entry.problem:
        return None
    try:
        info = os.stat(entry.path)
    except OSError:
        return None
    side = None
    side_path = None
    if entry.sidecars:  # the walk saw an .xmp file in its folder, or it was named alone
        side_path = sidecar_path(entry.path)
    if side_path is not None:
        try:
            side = stamp(os.stat(side_path))
        except OSError:
            side = None
    return os.path.abspath(entry.path), _fold(stamp(info), side), side


def _fold(photo: Stamp, side: Stamp | None) -> Stamp:
    """A photo's stamp that also changes when its sidecar is added, edited or removed (the
    record holds what the sidecar says): the later of the two change times."""
    if side is None:
        return photo
    return photo._replace(mtime_ns=max(photo.mtime_ns, side.mtime_ns),
                          ctime_ns=max(photo.ctime_ns, side.ctime_ns))


def load(
    paths: Iterable[str],
    settings: TimeSettings,
    *,
    jobs: int = 1,
    index: Index | None = None,
    zones: ZoneFinder | None = None,
    progress: Progress | None = None,
) -> PhotoSet:
    """Read every file under ``paths`` (through ``index`` when given) and resolve times.

    Paths that do not exist become records with an error (the CLI checks its arguments
    first; paths read from standard input may vanish). The index's warnings (a cache that
    cannot be used, records dropped) are in the result's ``warnings``."""
    paths = list(paths)
    entries = list(walk(paths))
    keys = [_key(e) for e in entries] if index else [None] * len(entries)
    known = index.lookup([k[:2] for k in keys if k]) if index else {}
    records: list[Photo | None] = [None] * len(entries)
    bad: list[str] = []
    todo = []
    for i, key in enumerate(keys):
        if key is not None and key[0] in known:
            try:
                records[i] = unpack(entries[i].path, known[key[0]])
                continue
            except Outdated:
                pass  # read again; the new record replaces it
            except BadRecord:
                bad.append(key[0])
        todo.append(i)
    if index and bad:
        index.forget(bad)
    total = len(entries)
    base = total - len(todo)
    if progress:
        progress(base, total)
    fresh = read_all([entries[i] for i in todo], jobs,
                     (lambda n: progress(base + n, total)) if progress else None)
    # each new record is keyed on the stamp of the bytes it was read from
    stamps = fresh.stamps
    new_rows = []
    for i, photo, stamped in zip(todo, fresh, stamps, strict=True):
        records[i] = photo
        key = keys[i]
        if index and key and stamped and photo is not None and cacheable(photo):
            new_rows.append((key[0], *_fold(stamped, key[2]), pack(photo)))
    if index:
        index.store(new_rows)
        roots = [os.path.abspath(p) for p in paths if os.path.isdir(p)]
        if roots:
            index.prune(roots, (k[0] for k in keys if k))
    photos = [p for p in records if p is not None]
    ignored = sum(1 for p in records if p is None)
    finder = zones or ZoneFinder(index)
    resolved, warnings = resolve(photos, settings, finder.name_at)
    finder.save()
    unmatched = settings.unmatched(p.camera for p in photos)
    if unmatched:
        cameras = sorted({p.camera for p in photos if p.camera})
        warnings.append(
            f"no photo is from {', '.join(repr(c) for c in unmatched)}, so its clock rule "
            f"did nothing; cameras seen: {', '.join(cameras) if cameras else 'none'}")
    if index:
        warnings.extend(index.take_warnings())
    return PhotoSet(resolved, warnings, ignored, read=len(todo))
