"""The compact place file: GeoNames populated places, their admin areas and countries, and
their names in other languages, in one read-only binary file that is memory-mapped, never
unpickled and never rebuilt on the user's machine.

Layout (little-endian): the magic ``TRIPXPL1``, a uint32 header length, a UTF-8 JSON header
(format version, sizes, grid steps, and where each section starts), then the sections, each
a flat array aligned to 8 bytes:

- places, sorted by the fine grid cell they lie in: ``lat``/``lon`` (uint16 offsets from the
  cell's south-west corner, ``STEPS`` to the cell), ``pop`` (uint16, a log code: see
  ``POP_SCALE``), ``name`` (string id), ``admin1``/``admin2`` (area id, 0 = none),
  ``country`` (country id);
- ``cells``/``cell_start``: the fine cells that hold places (sorted) and where each one's
  places start; ``big_cells``/``big_start``/``big``: the same for places of ``big_pop`` or
  more on a coarse grid (the towns whose extent may reach far);
- ``area_name``, ``country_code``, ``country_name``: string ids;
- ``text``/``text_start``: every string once, as UTF-8, in blocks of ``TEXT_BLOCK`` strings
  (joined by NUL) each compressed with raw deflate: string ``i`` is in block
  ``i // TEXT_BLOCK``, whose bytes start at ``text_start[block]``;
- per language ``L`` (and ``_local``, the name in the country's own language):
  ``L.place.key``/``L.place.text``, ``L.area.key``/``L.area.text``,
  ``L.country.key``/``L.country.text``: sorted ids and the string id of their name;
- ``land``/``land_start``: the land mask, cells of 1/``per_deg`` degree (header ``land``),
  one bit a cell (1 = land, most significant bit first), rows from the north pole, columns
  from 180°W, in blocks of ``block_rows`` rows each compressed with raw deflate; block ``b``
  is ``land[land_start[b]:land_start[b + 1]]``.

:func:`pack` writes it from plain values (the build script's and the tests' input).
"""

from __future__ import annotations

import json
import math
import mmap
import struct
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tripexif.errors import TripexifError

MAGIC = b"TRIPXPL1"
FORMAT = 1
FINE_DEG = 0.2
COARSE_DEG = 1.0
BIG_POP = 40_000  # reaching more than 2 km (geocode/offline.py's extent_km)
LOCAL = "_local"
TEXT_BLOCK = 64
CACHED_BLOCKS = 512
LAND_BLOCK_ROWS = 32  # a land block: 32 rows of 1' (~60 km), 86 KB unpacked at most
CACHED_LAND = 16
STEPS = 65_535  # a coordinate is a uint16 offset in its fine cell: 0.2° / 65,535, ~0.3 m
POP_SCALE = 2048  # a population is a uint16 code, 2048 log2(population + 1): within 0.04%


class PlaceFileError(TripexifError):
    """The file is missing or not a place file this version can read."""


class SourcePlace(NamedTuple):
    """One populated place as the build reads it."""

    lat: float
    lon: float
    population: int
    name: str
    admin1: str | None  # area key, e.g. "JP.22"
    admin2: str | None  # area key, e.g. "JP.22.1857906"
    country: str  # ISO 3166-1 alpha-2


class LandMask(NamedTuple):
    """Land or sea by cell: ``per_deg`` cells to the degree, rows (180 ``per_deg``) from the
    north pole, columns (360 ``per_deg``) from 180°W, packed 8 cells a byte, most
    significant bit first, 1 = land."""

    per_deg: int
    bits: bytes


class Source(NamedTuple):
    """Everything a place file holds, keyed the way the sources key it."""

    places: Sequence[SourcePlace]
    areas: Mapping[str, str]  # area key -> English name
    countries: Mapping[str, str]  # alpha-2 -> English name
    # language -> {index in ``places`` / area key / alpha-2 -> name in that language}
    place_names: Mapping[str, Mapping[int, str]] = {}
    area_names: Mapping[str, Mapping[str, str]] = {}
    country_names: Mapping[str, Mapping[str, str]] = {}
    about: Mapping[str, Any] = {}  # sources, build date: kept in the header
    land: LandMask | None = None


def fine_cell(lat: float, lon: float) -> int:
    return _cell(lat, lon, FINE_DEG)


def _cell(lat: float, lon: float, step: float) -> int:
    cols = round(360 / step)
    row = min(round(180 / step) - 1, max(0, math.floor((lat + 90.0) / step)))
    col = math.floor((lon + 180.0) / step) % cols
    return row * cols + col


def pack(source: Source) -> bytes:
    """The place file holding ``source``."""
    texts: dict[str, int] = {}

    def text(value: str) -> int:
        if value not in texts:
            texts[value] = len(texts)
        return texts[value]

    text("")
    area_keys = [""] + sorted(source.areas)
    area_id = {key: i for i, key in enumerate(area_keys)}
    codes = sorted({p.country for p in source.places} | set(source.countries))
    country_id = {code: i for i, code in enumerate(codes)}
    order = sorted(range(len(source.places)),
                   key=lambda i: (fine_cell(source.places[i].lat, source.places[i].lon), i))
    record_of = {old: new for new, old in enumerate(order)}
    columns: dict[str, array[int]] = {k: array("H") for k in ("lat", "lon", "pop")}
    columns["name"] = array("I")
    # the narrowest type that holds every id
    columns.update({k: array("H" if len(area_keys) <= 0xFFFF else "I")
                    for k in ("admin1", "admin2")})
    columns["country"] = array("B" if len(codes) <= 0xFF else "H")
    for i in order:
        p = source.places[i]
        lat_off, lon_off = _offsets(p.lat, p.lon)
        columns["lat"].append(lat_off)
        columns["lon"].append(lon_off)
        columns["pop"].append(pop_code(p.population))
        columns["name"].append(text(p.name))
        columns["admin1"].append(area_id.get(p.admin1 or "", 0))
        columns["admin2"].append(area_id.get(p.admin2 or "", 0))
        columns["country"].append(country_id[p.country])
    fine = [fine_cell(p.lat, p.lon) for p in (source.places[i] for i in order)]
    columns["cells"], columns["cell_start"] = _starts(fine)
    big = sorted((_cell(source.places[i].lat, source.places[i].lon, COARSE_DEG), record_of[i])
                 for i in order if source.places[i].population >= BIG_POP)
    columns["big_cells"], columns["big_start"] = _starts([cell for cell, _ in big])
    columns["big"] = array("I", [record for _, record in big])
    columns["area_name"] = array("I", [text(source.areas.get(k, "")) for k in area_keys])
    columns["country_code"] = array("I", [text(c) for c in codes])
    columns["country_name"] = array("I", [text(source.countries.get(c, c)) for c in codes])
    languages = sorted(set(source.place_names) | set(source.area_names)
                       | set(source.country_names))
    for lang in languages:
        tables = (
            ("place", {record_of[i]: n for i, n in source.place_names.get(lang, {}).items()}),
            ("area", {area_id[k]: n for k, n in source.area_names.get(lang, {}).items()
                      if k in area_id}),
            ("country", {country_id[k]: n for k, n in source.country_names.get(lang, {}).items()
                         if k in country_id}),
        )
        for kind, table in tables:
            keys = sorted(table)
            columns[f"{lang}.{kind}.key"] = array("I", keys)
            columns[f"{lang}.{kind}.text"] = array("I", [text(table[k]) for k in keys])
    blob = bytearray()
    starts = array("I", [0])
    strings = list(texts)  # insertion order is id order
    for first in range(0, len(strings), TEXT_BLOCK):
        chunk = strings[first:first + TEXT_BLOCK]
        if any("\0" in value for value in chunk):
            raise ValueError("a name holds a NUL character")
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        blob += packer.compress("\0".join(chunk).encode("utf-8")) + packer.flush()
        starts.append(len(blob))
    columns["text_start"] = starts
    columns["text"] = array("B", bytes(blob))
    land = None
    if source.land is not None:
        land = _pack_land(source.land, columns)
    return _assemble(columns, {
        "format": FORMAT, "count": len(order), "fine_deg": FINE_DEG,
        "coarse_deg": COARSE_DEG, "big_pop": BIG_POP, "languages": languages,
        "text_block": TEXT_BLOCK, "strings": len(strings),
        "about": dict(source.about),
        **({"land": land} if land else {}),
    })


def _pack_land(mask: LandMask, columns: dict[str, array[int]]) -> dict[str, int]:
    rows, cols = 180 * mask.per_deg, 360 * mask.per_deg
    width = -(-cols // 8)
    if len(mask.bits) != rows * width:
        raise ValueError(f"a land mask of {mask.per_deg} a degree is {rows * width} bytes, "
                         f"not {len(mask.bits)}")
    blob, starts = bytearray(), array("I", [0])
    for first in range(0, rows, LAND_BLOCK_ROWS):
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk = mask.bits[first * width:(first + LAND_BLOCK_ROWS) * width]
        blob += packer.compress(chunk) + packer.flush()
        starts.append(len(blob))
    columns["land_start"] = starts
    columns["land"] = array("B", bytes(blob))
    return {"per_deg": mask.per_deg, "block_rows": LAND_BLOCK_ROWS}


def pop_code(population: int) -> int:
    """A population as a uint16 (see ``POP_SCALE``)."""
    return min(0xFFFF, round(POP_SCALE * math.log2(max(0, population) + 1)))


def pop_of(code: int) -> int:
    return round(2 ** (code / POP_SCALE) - 1)


def _offsets(lat: float, lon: float) -> tuple[int, int]:
    """The position as offsets from the south-west corner of its fine cell."""
    lon = (lon + 180.0) % 360.0 - 180.0  # 180°E is 180°W
    row, col = divmod(fine_cell(lat, lon), round(360 / FINE_DEG))
    south, west = row * FINE_DEG - 90.0, col * FINE_DEG - 180.0
    return (min(STEPS, max(0, round((lat - south) / FINE_DEG * STEPS))),
            min(STEPS, max(0, round((lon - west) / FINE_DEG * STEPS))))


def _starts(cells: list[int]) -> tuple[array[int], array[int]]:
    """The distinct ``cells`` (already sorted) and where each one's run starts."""
    ids, starts = array("I"), array("I")
    for i, cell in enumerate(cells):
        if not ids or ids[-1] != cell:
            ids.append(cell)
            starts.append(i)
    starts.append(len(cells))
    return ids, starts


def _assemble(columns: Mapping[str, array[int]], header: dict[str, Any]) -> bytes:
    body = bytearray()
    sections: dict[str, list[Any]] = {}
    for name, values in columns.items():
        body += b"\0" * (-len(body) % 8)
        data = values.tobytes() if sys.byteorder == "little" else _swapped(values)
        sections[name] = [len(body), len(values), values.typecode]
        body += data
    header = {**header, "sections": sections}
    encoded = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    start = len(MAGIC) + 4 + len(encoded)
    pad = -start % 8
    encoded += b" " * pad
    return MAGIC + struct.pack("<I", len(encoded)) + encoded + bytes(body)


def _swapped(values: array[int]) -> bytes:
    copy = array(values.typecode, values)
    copy.byteswap()
    return copy.tobytes()


class PlaceFile:
    """A place file opened read-only: memory-mapped, its arrays viewed in place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with open(path, "rb") as fh:
                try:
                    self._map: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                except ValueError:  # an empty file cannot be mapped
                    raise PlaceFileError(f"the place file {path} is empty") from None
        except OSError as error:
            raise PlaceFileError(f"the place file {path} cannot be read "
                                 f"({error.strerror or error}); reinstall tripexif") from error
        self._parse(memoryview(self._map))

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | None = None) -> PlaceFile:
        self = cls.__new__(cls)
        self.path = path or Path("<bytes>")
        self._map = data
        self._parse(memoryview(data))
        return self

    def _parse(self, view: memoryview) -> None:
        if bytes(view[:len(MAGIC)]) != MAGIC or len(view) < len(MAGIC) + 4:
            raise PlaceFileError(f"{self.path} is not a tripexif place file")
        (length,) = struct.unpack_from("<I", view, len(MAGIC))
        start = len(MAGIC) + 4
        try:
            header = json.loads(bytes(view[start:start + length]).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise PlaceFileError(f"{self.path} has a damaged header") from error
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise PlaceFileError(f"{self.path} is a place file of another format")
        self.header: dict[str, Any] = header
        try:
            self._sections(view, start + length)
        except (KeyError, TypeError, ValueError) as error:
            raise PlaceFileError(f"{self.path} has a damaged header") from error

    def _sections(self, view: memoryview, base: int) -> None:
        header = self.header
        self.arrays: dict[str, Sequence[int]] = {}
        for name, (offset, count, code) in header["sections"].items():
            if code not in ("B", "H", "I", "i"):
                raise ValueError(f"section {name} of type {code!r}")
            size = array(code).itemsize
            begin = base + offset
            if begin % size or begin + count * size > len(view):
                raise PlaceFileError(f"{self.path} is cut short")
            chunk = view[begin:begin + count * size]
            if sys.byteorder == "little":
                self.arrays[name] = chunk.cast(code)
            else:
                values = array(code, bytes(chunk))
                values.byteswap()
                self.arrays[name] = values
        self.count: int = header["count"]
        for column in ("lat", "lon", "pop", "name", "admin1", "admin2", "country"):
            if len(self.arrays[column]) != self.count:
                raise ValueError(f"{column} holds {len(self.arrays[column])} places")
        self.languages: list[str] = header["languages"]
        a = self.arrays
        self.lat, self.lon, self.pop = a["lat"], a["lon"], a["pop"]
        self.name, self.admin1, self.admin2 = a["name"], a["admin1"], a["admin2"]
        self.country = a["country"]
        self._text_start = a["text_start"]
        offset = header["sections"]["text"][0]
        self._text_bytes = view[base + offset:base + offset + len(a["text"])]
        self._block_size: int = header["text_block"]
        self._strings: int = header["strings"]
        self._blocks: dict[int, list[str]] = {}
        self._step: float = header["fine_deg"]
        self._land_blocks: dict[int, bytes] = {}
        land = header.get("land")
        self._land: tuple[int, int, int, memoryview] | None = None
        if land is not None:  # per degree, rows a block, bytes a row, the packed blocks
            per, block = int(land["per_deg"]), int(land["block_rows"])
            if not (0 < per <= 3600 and block > 0) or len(a["land_start"]) != (
                    -(-180 * per // block) + 1):
                raise ValueError("a land mask of another shape")
            offset = header["sections"]["land"][0]
            self._land = (per, block, -(-360 * per // 8),
                          view[base + offset:base + offset + len(a["land"])])

    # --- strings and names ------------------------------------------------------------

    def text(self, i: int) -> str:
        """String ``i`` (PlaceFileError for an id the file does not hold, or a damaged
        block)."""
        if not 0 <= i < self._strings:
            raise PlaceFileError(f"{self.path} names string {i}, which it does not hold")
        block, at = divmod(i, self._block_size)
        found = self._blocks.get(block)
        if found is None:
            starts = self._text_start
            try:
                packed = bytes(self._text_bytes[starts[block]:starts[block + 1]])
                found = zlib.decompress(packed, -15).decode("utf-8").split("\0")
            except (zlib.error, UnicodeDecodeError, IndexError) as error:
                raise PlaceFileError(f"{self.path} has a damaged text block") from error
            if len(self._blocks) >= CACHED_BLOCKS:
                self._blocks.clear()
            self._blocks[block] = found
        try:
            return found[at]
        except IndexError:
            raise PlaceFileError(f"{self.path} has a damaged text block") from None

    def translated(self, lang: str, kind: str, key: int) -> str | None:
        """The name of place/area/country ``key`` in ``lang`` (or ``LOCAL``), if known."""
        keys = self.arrays.get(f"{lang}.{kind}.key")
        if keys is None:
            return None
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            return self.text(self.arrays[f"{lang}.{kind}.text"][i])
        return None

    def area_name(self, area: int) -> str | None:
        return self.text(self.arrays["area_name"][area]) or None if area else None

    def country_code(self, country: int) -> str:
        return self.text(self.arrays["country_code"][country])

    def country_name(self, country: int) -> str:
        return self.text(self.arrays["country_name"][country])

    def named(self, wanted: Callable[[str], bool]) -> list[int]:
        """The places whose English name ``wanted`` accepts, in file order. Reads every
        place name once (a few hundred ms): for the rare lookups by name, not per stop."""
        ids = set(self.name)
        matching = {i for i in ids if wanted(self.text(i))}
        return [i for i, name in enumerate(self.name) if name in matching]

    # --- land and sea -------------------------------------------------------------------

    @property
    def has_land(self) -> bool:
        """Whether the file holds a land mask."""
        return self._land is not None

    def land_at(self, lat: float, lon: float) -> bool:
        """Whether the land mask's cell holding the position is land (True when the file
        has no mask: nothing is said to be at sea without one)."""
        if self._land is None:
            return True
        per = self._land[0]
        return self._land_cell(min(180 * per - 1, max(0, math.floor((90.0 - lat) * per))),
                               math.floor((lon + 180.0) * per) % (360 * per))

    def sea_at(self, lat: float, lon: float) -> bool:
        """Whether the position is at sea: its cell of the land mask and the eight around it
        all sea (a beach, a harbour wall or a cell half land is never at sea); False when
        the file has no mask."""
        if self._land is None:
            return False
        per = self._land[0]
        rows, cols = 180 * per, 360 * per
        row = min(rows - 1, max(0, math.floor((90.0 - lat) * per)))
        col = math.floor((lon + 180.0) * per) % cols
        return not any(self._land_cell(r, (col + dc) % cols)
                       for r in range(max(0, row - 1), min(rows, row + 2))
                       for dc in (-1, 0, 1))

    def _land_cell(self, row: int, col: int) -> bool:
        assert self._land is not None
        per, block_rows, width, packed = self._land
        block, at = divmod(row, block_rows)
        found = self._land_blocks.get(block)
        if found is None:
            begin, end = self.arrays["land_start"][block:block + 2]
            try:
                if not begin <= end <= len(packed):
                    raise zlib.error("a block out of bounds")
                found = zlib.decompress(bytes(packed[begin:end]), -15)
            except zlib.error as error:
                raise PlaceFileError(f"{self.path} has a damaged land block") from error
            if len(found) != min(block_rows, 180 * per - block * block_rows) * width:
                raise PlaceFileError(f"{self.path} has a damaged land block")
            if len(self._land_blocks) >= CACHED_LAND:
                self._land_blocks.clear()
            self._land_blocks[block] = found
        return bool(found[at * width + (col >> 3)] >> (7 - (col & 7)) & 1)

    # --- space ------------------------------------------------------------------------

    def position(self, i: int) -> tuple[float, float]:
        """Place ``i``'s latitude and longitude (to ~0.3 m)."""
        cell = self.arrays["cells"][bisect_right(self.arrays["cell_start"], i) - 1]
        step = self._step
        row, col = divmod(cell, round(360 / step))
        return (row * step - 90.0 + self.lat[i] / STEPS * step,
                col * step - 180.0 + self.lon[i] / STEPS * step)

    def population(self, i: int) -> int:
        """Place ``i``'s population (to within 0.04%)."""
        return pop_of(self.pop[i])

    def within_box(self, lat: float, lon: float, radius_km: float,
                   big: bool = False) -> Iterator[int]:
        """Every place in the box around a circle of ``radius_km`` around the position (or,
        with ``big``, every place of ``big_pop`` or more in the cells that box touches)."""
        if big:
            yield from self._cells(lat, lon, radius_km, True)
        else:
            for i, _, _ in self.around(lat, lon, radius_km):
                yield i

    def around(self, lat: float, lon: float,
               radius_km: float) -> Iterator[tuple[int, float, float]]:
        """Every place in the box around a circle of ``radius_km`` around the position,
        with its position."""
        step = self._step
        cols = round(360 / step)
        starts, cells = self.arrays["cell_start"], self.arrays["cells"]
        lats, lons = self.lat, self.lon
        scale = step / STEPS
        dlat = math.degrees(radius_km / 6371.0088)
        widest = min(89.999, abs(lat) + dlat)
        dlon = min(360.0, dlat / math.cos(math.radians(widest)))
        for k in self._cells(lat, lon, radius_km, False):
            row, col = divmod(cells[k], cols)
            south, west = row * step - 90.0, col * step - 180.0
            for i in range(starts[k], starts[k + 1]):
                plat = south + lats[i] * scale
                if abs(plat - lat) <= dlat:
                    plon = west + lons[i] * scale
                    if abs((plon - lon + 540.0) % 360.0 - 180.0) <= dlon:
                        yield i, plat, plon

    def _cells(self, lat: float, lon: float, radius_km: float, big: bool) -> Iterator[int]:
        """The fine cells (their indexes in ``cells``), or with ``big`` the big places, of
        the box around a circle of ``radius_km``."""
        step = self.header["coarse_deg" if big else "fine_deg"]
        cells = self.arrays["big_cells" if big else "cells"]
        starts = self.arrays["big_start" if big else "cell_start"]
        rows, cols = round(180 / step), round(360 / step)
        dlat = math.degrees(radius_km / 6371.0088)
        lat_lo, lat_hi = max(-90.0, lat - dlat), min(90.0, lat + dlat)
        widest = max(abs(lat_lo), abs(lat_hi))
        row_lo = max(0, math.floor((lat_lo + 90.0) / step))
        row_hi = min(rows - 1, math.floor((lat_hi + 90.0) / step))
        if widest >= 89.0 or dlat >= 60.0:
            spans = [(0, cols - 1)]
        else:
            dlon = min(180.0, dlat / math.cos(math.radians(widest)))
            first = math.floor((lon - dlon + 180.0) / step)
            last = math.floor((lon + dlon + 180.0) / step)
            if last - first + 1 >= cols:
                spans = [(0, cols - 1)]
            else:
                first %= cols
                last %= cols
                spans = [(first, last)] if first <= last else [(first, cols - 1), (0, last)]
        members = self.arrays["big"] if big else None
        for row in range(row_lo, row_hi + 1):
            for c0, c1 in spans:
                i = bisect_left(cells, row * cols + c0)
                j = bisect_right(cells, row * cols + c1)
                if i < j:
                    if members is None:
                        yield from range(i, j)
                    else:
                        for k in range(starts[i], starts[j]):
                            yield members[k]
