"""What is worth seeing or eating near a stop: OpenStreetMap data through the Overpass API.

One query per stop (positions within ~10 m share it), rate limited, retried on 429/5xx, each
over within ``timeout`` seconds in all and at most ``polite.MAX_BYTES`` long, all of them within
an online time budget; cached in the scan index. When Overpass fails the itinerary is kept and
the run warns once; elements of an answer that are not what Overpass sends are left out (one
warning a run).
"""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Callable
from typing import Any, NamedTuple

from tripexif import __version__
from tripexif.geocode.cache import remembered
from tripexif.geocode.polite import (
    DECIMALS,
    MAX_WAIT_S,
    RETRIES,
    Budget,
    FetchError,
    RateLimiter,
    Retryable,
    as_budget,
    call_politely,
    fetch,
    retry_after_s,
    sent_position,
)
from tripexif.trip.geo import distance_km

DEFAULT_ENDPOINT = "https://overpass-api.de/api/interpreter"
PUBLIC_INTERVAL_S = 1.0
SEE = {"tourism": ("attraction", "museum", "viewpoint", "gallery", "artwork", "zoo",
                   "theme_park", "aquarium"),
       "historic": ("monument", "memorial", "castle", "ruins", "archaeological_site",
                    "church", "fort", "palace"),
       # named parks and temples, shrines, churches: what a stop is often *in*
       "leisure": ("park",),
       "amenity": ("place_of_worship",)}
EAT = {"amenity": ("restaurant", "cafe", "bar", "pub", "fast_food", "ice_cream",
                   "food_court", "biergarten")}


class NearbyPlace(NamedTuple):
    name: str
    category: str  # "museum", "viewpoint", "restaurant", "cafe", ...
    kind: str  # "see" | "eat"
    distance_m: int
    osm_url: str
    # a way's or relation's bounding box (south, west, north, east) as Overpass gave it;
    # None for a node: geocode/labels.py names a stop inside it by it
    bounds: tuple[float, float, float, float] | None = None


class NearbyFailure(Exception):
    pass


def _query(lat: float, lon: float, radius_m: int) -> str:
    """The Overpass QL query around the position rounded to ~10 m (README, "Privacy")."""
    lat, lon = sent_position(lat, lon)
    around = f"(around:{radius_m},{lat:.{DECIMALS}f},{lon:.{DECIMALS}f})"
    parts = []
    for table in (SEE, EAT):
        for key, values in table.items():
            parts.append(f'nwr{around}["{key}"~"^({"|".join(values)})$"]["name"];')
    return f"[out:json][timeout:25];({''.join(parts)});out center bb tags;"


def parse(answer: dict[str, Any], lat: float, lon: float,
          language: str | None = None) -> list[NearbyPlace]:
    """The named places to see, then to eat, each nearest first (malformed elements left
    out; NearbyFailure when ``elements`` is not a list)."""
    return parse_counting(answer, lat, lon, language)[0]


def parse_counting(answer: dict[str, Any], lat: float, lon: float,
                   language: str | None = None) -> tuple[list[NearbyPlace], int]:
    """:func:`parse`'s places and how many elements were malformed."""
    elements = answer.get("elements", [])
    if not isinstance(elements, list):
        raise NearbyFailure("Overpass answered 'elements' that are not a list")
    found: dict[str, list[NearbyPlace]] = {"see": [], "eat": []}
    malformed = 0
    for element in elements:
        place = _element(element, lat, lon, language)
        if place is None:
            malformed += 1
        elif place:
            found[place.kind].append(place)
    out: list[NearbyPlace] = []
    for kind in ("see", "eat"):
        out.extend(sorted(found[kind], key=lambda p: (p.distance_m, p.name)))
    return out, malformed


def _element(element: Any, lat: float, lon: float,
             language: str | None) -> NearbyPlace | None | tuple[()]:
    """The place an element is; ``()`` for one that is well formed but not listed (no name,
    another kind of place); None for a malformed one."""
    if not isinstance(element, dict):
        return None
    tags = element.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        return None
    where = element if "lat" in element else element.get("center", {})
    if not isinstance(where, dict):
        return None
    kind_of, ident = element.get("type", "node"), element.get("id")
    if kind_of not in ("node", "way", "relation") or type(ident) is not int:
        return None
    name = (language and tags.get(f"name:{language}")) or tags.get("name")
    kind, category = _classify(tags)
    if not name or kind is None:
        return ()
    at = (_degrees(where.get("lat"), 90), _degrees(where.get("lon"), 180))
    if at[0] is None or at[1] is None:
        return None
    metres = round(distance_km(lat, lon, at[0], at[1]) * 1000)
    return NearbyPlace(name, category, kind, metres,
                       f"https://www.openstreetmap.org/{kind_of}/{ident}",
                       _bounds(element.get("bounds")))


def _bounds(value: Any) -> tuple[float, float, float, float] | None:
    """Overpass' ``bounds`` object as (south, west, north, east); None when absent or
    not four coordinates in range."""
    if not isinstance(value, dict):
        return None
    found = (_degrees(value.get("minlat"), 90), _degrees(value.get("minlon"), 180),
             _degrees(value.get("maxlat"), 90), _degrees(value.get("maxlon"), 180))
    if any(v is None for v in found):
        return None
    south, west, north, east = found
    assert south is not None and west is not None and north is not None and east is not None
    return (south, west, north, east) if south <= north and west <= east else None


def _degrees(value: Any, limit: float) -> float | None:
    """A coordinate sent as a number (or numeric text) within +-``limit``, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) <= limit else None


def _classify(tags: dict[str, str]) -> tuple[str | None, str]:
    for kind, table in (("see", SEE), ("eat", EAT)):
        for key, values in table.items():
            if tags.get(key) in values:
                return kind, tags[key]
    return None, ""


class OverpassClient:
    def __init__(self, endpoint: str = DEFAULT_ENDPOINT, radius_m: int = 500, count: int = 5,
                 language: str | None = None, timeout: float = 30.0,
                 clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None,
                 warn: Callable[[str], None] | None = None,
                 budget: Budget | float | None = None) -> None:
        """``timeout``: seconds a request may take in all; ``budget``: seconds of online time
        in this run (or a Budget, maybe shared with the geocoder; default
        ``polite.BUDGET_S``); ``warn`` hears once of a long wait the server asked for and
        of malformed elements; ``clock``/``sleep`` default to
        :mod:`tripexif.geocode.polite`'s ``CLOCK``/``SLEEP``."""
        self.endpoint = endpoint
        self.radius_m = radius_m
        self.count = count
        self.language = language
        self.timeout = timeout
        public = urllib.parse.urlsplit(endpoint).hostname == "overpass-api.de"
        self.limiter = RateLimiter(PUBLIC_INTERVAL_S if public else 0.0, clock, sleep)
        self.sleep = sleep
        self.warn = warn
        self.budget = as_budget(budget, clock)
        self.told: set[str] = set()
        self.requests = 0

    @property
    def scope(self) -> str:
        return f"overpass|{self.endpoint}|{self.radius_m}|{self.language or ''}"

    def around(self, lat: float, lon: float) -> list[NearbyPlace]:
        """Every named place to see or eat within the radius, nearest first per kind
        (distances from the true position; only the rounded one is sent)."""
        body = urllib.parse.urlencode({"data": _query(lat, lon, self.radius_m)}).encode()
        return call_politely(lambda: self._attempt(body, lat, lon), self.limiter, self.sleep,
                             RETRIES, NearbyFailure, self.budget, self._asked)

    def _once(self, topic: str, message: str) -> None:
        if self.warn is not None and topic not in self.told:
            self.told.add(topic)
            self.warn(message)

    def _asked(self, seconds: float) -> None:
        self._once("wait", f"Overpass asked to wait {seconds:.0f} s; waiting at most "
                           f"{MAX_WAIT_S:.0f} s at a time")

    def _attempt(self, body: bytes, lat: float, lon: float) -> list[NearbyPlace]:
        self.requests += 1
        try:
            got = fetch(self.endpoint, data=body, headers={"User-Agent": f"tripexif/{__version__}"},
                        seconds=min(self.timeout, max(self.budget.remaining(), 0.001)))
        except FetchError as error:  # refused, timed out, too large, cut short
            what = "unreachable" if error.kind == "network" else "failed"
            raise NearbyFailure(f"Overpass {what}: {error.reason}") from error
        if got.status == 429 or got.status >= 500:
            raise Retryable(f"Overpass answered HTTP {got.status}",
                            retry_after_s(got.headers.get("retry-after")))
        if got.status >= 300:
            raise NearbyFailure(f"Overpass answered HTTP {got.status}")
        try:
            answer = json.loads(got.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise NearbyFailure("Overpass answered malformed JSON") from error
        if not isinstance(answer, dict):
            raise NearbyFailure("Overpass answered something that is not an object")
        places, malformed = parse_counting(answer, lat, lon, self.language)
        if malformed:
            self._once("malformed", f"Overpass answered {malformed} malformed element(s); "
                                    "they are left out of the nearby places")
        return places


class NearbyFinder:
    """Nearby places per stop through a client, a cache (an Index or None) and a warning."""

    def __init__(self, client: OverpassClient, index: Any, warn: Callable[[str], None]) -> None:
        self.client = client
        self.index = index
        self.warn = warn
        self.failed = False
        self.memo: dict[str, list[NearbyPlace]] = {}

    def around(self, lat: float, lon: float) -> list[NearbyPlace]:
        """The client's ``count`` nearest places of each kind."""
        places = self._all(lat, lon)
        count = self.client.count
        return ([p for p in places if p.kind == "see"][:count]
                + [p for p in places if p.kind == "eat"][:count])

    def _all(self, lat: float, lon: float) -> list[NearbyPlace]:
        key = f"{self.client.scope}|{lat:.4f},{lon:.4f}"
        if key not in self.memo:
            try:
                if self.index is None:
                    self.memo[key] = self._ask(lat, lon)
                else:
                    self.memo[key] = remembered(self.index, key, lambda: self._ask(lat, lon),
                                                _pack, _unpack)
            except NearbyFailure as error:
                if not self.failed:
                    self.failed = True
                    self.warn(f"nearby places are missing: {error}")
                return []
        return self.memo[key]

    def _ask(self, lat: float, lon: float) -> list[NearbyPlace]:
        if self.failed:  # one failure is enough: ask no more this run (cached answers still)
            raise NearbyFailure("an earlier request failed")
        return self.client.around(lat, lon)


def _pack(places: list[NearbyPlace]) -> str:
    return json.dumps([list(p) for p in places], ensure_ascii=False)


def _unpack(packed: str | None) -> list[NearbyPlace]:
    places = [NearbyPlace(*row) for row in json.loads(packed or "[]")]
    return [p._replace(bounds=tuple(p.bounds)) if p.bounds else p  # type: ignore[arg-type]
            for p in places]
