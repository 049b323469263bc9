"""The library: from paths to photo records and to the itinerary. The CLI is a thin layer on
these functions; ``import tripexif`` exports them (lazily, so start-up stays fast)::

    import tripexif

    itinerary = tripexif.scan(["examples/photos"])
    for day in itinerary.days:
        for stop in day.stops:
            print(day.date, stop.arrival, stop.place.display if stop.place else None)

Stages: walk (reading/walk) -> read, through the scan index (reading/pool, store/index) -> time
(clock/times) -> clock alignment and positions for photos without GPS, from track logs and the
other photos (clock/align, locate) -> stops per local day (trip/itinerary) -> names (geocode)
-> home, nights, trips and legs (trip/trips).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from tripexif.clock.times import TimeSettings, resolve
from tripexif.clock.zones import ZoneFinder
from tripexif.errors import UsageError
from tripexif.locate import PlacementSettings
from tripexif.model import Itinerary, Photo, Trip
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
from tripexif.trip.sea import Sea
from tripexif.trip.trips import Selection, TripSettings, select

if TYPE_CHECKING:
    from tripexif.clock.align import Alignment
    from tripexif.clock.report import ClockReport
    from tripexif.geocode.base import Geocoder
    from tripexif.geocode.nearby import NearbyFinder
    from tripexif.locate.geotag import Geotag
    from tripexif.locate.track import Track

PathArg = str | os.PathLike[str]
PLACEMENT = PlacementSettings()  # the library places photos without GPS by default
Progress = Callable[[int, int], None]  # (files done, files in all)


class PhotoSet(NamedTuple):
    photos: list[Photo]
    warnings: list[str]
    ignored: int = 0  # walked files that are not photos or videos
    read: int = 0  # files actually read (not answered by the index)
    clocks: tuple[Alignment, ...] = ()  # the camera clocks alignment looked at


def read(
    paths: Iterable[PathArg],
    *,
    time: TimeSettings | None = None,
    tracks: Iterable[PathArg] = (),
    placement: PlacementSettings | None = PLACEMENT,
    clustering: ClusterSettings | None = None,
    jobs: int | None = None,
    cache: bool | Index = True,
    progress: Progress | None = None,
) -> list[Photo]:
    """One :class:`~tripexif.model.Photo` per photo or video file under ``paths`` (files, and
    folders walked recursively), with its position and its resolved times.

    ``time``: the camera clock rules (:class:`~tripexif.clock.times.TimeSettings`);
    ``tracks``: track log files (or folders of them) to place photos without GPS by;
    ``placement``: how far positions are carried to such photos
    (:class:`~tripexif.locate.PlacementSettings`; None: not placed, and no camera clock
    is aligned); ``clustering``: the stops a photo may join;
    ``jobs``: reading processes (default: the usable CPUs); ``cache``: use the scan index in
    the user cache folder (True), a given :class:`~tripexif.store.index.Index`, or none
    (False); ``progress(done, total)`` is called as files are read.
    Raises :class:`~tripexif.errors.UsageError` when a path does not exist."""
    return _placed(paths, time, tracks, placement, clustering, jobs, cache, progress).photos


def clocks(
    paths: Iterable[PathArg],
    *,
    time: TimeSettings | None = None,
    tracks: Iterable[PathArg] = (),
    placement: PlacementSettings = PLACEMENT,
    clustering: ClusterSettings | None = None,
    jobs: int | None = None,
    cache: bool | Index = True,
    progress: Progress | None = None,
) -> list[ClockReport]:
    """Per camera body under ``paths``: how its clock was worked out (offset tags, GPS, its
    zone setting, alignment on the other devices' stops and ``tracks``, the user's rules),
    its offset from UTC and how sure that is, drift, and the ``--clock-offset`` that pins
    it (:class:`~tripexif.clock.report.ClockReport`). Arguments as for :func:`read`."""
    from tripexif.clock.report import clock_reports

    photoset = _placed(paths, time, tracks, placement, clustering, jobs, cache, progress)
    return clock_reports(photoset.photos, photoset.clocks)


def _placed(paths: Iterable[PathArg], time: TimeSettings | None, tracks: Iterable[PathArg],
            placement: PlacementSettings | None, clustering: ClusterSettings | None,
            jobs: int | None, cache: bool | Index, progress: Progress | None) -> PhotoSet:
    """The photos read, timed, aligned and placed (for the functions that report on them);
    its warnings begin with those of the track files that could not be used."""
    names = _existing(paths)
    track, warnings = load_tracks(tracks)
    with _index(cache) as index:
        photoset = load(names, time or TimeSettings(), jobs=jobs or usable_cpus(), index=index,
                        progress=progress, placement=placement, track=track,
                        clustering=clustering)
    return photoset._replace(warnings=warnings + photoset.warnings)


def geotag(
    paths: Iterable[PathArg],
    *,
    time: TimeSettings | None = None,
    tracks: Iterable[PathArg] = (),
    placement: PlacementSettings = PLACEMENT,
    clustering: ClusterSettings | None = None,
    write_xmp: bool = False,
    warn: Callable[[str], None] | None = None,
    jobs: int | None = None,
    cache: bool | Index = True,
    progress: Progress | None = None,
) -> list[Geotag]:
    """Per photo under ``paths`` without a position of its own: the position tripexif gives
    it and why, or why none (:class:`~tripexif.locate.geotag.Geotag`). With ``write_xmp``,
    each placed photo's position is written to its XMP sidecar (``IMG_1234.CR2.xmp``, or
    merged into the sidecar it has); ``warn`` hears of the run's warnings (a track file
    that could not be used, a camera clock, a sidecar that could not be written).
    The photos themselves are never written. Other arguments as for :func:`read`."""
    from tripexif.locate.geotag import geotags, write_sidecars

    photoset = _placed(paths, time, tracks, placement, clustering, jobs, cache, progress)
    say = warn or (lambda message: None)
    for message in photoset.warnings:
        say(message)
    tags = geotags(photoset.photos)
    if write_xmp:
        tags = write_sidecars(tags, say)
    return tags


def load_tracks(paths: Iterable[PathArg]) -> tuple[Track | None, list[str]]:
    """The merged track of the track log files under ``paths`` (None when none is given),
    with a warning per file that could not be used (naming it, and the line)."""
    names = [os.fspath(p) for p in ([paths] if isinstance(paths, (str, os.PathLike))
                                    else paths)]
    if not names:
        return None, []
    for name in names:
        if not os.path.exists(name):
            raise UsageError(f"{name!r}: no such track file or folder")
    from tripexif.locate.track import Track
    from tripexif.locate.tracks import read_tracks

    files, warnings = read_tracks(names)
    return Track.merged([f.fixes for f in files]), warnings


def scan(
    paths: Iterable[PathArg],
    *,
    time: TimeSettings | None = None,
    clustering: ClusterSettings | None = None,
    tracks: Iterable[PathArg] = (),
    placement: PlacementSettings | None = PLACEMENT,
    geocoder: str | Geocoder = "offline",
    geocoder_options: Mapping[str, str] | None = None,
    language: str | None = None,
    nearby: NearbyFinder | None = None,
    jobs: int | None = None,
    cache: bool | Index = True,
    progress: Progress | None = None,
    keep_duplicates: bool = False,
    trips: TripSettings | None = None,
    only: Selection | None = None,
) -> Itinerary:
    """The :class:`~tripexif.model.Itinerary` of the photos under ``paths``: local days, the
    stops and waypoints of each day, named by ``geocoder``, split into trips away from home
    (``itinerary.trips``, ``itinerary.home``; ``trips``:
    :class:`~tripexif.trip.trips.TripSettings`). ``only``: a
    :class:`~tripexif.trip.trips.Selection` keeps one trip or a date range.

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
    online service) are in ``itinerary.warnings``. Photos without GPS are placed (and
    unknown camera clocks aligned) by ``tracks`` and the other photos unless
    ``placement=None``. Other arguments as for :func:`read`."""
    names = _existing(paths)
    track, warnings = load_tracks(tracks)
    with _index(cache) as index:
        if isinstance(geocoder, str):
            from tripexif.geocode.compose import make_geocoder

            coder = make_geocoder(geocoder, dict(geocoder_options or {}), language=language,
                                  index=index, warn=warnings.append)
        else:
            coder = geocoder
        photoset = load(names, time or TimeSettings(), jobs=jobs or usable_cpus(), index=index,
                        progress=progress, placement=placement, track=track,
                        clustering=clustering)
        itinerary = build(photoset.photos, clustering or ClusterSettings(), coder,
                          photoset.warnings, nearby, keep_duplicates=keep_duplicates,
                          trips=trips, at_sea=Sea())
        if only is not None:
            itinerary = select(itinerary, only)
        if index is not None:  # said while naming (a place-name write that failed)
            warnings.extend(index.take_warnings())
    return itinerary._replace(warnings=itinerary.warnings + tuple(warnings))


def trips(paths: Iterable[PathArg], settings: TripSettings | None = None,
          **options: Any) -> tuple[Trip, ...]:
    """The trips away from home in the library under ``paths`` (every day in one trip when
    the library shows no home), each with its days, nights, legs and title. ``options`` as
    for :func:`scan`."""
    return scan(paths, trips=settings, **options).trips


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
    placement: PlacementSettings | None = None,
    track: Track | None = None,
    clustering: ClusterSettings | None = None,
) -> PhotoSet:
    """Read every file under ``paths`` (through ``index`` when given) and resolve times;
    with ``placement``, align the unknown camera clocks and place the photos without GPS
    (by ``track`` and the other photos; ``clustering`` gives the stops they may join).

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
    clocks: tuple[Alignment, ...] = ()
    if placement is not None:
        from tripexif.locate.place import place

        done = place(resolved, placement, settings, clustering or ClusterSettings(),
                     finder.name_at, track)
        resolved = done.photos
        warnings.extend(done.warnings)
        clocks = tuple(done.clocks)
    finder.save()
    unmatched = settings.unmatched(p.camera for p in photos)
    if unmatched:
        cameras = sorted({p.camera for p in photos if p.camera})
        warnings.append(
            f"no photo is from {', '.join(repr(c) for c in unmatched)}, so its clock rule "
            f"did nothing; cameras seen: {', '.join(cameras) if cameras else 'none'}")
    if index:
        warnings.extend(index.take_warnings())
    return PhotoSet(resolved, warnings, ignored, read=len(todo), clocks=clocks)
