"""A persistent cache in front of any geocoder: one answer per service, endpoint, language and
~10 m position, kept in the scan index's SQLite file. A re-run asks the geocoder nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from tripexif.geocode.base import Geocoder
from tripexif.model import Place


def pack_place(place: Place | None) -> str | None:
    if place is None:
        return None
    return json.dumps([place.name, place.admin1, place.country, place.country_code,
                       place.distance_km], ensure_ascii=False)


def unpack_place(text: str | None) -> Place | None:
    if text is None:
        return None
    name, admin1, country, code, distance = json.loads(text)
    return Place(name, admin1, country, code, distance)


class CachedGeocoder:
    def __init__(self, inner: Geocoder, store: object, scope: str,
                 clock: Callable[[], float] = time.time) -> None:
        """``scope`` names the service, its endpoint and language; ``store`` is an Index."""
        self.inner = inner
        self.name = inner.name
        self.store = store
        self.scope = scope
        self.clock = clock

    def key(self, lat: float, lon: float) -> str:
        return f"{self.scope}|{lat:.4f},{lon:.4f}"

    def reverse(self, lat: float, lon: float) -> Place | None:
        key = self.key(lat, lon)
        found, packed = self.store.place(key)  # type: ignore[attr-defined]
        if found:
            return unpack_place(packed)
        place = self.inner.reverse(lat, lon)
        self.store.store_place(key, pack_place(place), self.clock())  # type: ignore[attr-defined]
        return place
