"""Land or sea at a position, offline: timezonefinder's ocean zones (``Etc/GMT±N``) cover the
seas beyond each country's territorial waters (12 nautical miles, 22 km, from its coast).

So a point answered "at sea" is surely at sea; a strait narrower than twice that, or a bay
within one country's waters, reads as land (a ferry across it is taken for the ground)."""

from __future__ import annotations

from typing import Any


class Sea:
    """``Sea(index)(lat, lon)``: whether the position is at sea. The zone polygons load on
    the first question; answers are kept in the scan ``index`` (None: for this run only),
    like the photos' zones (:class:`~tripexif.clock.zones.ZoneFinder`)."""

    def __init__(self, index: Any = None) -> None:
        self._index = index
        self._finder: Any = None

    def __call__(self, lat: float, lon: float) -> bool:
        if self._finder is None:
            from tripexif.clock.zones import ZoneFinder

            self._finder = ZoneFinder(self._index)
        name = self._finder.name_at(lat, lon)
        return name is not None and name.startswith("Etc/")

    def save(self) -> None:
        """Keep the new answers in the index."""
        if self._finder is not None:
            self._finder.save()
