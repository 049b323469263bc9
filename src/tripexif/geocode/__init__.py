"""Reverse geocoders: a position in, a Place (or None) out.

``offline`` (default) uses embedded GeoNames data; ``none`` names nothing."""

from __future__ import annotations

from collections.abc import Mapping

from tripexif.errors import ConfigError
from tripexif.geocode.base import Geocoder, NoGeocoder

BUILTIN = ("offline", "none")


def get_geocoder(name: str, options: Mapping[str, str] | None = None,
                 language: str | None = None) -> Geocoder:
    """The geocoder called ``name``: offline, none, or any service geopy knows by that name
    (ConfigError listing the valid names otherwise)."""
    key = name.strip().lower()
    if key in BUILTIN and options:
        raise ConfigError(f"the {key} geocoder takes no --geocoder-option")
    if key == "none":
        return NoGeocoder()
    if key == "offline":
        from tripexif.geocode.offline import OfflineGeocoder

        return OfflineGeocoder(language)
    from tripexif.geocode.online import OnlineGeocoder

    return OnlineGeocoder(key, options or {}, language)
