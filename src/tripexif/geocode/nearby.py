"""What is worth seeing or eating near a stop: OpenStreetMap data through the Overpass API.

One query per stop (positions within ~10 m share it), rate limited, retried on 429/5xx, cached
in the scan index; when Overpass fails the itinerary is kept and the run warns once.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, NamedTuple

from tripexif import __version__
from tripexif.geocode.cache import remembered
from tripexif.geocode.polite import (
    DECIMALS,
    RETRIES,
    RateLimiter,
    Retryable,
    call_politely,
    sent_position,
)
from tripexif.trip.geo import distance_km

DEFAULT_ENDPOINT = "https://overpass-api.de/api/interpreter"
PUBLIC_INTERVAL_S = 1.0
SEE = {"tourism": ("attraction", "museum", "viewpoint", "gallery", "artwork", "zoo",
                   "theme_park", "aquarium"),
       "historic": ("monument", "memorial", "castle", "ruins", "archaeological_site",
                    "church", "fort", "palace")}
EAT = {"amenity": ("restaurant", "cafe", "bar", "pub", "fast_food", "ice_cream",
                   "food_court", "biergarten")}


class NearbyPlace(NamedTuple):
    name: str
    category: str  # "museum", "viewpoint", "restaurant", "cafe", ...
    kind: str  # "see" | "eat"
    distance_m: int
    osm_url: str


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
    return f"[out:json][timeout:25];({''.join(parts)});out center tags;"


def parse(answer: dict[str, Any], lat: float, lon: float,
          language: str | None = None) -> list[NearbyPlace]:
    """The named places to see, then to eat, each nearest first."""
    found: dict[str, list[NearbyPlace]] = {"see": [], "eat": []}
    for element in answer.get("elements", []):
        tags = element.get("tags") or {}
        name = (language and tags.get(f"name:{language}")) or tags.get("name")
        where = element if "lat" in element else element.get("center") or {}
        if not name or "lat" not in where or "lon" not in where:
            continue
        kind, category = _classify(tags)
        if kind is None:
            continue
        metres = round(distance_km(lat, lon, float(where["lat"]), float(where["lon"])) * 1000)
        url = f"https://www.openstreetmap.org/{element.get('type', 'node')}/{element.get('id')}"
        found[kind].append(NearbyPlace(str(name), category, kind, metres, url))
    out: list[NearbyPlace] = []
    for kind in ("see", "eat"):
        out.extend(sorted(found[kind], key=lambda p: (p.distance_m, p.name)))
    return out


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
                 sleep: Callable[[float], None] | None = None) -> None:
        """``clock``/``sleep`` default to :mod:`tripexif.geocode.polite`'s ``CLOCK``/``SLEEP``."""
        self.endpoint = endpoint
        self.radius_m = radius_m
        self.count = count
        self.language = language
        self.timeout = timeout
        public = urllib.parse.urlsplit(endpoint).hostname == "overpass-api.de"
        self.limiter = RateLimiter(PUBLIC_INTERVAL_S if public else 0.0, clock, sleep)
        self.sleep = sleep
        self.requests = 0

    @property
    def scope(self) -> str:
        return f"overpass|{self.endpoint}|{self.radius_m}|{self.language or ''}"

    def around(self, lat: float, lon: float) -> list[NearbyPlace]:
        """Every named place to see or eat within the radius, nearest first per kind
        (distances from the true position; only the rounded one is sent)."""
        body = urllib.parse.urlencode({"data": _query(lat, lon, self.radius_m)}).encode()
        return call_politely(lambda: self._attempt(body, lat, lon), self.limiter, self.sleep,
                             RETRIES, NearbyFailure)

    def _attempt(self, body: bytes, lat: float, lon: float) -> list[NearbyPlace]:
        self.requests += 1
        request = urllib.request.Request(self.endpoint, data=body, headers={
            "User-Agent": f"tripexif/{__version__}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if error.code != 429 and error.code < 500:
                raise NearbyFailure(f"Overpass answered HTTP {error.code}") from error
            retry_after = error.headers.get("Retry-After") if error.headers else None
            wait = (float(retry_after) if retry_after and retry_after.isascii()
                    and retry_after.isdigit() else None)
            raise Retryable(f"Overpass answered HTTP {error.code}", wait) from error
        except (ValueError, UnicodeDecodeError) as error:
            raise NearbyFailure("Overpass answered malformed JSON") from error
        except (urllib.error.URLError, OSError) as error:  # refused, timed out
            raise NearbyFailure(f"Overpass unreachable: {error}") from error
        if not isinstance(answer, dict):
            raise NearbyFailure("Overpass answered something that is not an object")
        return parse(answer, lat, lon, self.language)


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
    return [NearbyPlace(*row) for row in json.loads(packed or "[]")]
