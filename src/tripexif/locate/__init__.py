"""Positions for photos whose files have none: from track logs (``tracks/``, ``track.py``),
from the other devices' located photos (``photos.py``), put together by ``place.py``.

Nothing is guessed across a gap: a position is interpolated only between fixes (or photos)
at most ``max_interpolation`` apart that the traveller could have gone between without
flying, and a photo that cannot be placed says why."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

GPS_ERROR_M = 10.0  # a fix's own error, the least any placed position is off


class PlacementSettings(NamedTuple):
    """How far positions are carried to a photo that has none.

    ``max_interpolation``: the longest gap between two fixes (or two located photos) across
    which a position is interpolated (ExifTool's GeoMaxIntSecs: 30 min);
    ``max_extrapolation``: how long before a track's first fix, after its last, or beside a
    gap the nearest fix is still taken (GeoMaxExtSecs: 5 min); ``stop_margin``: a photo
    this long before a stop's first located photo or after its last joins the stop;
    ``max_speed_kmh``: two fixes farther apart than this speed allows (and more than
    ``jump_km`` apart) were a flight, or a jump of the receiver: nothing is interpolated
    between them."""

    max_interpolation: timedelta = timedelta(minutes=30)
    max_extrapolation: timedelta = timedelta(minutes=5)
    stop_margin: timedelta = timedelta(minutes=10)
    max_speed_kmh: float = 300.0
    jump_km: float = 1.0
