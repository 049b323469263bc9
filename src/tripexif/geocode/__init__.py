"""Reverse geocoders: a position in, a Place (or None) out.

``offline`` (default) uses embedded GeoNames data; ``none`` names nothing."""

from __future__ import annotations

from collections.abc import Mapping

from tripexif.errors import ConfigError
from tripexif.geocode.base import Geocoder, NoGeocoder

BUILTIN = ("offline", "none")


def get_geocoder(name: str, options: Mapping[str, str] | None = None) -> Geocoder:
    """The geocoder called ``name``; ConfigError listing the valid names otherwise."""
    key = name.strip().lower()
    if key == "none":
        return NoGeocoder()
    if key == "offline":
        from tripexif.geocode.offline import OfflineGeocoder

        return OfflineGeocoder()
    raise ConfigError(
        f"unknown geocoder {name!r}; valid: {', '.join(BUILTIN)} "
        "(online services through geopy are not available in this version)"
    )
