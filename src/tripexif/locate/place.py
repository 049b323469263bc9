"""The placing stage, between time resolution and the itinerary: align the clocks of cameras
that nothing else sets (clock/align.py), then give each photo that has no position of its
own but a known instant one, from the track logs first, else from the other photos
(locate/photos.py), with ``gps_source`` and ``gps_error_m``; its local time becomes its
instant in the zone at that position. A photo that cannot be placed keeps no position and
says why (``place_note``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from tripexif.clock.times import TimeSettings, at_position
from tripexif.locate import PlacementSettings
from tripexif.locate.photos import Reference, duration_text
from tripexif.model import Photo

if TYPE_CHECKING:  # numpy (70 ms) loads only for a track or a camera clock to align
    from tripexif.clock.align import Alignment, Span
    from tripexif.locate.track import Located, Track
    from tripexif.trip.itinerary import ClusterSettings

ZoneLookup = Callable[[float, float], "str | None"]


class Placement(NamedTuple):
    photos: list[Photo]
    warnings: list[str]
    clocks: list[Alignment]  # one per camera body alignment looked at


def place(photos: Sequence[Photo], settings: PlacementSettings, time: TimeSettings,
          clustering: ClusterSettings, zone_at: ZoneLookup, track: Track | None = None,
          ) -> Placement:
    """Align the unknown camera clocks, then place the photos without a position."""
    if all(p.located or not p.ok for p in photos):
        return Placement(list(photos), [], [])  # (a re-scan of a phone's library: at once)
    reference = Reference(photos, clustering.radius_m, clustering.max_gap)
    out = list(photos)
    clocks: list[Alignment] = []
    warnings: list[str] = []
    if any(p.ok and p.camera and p.raw.datetime_original is not None
           and p.time_source in ("floating", "user") for p in photos):
        from tripexif.clock.align import align

        spans, against = _spans(reference, track, zone_at)
        out, clocks, warnings = align(photos, time, spans, against, settings.stop_margin,
                                      _home_zone(reference, zone_at))
    targets = [i for i, p in enumerate(out)
               if p.ok and not p.located and p.time_utc is not None]
    notes: dict[int, str] = {}
    if track is not None and len(track) and targets:
        import numpy as np

        from tripexif.locate.track import PLACED, track_how

        instants = np.array([out[i].time_utc.timestamp() for i in targets])  # type: ignore[union-attr]
        found = track.locate(instants, settings)
        for n, i in enumerate(targets):
            if found.why[n] == PLACED:
                out[i] = out[i].with_position(float(found.lat[n]), float(found.lon[n]),
                                              "track", round(float(found.error_m[n]), 1))
                out[i] = out[i]._replace(place_note=track_how(found, n))
            else:
                notes[i] = "track: " + _track_note(found, n, settings)
    for i in targets:
        if out[i].located:
            continue
        where = reference.place(out[i].time_utc.timestamp(), settings,  # type: ignore[union-attr]
                                clustering.min_stop_photos)
        if isinstance(where, str):
            note = where if i not in notes else f"{notes[i]}; photos: {where}"
            out[i] = out[i]._replace(place_note=note)
        else:
            out[i] = out[i].with_position(where.lat, where.lon, where.source,
                                          round(where.error_m, 1))._replace(place_note=where.how)
    something = len(reference) > 0 or (track is not None and len(track) > 0)
    for i, photo in enumerate(out):
        if photo.placed:
            out[i] = at_position(photo, zone_at(photo.lat, photo.lon))  # type: ignore[arg-type]
        elif something and photo.ok and not photo.located and photo.time_utc is None \
                and photo.raw.datetime_original is not None:
            out[i] = photo._replace(place_note="its camera's clock is unknown (no offset, "
                                               "zone or GPS time): give --clock-offset")
    return Placement(out, warnings, clocks)


def _spans(reference: Reference, track: Track | None, zone_at: ZoneLookup
           ) -> tuple[list[Span], str]:
    """Where the traveller was when: the located photos' stops, the track's stays."""
    from tripexif.clock.align import Span

    spans = [Span(s.start, s.end, _offset(s.zone, s.start)) for s in reference.spans]
    devices = {p.camera for p in reference.photos}
    sources = []
    if spans:
        sources.append(f"the {next(iter(devices))}'s stops" if len(devices) == 1
                       and None not in devices else "the other devices' stops")
    if track is not None and len(track):
        stays = track.stays()
        for start, end, lat, lon in stays:
            zone_name = zone_at(lat, lon)
            local = None
            if zone_name:
                from tripexif.clock.zones import get_zone

                local = _offset(get_zone(zone_name), start)
            spans.append(Span(start, end, local))
        if stays:
            sources.append("the track")
    return spans, " and ".join(sources) or "the other devices' photos and tracks"


def _home_zone(reference: Reference, zone_at: ZoneLookup) -> tzinfo | None:
    """The zone of the traveller's home, as the trips stage infers it from the days
    photographed (trip/home.py ``infer_from_days``: the ~2 km square photographed on ten
    days or more, a fifth of the days, over four weeks or more) — here from the located
    photos' stops, as the nights it also goes by are not known yet. None when the photos
    show no home (a folder of one trip): then no clock is said to be on home time."""
    from tripexif.clock.zones import get_zone
    from tripexif.model import Stop
    from tripexif.trip.home import infer_from_days

    days: dict[str, list[Stop]] = {}
    for span in reference.spans:
        moment = datetime.fromtimestamp(span.start, timezone.utc)
        days.setdefault(span.day, []).append(Stop(
            span.day, 1, "stop", moment, moment, None, span.lat, span.lon, ()))
    home = infer_from_days(sorted(days.items()))
    name = zone_at(home.lat, home.lon) if home is not None else None
    return get_zone(name) if name else None


def _offset(zone: object, instant: float) -> timedelta | None:
    if not isinstance(zone, tzinfo):
        return None
    return datetime.fromtimestamp(instant, zone).utcoffset()


def _track_note(found: Located, n: int, settings: PlacementSettings) -> str:
    from tripexif.locate.track import GAP, JUMP

    before, after = float(found.before[n]), float(found.after[n])
    if found.why[n] == JUMP:
        return (f"the track jumps {found.span_km[n]:.0f} km in "
                f"{duration_text(before + after)} around it (a flight?)")
    if found.why[n] == GAP:
        return (f"a {duration_text(before + after)} gap in the track around it (more than "
                f"--max-interpolation {duration_text(settings.max_interpolation.total_seconds())})")
    known = [s for s in (before, after) if not math.isnan(s)]
    if not known:
        return "no fix in the track"
    side = "after the track's last fix" if math.isnan(after) else "before the track's first fix"
    return (f"{duration_text(min(known))} {side} (more than --max-extrapolation "
            f"{duration_text(settings.max_extrapolation.total_seconds())})")
