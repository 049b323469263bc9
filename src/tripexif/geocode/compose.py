"""Putting the geocoder and the nearby-place finder of a run together, outside the CLI.

A stop is named by the chosen geocoder, through the persistent cache when an index is given;
an online one falls back to the offline names when it fails. The clock and the sleeper of
the online clients can be injected (default: :mod:`tripexif.geocode.polite`'s).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tripexif.errors import UsageError
from tripexif.geocode.base import Geocoder

if TYPE_CHECKING:  # urllib.request costs 15 ms to import: only when --nearby asks for it
    from tripexif.geocode.nearby import NearbyFinder
    from tripexif.geocode.polite import Budget


def parse_options(options: Mapping[str, str] | Sequence[str]) -> dict[str, str]:
    """``["KEY=VALUE", ...]`` (as --geocoder-option gives them) or a mapping, as a dict."""
    if isinstance(options, Mapping):
        return {str(key): str(value) for key, value in options.items()}
    settings = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--geocoder-option wants KEY=VALUE, got {option!r}")
        settings[key.strip()] = value
    return settings


def make_geocoder(name: str, options: Mapping[str, str] | Sequence[str], *,
                  language: str | None = None, index: Any = None,
                  warn: Callable[[str], None] | None = None,
                  sleep: Callable[[float], None] | None = None,
                  clock: Callable[[], float] | None = None,
                  budget: Budget | None = None) -> Geocoder:
    """The geocoder to name stops with.

    ``name`` is offline, none or a geopy service; ``options`` are its settings, as a mapping
    or as ``KEY=VALUE`` strings (UsageError for a malformed one, ConfigError or UsageError
    for a setting the service does not take or a bad number). With an ``index`` (a scan
    Index) answers are cached in it; without one nothing is kept. An online geocoder is
    wrapped in a :class:`FallbackGeocoder` that names with the offline data after its first
    failure and says so once through ``warn``. ``sleep`` and ``clock`` pace the online
    service's requests (rate limit, retries). Its online time is ``budget`` (a
    :class:`~tripexif.geocode.polite.Budget`, which a :func:`make_nearby` may share), or the
    ``budget`` option's seconds, or ``polite.BUDGET_S``."""
    from tripexif.geocode import BUILTIN, get_geocoder

    settings = parse_options(options)
    key = name.strip().lower()
    if key in BUILTIN:
        return _cached(get_geocoder(key, settings, language), index)
    from tripexif.geocode.online import FallbackGeocoder, OnlineGeocoder

    online = _cached(OnlineGeocoder(key, settings, language, clock=clock, sleep=sleep,
                                    warn=warn, budget=budget), index)
    backup = _cached(get_geocoder("offline", language=language), index)
    return FallbackGeocoder(online, backup, warn or _silent)


def make_nearby(index: Any, warn: Callable[[str], None] | None, endpoint: str | None = None,
                radius: int = 500, count: int = 5, language: str | None = None,
                sleep: Callable[[float], None] | None = None,
                clock: Callable[[], float] | None = None,
                budget: Budget | float | None = None, timeout: float = 30.0) -> NearbyFinder:
    """The finder of places to see and eat near a stop: Overpass at ``endpoint`` (default:
    the public one), ``count`` places of each kind within ``radius`` metres, names in
    ``language`` when OpenStreetMap has them; answers cached in ``index`` (None: not kept);
    the first failure is reported once through ``warn``. Each request is over within
    ``timeout`` seconds; all of them within ``budget`` seconds of online time (or a shared
    :class:`~tripexif.geocode.polite.Budget`; default ``polite.BUDGET_S``)."""
    from tripexif.geocode.nearby import DEFAULT_ENDPOINT, NearbyFinder, OverpassClient

    client = OverpassClient(endpoint or DEFAULT_ENDPOINT, radius, count, language,
                            timeout=timeout, clock=clock, sleep=sleep, warn=warn,
                            budget=budget)
    return NearbyFinder(client, index, warn or _silent)


def _cached(coder: Geocoder, index: Any) -> Geocoder:
    scope = getattr(coder, "scope", None)
    if index is None or not scope:
        return coder
    from tripexif.geocode.cache import CachedGeocoder

    return CachedGeocoder(coder, index, scope)


def _silent(message: str) -> None:
    pass
