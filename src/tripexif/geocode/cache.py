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
    return json.dumps(list(place), ensure_ascii=False)


KINDS = ("in", "near", "sea", "landmark", "flight")


def unpack_place(text: str | None) -> Place | None:
    """The place ``pack_place`` wrote (this version's, or the five fields of an earlier
    one's); ValueError for anything else."""
    if text is None:
        return None
    fields = json.loads(text)
    if not isinstance(fields, list) or len(fields) not in (5, len(Place._fields)):
        raise ValueError(f"not a packed place: {text!r}")
    place = Place(*fields)
    texts = (place.admin1, place.country, place.country_code, place.district, place.admin2,
             place.local_name, place.direction, place.town)
    distance = place.distance_km
    if (not isinstance(place.name, str)
            or not all(value is None or isinstance(value, str) for value in texts)
            or place.kind not in KINDS
            or type(place.ordinal) is not int or place.ordinal < 1
            or (distance is not None and (isinstance(distance, bool)
                                          or not isinstance(distance, (int, float))))):
        raise ValueError(f"not a packed place: {text!r}")
    return place._replace(distance_km=None if distance is None else float(distance))


def remembered(store: Any, key: str, compute: Callable[[], T],
               pack: Callable[[T], str | None], unpack: Callable[[str | None], T],
               clock: Callable[[], float] = time.time) -> T:
    """The answer kept in ``store`` (an Index) under ``key``, else ``compute()``'s, kept.

    A kept answer ``unpack`` cannot read (ValueError, TypeError) is dropped and worked out
    again. An exception from ``compute`` is not kept: the next run asks again."""
    found, packed = store.place(key)
    if found:
        try:
            return unpack(packed)
        except (ValueError, TypeError, RecursionError):
            store.forget_place(key)
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
