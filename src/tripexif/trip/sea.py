"""Land or sea at a position, offline: the place file's land mask (NOAA GLOBE via
global-land-mask, cells of 1', ~1.85 km, sea only where all four GLOBE cells in it are;
see geocode/placefile.py), the one the offline place names use. A position is at sea when
its cell is: a beach, a quay or a harbour is in a cell that holds land, while the middle of
a strait 3 km wide (Messina, the Bosporus) is sea, so a line across it reads as a crossing
(the place names ask more: the eight cells around sea too). Lakes are land: no ferry over
Lake Geneva is told from a drive round it."""

from __future__ import annotations

from tripexif.geocode.placefile import PlaceFile


class Sea:
    """``Sea()(lat, lon)``: whether the position is at sea. The land mask is read from the
    shipped place file on the first question (a block of it a few tenths of a
    millisecond), so answers need no keeping."""

    def __init__(self, places: PlaceFile | None = None) -> None:
        self._places = places

    def __call__(self, lat: float, lon: float) -> bool:
        if self._places is None:
            from tripexif.geocode.offline import DATA, place_file

            self._places = place_file(DATA)
        return not self._places.land_at(lat, lon)
