"""A persistent cache in front of any geocoder: one answer per service, endpoint, language and
~10 m position, kept in the scan index's SQLite file. A re-run asks the geocoder nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from tripexif.geocode.base import Geocoder
from tripexif.model import Place

T = TypeVar("T")


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


def remembered(store: Any, key: str, compute: Callable[[], T],
               pack: Callable[[T], str | None], unpack: Callable[[str | None], T],
               clock: Callable[[], float] = time.time) -> T:
    """The answer kept in ``store`` (an Index) under ``key``, else ``compute()``'s, kept.

    An exception from ``compute`` is not kept: the next run asks again."""
    found, packed = store.place(key)
    if found:
        return unpack(packed)
    value = compute()
    store.store_place(key, pack(value), clock())
    return value


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
        return remembered(self.store, self.key(lat, lon), lambda: self.inner.reverse(lat, lon),
                          pack_place, unpack_place, self.clock)
