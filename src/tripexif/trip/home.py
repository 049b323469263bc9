"""Home: where the traveller lives. Given (``--home PLACE`` or ``LAT,LON``), resolved offline
from the GeoNames places the offline geocoder names stops with; else inferred as the place
where most nights are spent across the library, when the library shows one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from tripexif.errors import UsageError
from tripexif.model import Home, Night, Place, Stop
from tripexif.trip.geo import distance_km

HOME_KM = 1.0  # nights this close are at one place
MIN_NIGHTS = 3  # fewer nights at the best place: no home evidence
MIN_SPAN_DAYS = 28  # its nights must span this long (a hotel on one trip is not home)
DAY_CELL_DEG = 0.02  # without nights: the ~2 km square photographed on most days ...
MIN_DAYS = 10  # ... on at least this many days ...
MIN_DAY_SHARE = 0.2  # ... and this share of all days

_LATLON = re.compile(r"\s*([-+]?\d+(?:\.\d+)?)\s*[, ]\s*([-+]?\d+(?:\.\d+)?)\s*")


class Resolved(NamedTuple):
    lat: float
    lon: float
    place: Place | None


def parse_home(text: str) -> Resolved:
    """``"LAT,LON"`` or a place name ("Kyoto", "Portland, Oregon", "Paris, FR") as a
    position, from the offline data: the most populous place of that name that matches the
    region or country given after a comma. UsageError when there is none."""
    match = _LATLON.fullmatch(text)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UsageError(f"--home {text!r}: latitude must be within ±90 and longitude "
                             "within ±180")
        return Resolved(lat, lon, None)
    name, _, qualifier = text.partition(",")
    if not name.strip():
        raise UsageError(f"--home {text!r}: give a place name or LAT,LON")
    from tripexif.geocode.offline import OfflineGeocoder, fold

    wanted = fold(qualifier)
    for found in OfflineGeocoder().named(name):  # most populous first
        place = found.place
        if not wanted or wanted in {fold(place.admin1), fold(place.country_code),
                                    fold(place.country)}:
            return Resolved(found.lat, found.lon, place)
    raise UsageError(f"--home {text!r}: no such place in the offline place names "
                     "(GeoNames places of 500 people or more); give LAT,LON instead")


def infer(nights: Sequence[tuple[str, Night]]) -> Home | None:
    """The place where most of ``nights`` ((date, night) pairs) were spent, when that is
    a home: at least MIN_NIGHTS nights there, spanning at least MIN_SPAN_DAYS."""
    groups: list[tuple[Night, list[str]]] = []
    cells: dict[tuple[int, int], list[int]] = {}  # ~1 km cells -> the groups anchored there
    for day, night in nights:
        row, col = round(night.lat * 90), round(night.lon * 90)
        near = (g for r in (row - 1, row, row + 1) for c in (col - 1, col, col + 1)
                for g in cells.get((r, c), ()))
        for g in near:
            anchor, dates = groups[g]
            if distance_km(anchor.lat, anchor.lon, night.lat, night.lon) <= HOME_KM:
                dates.append(day)
                break
        else:
            cells.setdefault((row, col), []).append(len(groups))
            groups.append((night, [day]))
    if not groups:
        return None
    anchor, dates = max(groups, key=lambda g: len(g[1]))
    span = date.fromisoformat(dates[-1]) - date.fromisoformat(dates[0])
    if len(dates) < MIN_NIGHTS or span.days < MIN_SPAN_DAYS:
        return None
    return Home(anchor.lat, anchor.lon, anchor.place,
                f"most nights: {len(dates)} of {len(nights)}, {dates[0]} to {dates[-1]}")


def infer_from_days(days: Sequence[tuple[str, Sequence[Stop]]]) -> Home | None:
    """Without nights to go by: the ~2 km square photographed on most days ((date, places)
    pairs in date order), when that is a home: at least MIN_DAYS days and a fifth of them,
    spanning at least MIN_SPAN_DAYS. Its position is its most photographed place."""
    seen: dict[tuple[int, int], list[str]] = {}
    best_stop: dict[tuple[int, int], Stop] = {}
    for day, stops in days:
        for stop in stops:
            cell = (int(stop.lat // DAY_CELL_DEG), int(stop.lon // DAY_CELL_DEG))
            dates = seen.setdefault(cell, [])
            if not dates or dates[-1] != day:
                dates.append(day)
            if cell not in best_stop or len(stop.photos) > len(best_stop[cell].photos):
                best_stop[cell] = stop
    if not seen:
        return None
    cell, dates = max(seen.items(), key=lambda kv: len(kv[1]))
    span = date.fromisoformat(dates[-1]) - date.fromisoformat(dates[0])
    if (len(dates) < MIN_DAYS or len(dates) < MIN_DAY_SHARE * len(days)
            or span.days < MIN_SPAN_DAYS):
        return None
    stop = best_stop[cell]
    return Home(stop.lat, stop.lon, stop.place,
                f"most days with photos: {len(dates)} of {len(days)}, {dates[0]} to "
                f"{dates[-1]} (no nights to go by)")
