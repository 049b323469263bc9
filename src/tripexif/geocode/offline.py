"""Offline reverse geocoding from the shipped place file (GeoNames cities500 with sections of
towns, CC BY 4.0; see geocode/placefile.py and scripts/build_places.py).

Naming a position, the most specific place it is *in* wins:

- every place has an extent, a circle whose radius grows with its population
  (:func:`extent_km`: 1 km for a village, about 1.2 km for Holborn, 12 km for Kyoto, at most
  ``CAP_KM``; a section of a town reaches ``SECTION_KM`` at most);
- a place whose extent holds the position deeply (within ``DEEP`` of its radius) tells its
  country and region (admin1), else the nearest place within ``NEAR_KM``, else the place
  whose extent holds it most deeply (distance / radius smallest); where the places around
  lie in more than one country, only those in the position's time zone count (a border
  between countries is one between zones);
- the *town* is the most populous place of that country and region, and of the county
  (admin2) of the place that told the region, whose extent holds the position (never a
  town across a border; Queens for JFK, not the more populous Brooklyn); the
  *district* is the smaller place (a section such as Holborn or Shibuya, or a
  neighbourhood) that holds it most deeply and lies within the town's own extent; a
  smaller place beyond the town's extent that holds it more deeply than any district is a
  town of its own;
- a position in no place's extent is in a big town of the nearest place's region and
  county whose extent stretched ``EDGE`` times holds it more deeply than the nearest place
  (a town's limits reach past the circle of its area: Frankfurt's airport);
- else it is named from the *nearest* place, with its distance and
  compass direction ("12 km NE of Waiyevo"): the nearest, never a bigger town farther off
  on another island or across a border;
- a position in no place's extent, ``SHORE_KM`` or more from the nearest place, whose cell
  of the place file's land mask (~1.85 km) and the eight around it are all sea is "at sea,
  12 km off Suva" (:meth:`PlaceFile.sea_at`): a beach, a harbour or a lake shore is never
  at sea; a lake is land (the middle of Lake Geneva reads "6 km NW of
  Évian-les-Bains", never "at sea").

Names come in ``language`` where the file has a translation, else in the place's own
language (its local name) when that is written in the reader's script, else in English.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tripexif.geocode.placefile import LOCAL, PlaceFile
from tripexif.model import Place
from tripexif.trip.geo import distance_km

if TYPE_CHECKING:
    from tripexif.clock.zones import ZoneFinder

DATA = Path(__file__).with_name("places.bin")
MIN_RADIUS_KM = 1.0
CAP_KM = 20.0  # no town reaches farther (a metropolis' suburbs are towns of their own)
# no section of a town reaches farther: a borough's population is that of a small city, but
# it is packed into a few kilometres (Islington's 200,000 people do not reach Tower Bridge)
SECTION_KM = 3.0
# the nearest place this close tells the region (the town is found among the places whose
# extent holds the position): a place's own surroundings, not a big neighbour's reach
NEAR_KM = 5.0
DEEP = 0.25  # ... unless a place holds it this deeply (distance / radius)
# a position in no place's extent is in a big town of its region up to this many radii off
EDGE = 1.6
# at sea only this far from the nearest place (and in no place's extent): a harbour, a quay
# or land reclaimed since the land mask's data (GLOBE, 1999) by a town is not the sea
SHORE_KM = 2.0
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
ENGLISH = ("", "en")


def extent_km(population: int) -> float:
    """The radius of a place's extent: from its population, at least ``MIN_RADIUS_KM``."""
    return min(CAP_KM, max(MIN_RADIUS_KM, 0.01 * math.sqrt(population)))


def compass(lat: float, lon: float, to_lat: float, to_lon: float) -> str:
    """The 8-point compass direction from the first position to the second."""
    p1, p2 = math.radians(lat), math.radians(to_lat)
    dl = math.radians(to_lon - lon)
    bearing = math.degrees(math.atan2(math.sin(dl) * math.cos(p2),
                                      math.cos(p1) * math.sin(p2)
                                      - math.sin(p1) * math.cos(p2) * math.cos(dl)))
    return COMPASS[round((bearing % 360) / 45) % 8]


# the scripts a language is written in, as ranges of code points (letters outside them
# make a name unreadable to its readers); languages not listed are written in Latin
_LATIN = ((0x41, 0x24F), (0x1E00, 0x1EFF))
_HAN = ((0x3005, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
        (0x20000, 0x3FFFF))
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))
SCRIPTS = {"ja": _HAN + _KANA, "zh": _HAN, "ko": _HANGUL, "ru": ((0x400, 0x52F),),
           "uk": ((0x400, 0x52F),), "el": ((0x370, 0x3FF),)}


def readable(name: str, language: str) -> bool:
    """Whether every letter of ``name`` is in a script ``language`` is written in."""
    ranges = SCRIPTS.get(language, _LATIN)
    return all(any(lo <= ord(c) <= hi for lo, hi in ranges) for c in name if c.isalpha())


def base_language(code: str | None) -> str:
    """"ja-JP", "pt_BR", "ZH-Hant" -> "ja", "pt", "zh"; None or "" -> ""."""
    return (code or "").strip().lower().replace("_", "-").split("-")[0]


def unknown_language(code: str) -> str | None:
    """A warning when the place file has no names in language ``code`` (None: it has)."""
    lang = base_language(code)
    known = ["en", *(x for x in place_file(DATA).languages if x != LOCAL)]
    if lang in known:
        return None
    return (f"the offline place names have no {code!r} names (they have: "
            f"{', '.join(known)}); local names and English are used")


@functools.cache
def place_file(path: Path) -> PlaceFile:
    """The place file, opened once a process (memory-mapped: nothing is built or written)."""
    return PlaceFile(path)


def zone_at(lat: float, lon: float) -> str | None:
    """The IANA time zone at the position: the time stage's lookup (clock/zones.py), its
    timezonefinder shared, its answers kept per ~100 m cell for the process."""
    return _zones().name_at(lat, lon)


@functools.cache
def _zones() -> ZoneFinder:
    from tripexif.clock.zones import ZoneFinder

    return ZoneFinder()


class Named(NamedTuple):
    """A place found by its name."""

    lat: float
    lon: float
    population: int
    place: Place


def fold(text: str | None) -> str:
    """Case, accents and spacing folded away: "  Zürich " == "zurich"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class _Hit(NamedTuple):
    score: float  # distance / radius: below 1 inside the extent
    population: int
    at: int  # the place's record
    km: float


class OfflineGeocoder:
    name = "offline"

    def __init__(self, language: str | None = None, data: Path | None = None,
                 at_sea: Callable[[float, float], bool] | None = None,
                 zone: Callable[[float, float], str | None] | None = None) -> None:
        """``data``: another place file (default: the shipped one); ``at_sea``: tells
        whether a position lies at sea (default: the place file's land mask,
        :meth:`PlaceFile.sea_at`); ``zone``: the time zone at a position (default:
        :func:`zone_at`)."""
        self.language = base_language(language)
        self._path = data or DATA
        self._at_sea = at_sea or self._sea
        self._zone = zone or zone_at

    def _sea(self, lat: float, lon: float) -> bool:
        return self.file.sea_at(lat, lon)

    @property
    def file(self) -> PlaceFile:
        return place_file(self._path)

    @property
    def scope(self) -> str:
        """What the answers depend on (for the place cache): the data and the language."""
        about = self.file.header.get("about", {})
        stat = self._path.stat()
        return (f"offline|places-{about.get('built', '')}-{stat.st_size}"
                f"|{self.language or 'en'}")

    @property
    def languages(self) -> list[str]:
        """The languages the place file has names in (English always)."""
        return ["en", *(lang for lang in self.file.languages if lang != LOCAL)]

    # --- querying -----------------------------------------------------------------------

    def named(self, name: str) -> list[Named]:
        """The places called ``name`` (case, accents and spacing aside: "zurich" finds
        Zürich), most populous first, each with its position and its Place."""
        key = fold(name)
        if not key:
            return []
        f = self.file
        found = [Named(*f.position(i), f.population(i), self._place(i, 0.0, None))
                 for i in f.named(lambda text: fold(text) == key)]
        return sorted(found, key=lambda n: -n.population)


    def reverse(self, lat: float, lon: float) -> Place | None:
        f = self.file
        found: dict[int, _Hit] = {}  # the places whose extent holds it, and any near it
        # a place smaller than the file's big_pop reaches no farther than this
        small = f.around(lat, lon, max(NEAR_KM, extent_km(f.header["big_pop"])))
        big = ((i, *f.position(i)) for i in f.within_box(lat, lon, CAP_KM, big=True))
        for candidates in (small, big):
            for i, plat, plon in candidates:
                if i in found:
                    continue
                km = distance_km(lat, lon, plat, plon)
                population = f.population(i)
                radius = extent_km(population)
                if km <= max(radius, NEAR_KM):
                    found[i] = _Hit(km / radius, population, i, km)
        pool = self._zoned(lat, lon, list(found.values()))
        inside = [h for h in pool if h.score <= 1.0]
        if not inside:
            return self._outside(lat, lon)
        # the region: that of a place that holds it deeply (within a quarter of its
        # radius), else that of the nearest place a few km off (Haneda's, Tokyo, not that
        # of Kawasaki, whose bigger extent holds the airport more deeply but not deeply),
        # else that of the place that holds it most deeply; a town across a border or a
        # state line whose reach covers it (Strasbourg's covers Kehl) names nothing here
        deepest = min(inside)
        near = [h for h in pool if h.km <= NEAR_KM]
        first = [min(near, key=lambda h: h.km)] if near and deepest.score > DEEP else []
        same: list[_Hit] = []
        for decider in [*first, deepest]:
            country, region = f.country[decider.at], f.admin1[decider.at]
            same = [h for h in inside if f.country[h.at] == country
                    and (f.admin1[h.at] == region or not f.admin1[h.at] or not region)]
            if same:
                break
        # the town: the most populous of them in the county (admin2) of that place, or in
        # none (JFK is in Queens County: Queens, not Brooklyn, which reaches it too)
        county = f.admin2[decider.at]
        local = [h for h in same if not county or f.admin2[h.at] in (0, county)]
        town = max(local or same, key=lambda h: (h.population, -h.score))
        others = [h._replace(score=h.km / min(SECTION_KM, extent_km(h.population)))
                  for h in same if h.at != town.at and h.population <= town.population]
        others = [h for h in others if h.score <= 1.0]
        tlat, tlon = f.position(town.at)
        within = [h for h in others
                  if distance_km(tlat, tlon, *f.position(h.at)) <= extent_km(town.population)]
        district = min(within, default=None)
        alone = min((h for h in others if h not in within), default=None)
        if alone is not None and (district is None or alone.score < district.score):
            town, district = alone, None  # a town of its own beyond the big one's edge
        return self._place(town.at, town.km, district.at if district else None)

    def _zoned(self, lat: float, lon: float, hits: list[_Hit]) -> list[_Hit]:
        """``hits`` but those in another time zone than the position, when they lie in
        more than one country (a border between countries is one between zones: Windsor's
        America/Toronto, Detroit's America/Detroit); all of them when none is in its zone."""
        f = self.file
        if len({f.country[h.at] for h in hits}) < 2:
            return hits
        here = self._zone(lat, lon)
        if here is None or here.startswith("Etc/"):
            return hits
        kept = [h for h in hits if self._zone(*f.position(h.at)) == here]
        return kept or hits

    def _outside(self, lat: float, lon: float) -> Place | None:
        f = self.file
        reach = 25.0
        while reach < 25_000:
            found = [(distance_km(lat, lon, plat, plon), i)
                     for i, plat, plon in f.around(lat, lon, reach)]
            found = [hit for hit in found if hit[0] <= reach]
            if found:
                km, i = min(found)
                if km >= SHORE_KM and self._at_sea(lat, lon):
                    kind = "sea"
                else:
                    edge = self._edge(lat, lon, i)
                    if edge is not None and edge.score <= km / extent_km(f.population(i)):
                        return self._place(edge.at, edge.km, None)
                    kind = "near"
                plat, plon = f.position(i)
                return self._place(i, km, None, kind, compass(plat, plon, lat, lon))
            reach *= 4
        return None

    def _edge(self, lat: float, lon: float, nearest: int) -> _Hit | None:
        """The big town (``big_pop`` or more) of the nearest place's country, region and
        county (admin2: Schiphol's, Haarlemmermeer, is not Amsterdam's) whose extent,
        stretched ``EDGE`` times, holds a position no place's extent holds, most deeply.
        A town's limits reach past the circle of its area (Frankfurt's airport is 12 km
        from its centre, 1.5 times its 8 km): it names the position when it holds it more
        deeply (distance / radius) than the nearest place, "Frankfurt am Main" rather than
        "4 km SE of Kelsterbach" (3 times Kelsterbach's 1.2 km)."""
        f = self.file
        country, region, county = f.country[nearest], f.admin1[nearest], f.admin2[nearest]
        best: _Hit | None = None
        for i in f.within_box(lat, lon, CAP_KM * EDGE, big=True):
            if (f.country[i] != country or (region and f.admin1[i] not in (0, region))
                    or (county and f.admin2[i] not in (0, county))):
                continue
            km = distance_km(lat, lon, *f.position(i))
            population = f.population(i)
            hit = _Hit(km / extent_km(population), population, i, km)
            if hit.score <= EDGE and (best is None or hit < best):
                best = hit
        return best

    def _place(self, i: int, km: float, district: int | None, kind: str = "in",
               direction: str | None = None) -> Place:
        f = self.file
        country = f.country[i]
        return Place(
            name=self._name("place", i, f.text(f.name[i])),
            admin1=self._area(f.admin1[i]),
            country=self._name("country", country, f.country_name(country)),
            country_code=f.country_code(country) or None,
            distance_km=round(km, 3),
            district=None if district is None else self._name("place", district,
                                                               f.text(f.name[district])),
            admin2=self._area(f.admin2[i]),
            local_name=f.translated(LOCAL, "place", i),
            kind=kind,
            direction=direction,
        )

    def _area(self, area: int) -> str | None:
        english = self.file.area_name(area)
        return None if english is None else self._name("area", area, english)

    def _name(self, kind: str, key: int, english: str) -> str:
        """In the language asked for, else the local name when it is written in that
        language's script (a Japanese name for a Japanese reader, a French one for a French
        reader; a Korean reader gets Shibuya, not 渋谷区), else English."""
        if self.language in ENGLISH:
            return english
        f = self.file
        found = f.translated(self.language, kind, key)
        if found:
            return found
        local = f.translated(LOCAL, kind, key)
        return local if local and readable(local, self.language) else english
