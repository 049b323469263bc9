"""Online reverse geocoding through any service geopy knows, politely and never fatally.

The service is looked up by name in geopy's own registry, so a service geopy adds works here
unchanged. Requests keep a minimum interval per service (the public Nominatim server allows
one a second), are retried with backoff on 429 (honouring Retry-After) and 5xx, and time out.
When a position cannot be named online the caller falls back to the offline name
(:class:`FallbackGeocoder`), and after one definitive failure the run stops asking.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

from tripexif import __version__
from tripexif.errors import ConfigError, UsageError
from tripexif.geocode.base import Geocoder
from tripexif.geocode.polite import (
    RETRIES,
    RateLimiter,
    Retryable,
    call_politely,
    sent_position,
)
from tripexif.model import Place

USER_AGENT = f"tripexif/{__version__}"
PUBLIC_INTERVALS = {"nominatim.openstreetmap.org": 1.0, "photon.komoot.io": 1.0}
NUMBER_OPTIONS = ("timeout", "min_delay", "retries")
OWN_OPTIONS = ("min_delay", "retries")  # tripexif's, not passed to geopy


NUMBER_WANTS = {"timeout": "a number of seconds above 0",
                "min_delay": "a number of seconds, 0 or more",
                "retries": "a whole number, 0 or more"}


def check_number(key: str, text: str) -> float:
    """The numeric setting ``key``'s value; ValueError saying what it wants."""
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    valid = (math.isfinite(value)
             and (value > 0 if key == "timeout" else value >= 0)
             and (key != "retries" or value.is_integer()))
    if not valid:
        raise ValueError(f"{key} wants {NUMBER_WANTS[key]}")
    return value


def number_option(options: Mapping[str, str], key: str) -> float | None:
    """The numeric setting ``key`` (None when absent); UsageError saying what it wants."""
    if key not in options:
        return None
    try:
        return check_number(key, str(options[key]))
    except ValueError as exc:
        raise UsageError(f"--geocoder-option {key}={options[key]}: {exc}") from exc


class OnlineFailure(Exception):
    """The service could not answer for this position (after retries)."""


def valid_services() -> list[str]:
    from geopy.geocoders import SERVICE_TO_GEOCODER

    return sorted(SERVICE_TO_GEOCODER)


def make_service(name: str, options: Mapping[str, str]) -> tuple[Any, dict[str, Any]]:
    """The geopy geocoder for ``name`` with ``options``; ConfigError naming what is valid."""
    from geopy.exc import GeocoderNotFound
    from geopy.geocoders import get_geocoder_for_service

    try:
        cls = get_geocoder_for_service(name)
    except GeocoderNotFound as exc:
        raise ConfigError(
            f"unknown geocoder {name!r}; valid: offline, none, {', '.join(valid_services())}"
        ) from exc
    numbers = {key: number_option(options, key) for key in NUMBER_OPTIONS}
    accepted = inspect.signature(cls.__init__).parameters
    settings: dict[str, Any] = {}
    for key, value in options.items():
        if key in OWN_OPTIONS:
            continue
        if key not in accepted:
            names = ", ".join(p for p in accepted if p not in ("self", "adapter_factory",
                                                               "ssl_context", "proxies"))
            raise ConfigError(f"geocoder {name!r} has no setting {key!r}; it takes: {names}")
        settings[key] = numbers[key] if key in NUMBER_OPTIONS else value
    if "user_agent" in accepted and not settings.get("user_agent"):
        settings["user_agent"] = USER_AGENT
    settings.setdefault("timeout", 10.0)
    try:
        return cls(**settings), settings
    except TypeError as exc:  # a required setting is missing
        raise ConfigError(f"geocoder {name!r} needs more settings: {exc}; pass them with "
                          "--geocoder-option KEY=VALUE") from exc
    except Exception as exc:  # geopy validates some settings itself (e.g. scheme)
        raise ConfigError(f"geocoder {name!r}: {exc}") from exc


class OnlineGeocoder:
    """One geopy service; ``reverse`` returns a Place or raises OnlineFailure."""

    def __init__(self, name: str, options: Mapping[str, str] | None = None,
                 language: str | None = None, clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        """``clock``/``sleep`` default to :mod:`tripexif.geocode.polite`'s ``CLOCK``/``SLEEP``."""
        options = dict(options or {})
        self.name = name.lower()
        self.service, settings = make_service(name, options)
        self.language = language
        domain = str(settings.get("domain") or getattr(self.service, "domain", "") or "")
        self.endpoint = f"{settings.get('scheme') or getattr(self.service, 'scheme', '')}://{domain}"
        min_delay = number_option(options, "min_delay")
        interval = PUBLIC_INTERVALS.get(domain, 0.0) if min_delay is None else min_delay
        self.limiter = RateLimiter(interval, clock, sleep)
        self.sleep = sleep
        retries = number_option(options, "retries")
        self.retries = RETRIES if retries is None else int(retries)
        self.requests = 0
        params = inspect.signature(self.service.reverse).parameters
        self._kwargs: dict[str, Any] = {"exactly_one": True}
        if language and "language" in params:
            self._kwargs["language"] = language

    @property
    def scope(self) -> str:
        """What an answer depends on, for the persistent cache."""
        return f"{self.name}|{self.endpoint}|{self.language or ''}"

    def reverse(self, lat: float, lon: float) -> Place | None:
        return call_politely(lambda: self._attempt(lat, lon), self.limiter, self.sleep,
                             self.retries, OnlineFailure)

    def _attempt(self, lat: float, lon: float) -> Place | None:
        from geopy import exc as gx

        self.requests += 1
        try:
            location = self.service.reverse(sent_position(lat, lon), **self._kwargs)
        except gx.GeocoderRateLimited as error:
            raise Retryable(_reason(error), error.retry_after) from error
        except (gx.GeocoderServiceError, gx.GeocoderUnavailable) as error:
            # 5xx, refused connections; GeocoderTimedOut and GeocoderParseError are
            # subclasses too but retrying them rarely helps: fail fast on those
            if isinstance(error, gx.GeocoderTimedOut | gx.GeocoderParseError |
                          gx.GeocoderQueryError | gx.GeocoderAuthenticationFailure |
                          gx.GeocoderInsufficientPrivileges):
                raise OnlineFailure(_reason(error)) from error
            raise Retryable(_reason(error)) from error
        except Exception as error:  # malformed answers surface as anything
            raise OnlineFailure(_reason(error)) from error
        return place_from(location)


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:200]


def place_from(location: Any) -> Place | None:
    """A Place from a geopy Location: Nominatim's address details, Photon's properties, or
    the first part of the formatted address for any other service."""
    if location is None:
        return None
    raw = location.raw if isinstance(location.raw, dict) else {}
    address = raw.get("address")
    if isinstance(address, dict):  # Nominatim
        name = next((address[k] for k in ("city", "town", "village", "municipality", "hamlet",
                                          "suburb", "county") if address.get(k)), None)
        landmark = raw.get("name") or None
        return Place(
            name=str(landmark or name or location.address.split(",")[0]),
            admin1=address.get("state") or address.get("region"),
            country=address.get("country"),
            country_code=(address.get("country_code") or "").upper() or None,
        )
    props = raw.get("properties")
    if isinstance(props, dict):  # Photon (GeoJSON feature)
        name = props.get("name") or props.get("city") or props.get("town") or props.get("village")
        return Place(
            name=str(name or location.address.split(",")[0]),
            admin1=props.get("state"),
            country=props.get("country"),
            country_code=(props.get("countrycode") or "").upper() or None,
        )
    parts = [p.strip() for p in str(location.address or "").split(",") if p.strip()]
    if not parts:
        return None
    return Place(name=parts[0], admin1=parts[1] if len(parts) > 2 else None,
                 country=parts[-1] if len(parts) > 1 else None)


class FallbackGeocoder:
    """Ask ``primary`` (online) and fall back to ``backup`` (offline) when it fails; after
    the first failure, stop asking and report it once through ``warn``."""

    def __init__(self, primary: Geocoder, backup: Geocoder,
                 warn: Callable[[str], None]) -> None:
        self.primary = primary
        self.backup = backup
        self.warn = warn
        self.name = primary.name
        self.failed = False

    def reverse(self, lat: float, lon: float) -> Place | None:
        if not self.failed:
            try:
                return self.primary.reverse(lat, lon)
            except OnlineFailure as error:
                self.failed = True
                self.warn(f"geocoder {self.name} failed ({error}); offline names are used "
                          "for the rest of this run")
        return self.backup.reverse(lat, lon)
