"""The interface every reverse geocoder implements."""

from __future__ import annotations

from typing import Protocol

from tripexif.model import Place


class Geocoder(Protocol):
    name: str

    def reverse(self, lat: float, lon: float) -> Place | None: ...


class NoGeocoder:
    """--geocoder none: no names at all."""

    name = "none"

    def reverse(self, lat: float, lon: float) -> Place | None:
        return None
