"""Online reverse geocoding through any service geopy knows, politely and never fatally.

The service is looked up by name in geopy's own registry, so a service geopy adds works here
unchanged. Requests keep a minimum interval per service (the public Nominatim server allows
one a second), are retried with backoff on 429 (honouring Retry-After) and 5xx (503 and 504
too), and each must be over within ``timeout`` seconds in all and answer at most
``polite.MAX_BYTES``; the service gets ``budget`` seconds of online time a run. When a
position cannot be named online the caller falls back to the offline name
(:class:`FallbackGeocoder`), and after one definitive failure the run stops asking.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

from tripexif import __version__
from tripexif.errors import ConfigError, UsageError
from tripexif.geocode.base import Geocoder
from tripexif.geocode.polite import (
    MAX_WAIT_S,
    RETRIES,
    Budget,
    FetchError,
    RateLimiter,
    Retryable,
    as_budget,
    call_politely,
    fetch,
    retry_after_s,
    sent_position,
)
from tripexif.model import Place

USER_AGENT = f"tripexif/{__version__}"
PUBLIC_INTERVALS = {"nominatim.openstreetmap.org": 1.0, "photon.komoot.io": 1.0}
NUMBER_OPTIONS = ("timeout", "min_delay", "retries", "budget")
OWN_OPTIONS = ("min_delay", "retries", "budget")  # tripexif's, not passed to geopy
POSITIVE = ("timeout", "budget")


NUMBER_WANTS = {"timeout": "a number of seconds above 0",
                "min_delay": "a number of seconds, 0 or more",
                "retries": "a whole number, 0 or more",
                "budget": "a number of seconds above 0"}


def check_number(key: str, text: str) -> float:
    """The numeric setting ``key``'s value; ValueError saying what it wants."""
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    valid = (math.isfinite(value)
             and (value > 0 if key in POSITIVE else value >= 0)
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


@functools.cache
def bounded_adapter() -> type[Any]:
    """geopy's urllib adapter with every request bounded: over within its ``timeout`` in all
    (a server dripping a byte at a time included) and at most ``polite.MAX_BYTES`` long."""
    from urllib.request import getproxies

    from geopy.adapters import AdapterHTTPError, URLLibAdapter
    from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut

    class BoundedAdapter(URLLibAdapter):  # type: ignore[misc]
        def __init__(self, *, proxies: Any, ssl_context: Any) -> None:
            super().__init__(proxies=proxies, ssl_context=ssl_context)
            self.bounded_proxies = getproxies() if proxies is None else dict(proxies or {})
            self.bounded_context = ssl_context

        def get_text(self, url: str, *, timeout: float | None,
                     headers: dict[str, str]) -> str:
            try:
                answer = fetch(url, headers=headers, seconds=timeout or 10.0,
                               ssl_context=self.bounded_context, proxies=self.bounded_proxies)
            except FetchError as error:
                problem = {"timeout": GeocoderTimedOut, "too large": GeocoderParseError}
                raise problem.get(error.kind, GeocoderServiceError)(error.reason) from error
            if answer.status >= 400:
                raise AdapterHTTPError(f"Non-successful status code {answer.status}",
                                       status_code=answer.status, headers=answer.headers,
                                       text="")
            try:
                return answer.body.decode("utf-8")
            except UnicodeDecodeError as error:
                raise GeocoderParseError("Unable to decode the response bytes") from error

    return BoundedAdapter


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
    factory = {"adapter_factory": bounded_adapter()} if "adapter_factory" in accepted else {}
    try:
        return cls(**settings, **factory), settings
    except TypeError as exc:  # a required setting is missing
        raise ConfigError(f"geocoder {name!r} needs more settings: {exc}; pass them with "
                          "--geocoder-option KEY=VALUE") from exc
    except Exception as exc:  # geopy validates some settings itself (e.g. scheme)
        raise ConfigError(f"geocoder {name!r}: {exc}") from exc


class OnlineGeocoder:
    """One geopy service; ``reverse`` returns a Place or raises OnlineFailure."""

    def __init__(self, name: str, options: Mapping[str, str] | None = None,
                 language: str | None = None, clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None,
                 warn: Callable[[str], None] | None = None,
                 budget: Budget | None = None) -> None:
        """``clock``/``sleep`` default to :mod:`tripexif.geocode.polite`'s ``CLOCK``/``SLEEP``;
        ``warn`` hears once that the service asked for a long wait; ``budget`` (e.g. one
        shared with the nearby-place finder) unless the ``budget`` option gives seconds."""
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
        seconds = number_option(options, "budget")
        self.budget = as_budget(seconds if seconds is not None or budget is None else budget,
                                clock)
        self.timeout = float(settings["timeout"])
        self.warn = warn
        self.told = False
        self.requests = 0
        params = inspect.signature(self.service.reverse).parameters
        self._kwargs: dict[str, Any] = {"exactly_one": True}
        self._bounded = "timeout" in params
        if language and "language" in params:
            self._kwargs["language"] = language

    @property
    def scope(self) -> str:
        """What an answer depends on, for the persistent cache."""
        return f"{self.name}|{self.endpoint}|{self.language or ''}"

    def reverse(self, lat: float, lon: float) -> Place | None:
        return call_politely(lambda: self._attempt(lat, lon), self.limiter, self.sleep,
                             self.retries, OnlineFailure, self.budget, self._asked)

    def _asked(self, seconds: float) -> None:
        if self.warn is not None and not self.told:
            self.told = True
            self.warn(f"geocoder {self.name} asked to wait {seconds:.0f} s; waiting at most "
                      f"{MAX_WAIT_S:.0f} s at a time")

    def _attempt(self, lat: float, lon: float) -> Place | None:
        from geopy import exc as gx
        from geopy.adapters import AdapterHTTPError

        self.requests += 1
        kwargs = dict(self._kwargs)
        if self._bounded:  # never past the budget
            kwargs["timeout"] = min(self.timeout, max(self.budget.remaining(), 0.001))
        try:
            location = self.service.reverse(sent_position(lat, lon), **kwargs)
        except (gx.GeocoderServiceError, gx.GeocoderUnavailable) as error:
            # geopy maps 503 and 504 to GeocoderTimedOut: the HTTP status decides
            status = error.__cause__ if isinstance(error.__cause__, AdapterHTTPError) else None
            if status is not None and (status.status_code == 429 or status.status_code >= 500):
                raise Retryable(_reason(error),
                                retry_after_s(status.headers.get("retry-after"))) from error
            if isinstance(error, gx.GeocoderRateLimited):
                raise Retryable(_reason(error), error.retry_after) from error
            # refused connections, cut-short answers; timeouts, unreadable answers and
            # refusals of the query or the key do not get better by asking again
            if isinstance(error, gx.GeocoderTimedOut | gx.GeocoderParseError |
                          gx.GeocoderQueryError | gx.GeocoderAuthenticationFailure |
                          gx.GeocoderInsufficientPrivileges) or status is not None:
                raise OnlineFailure(_reason(error)) from error
            raise Retryable(_reason(error)) from error
        except Exception as error:  # malformed answers surface as anything
            raise OnlineFailure(_reason(error)) from error
        try:
            return place_from(location)
        except Exception as error:  # an answer of an unexpected shape
            raise OnlineFailure(f"an answer of an unexpected shape ({_reason(error)})") from error


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:200]


def _text(value: Any) -> str | None:
    """A name field of an answer: its text, None when absent or empty; ValueError for
    anything else (a list, a number...): the answer is malformed."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"a name field holds {type(value).__name__}, not text")
    return value.strip() or None


def is_landmark(key: str, value: str) -> bool:
    """Whether an OpenStreetMap object of this key and value is an attraction a stop is
    named by: any tourism or historic object, a park, a place of worship."""
    return (key in ("tourism", "historic") and value not in ("", "yes", "hotel", "hostel",
                                                             "guest_house", "apartment",
                                                             "information", "camp_site")) \
        or (key, value) in (("leisure", "park"), ("amenity", "place_of_worship"))


def place_from(location: Any) -> Place | None:
    """A Place from a geopy Location: Nominatim's address details, Photon's properties, or
    the first part of the formatted address for any other service; None when it has no
    name. ValueError for a name field that is not text."""
    if location is None:
        return None
    raw = location.raw if isinstance(location.raw, dict) else {}
    first = (_text(location.address) or "").split(",")[0].strip() or None
    address = raw.get("address")
    if isinstance(address, dict):  # Nominatim
        town = next((_text(address[k]) for k in ("city", "town", "village", "municipality",
                                                 "hamlet", "county")
                     if _text(address.get(k))), None)
        district = next((_text(address[k]) for k in ("suburb", "city_district", "quarter",
                                                     "neighbourhood")
                         if _text(address.get(k))), None)
        own = _text(raw.get("name"))
        category = (_text(raw.get("class")) or _text(raw.get("category")) or "",
                    _text(raw.get("type")) or "")
        # without class and type (older servers), the address names the object's own key
        keys = [k for k in ("tourism", "historic") if own and _text(address.get(k)) == own]
        sight = own if is_landmark(*category) or keys else None
        chosen = sight or town or district or _text(raw.get("name")) or first
        return None if chosen is None else Place(
            name=chosen,
            admin1=_text(address.get("state")) or _text(address.get("region")),
            country=_text(address.get("country")),
            country_code=(_text(address.get("country_code")) or "").upper() or None,
            district=None if sight or chosen == district else district,
            admin2=_text(address.get("county")),
            kind="landmark" if sight else "in",
            town=town if sight else None,
        )
    props = raw.get("properties")
    if isinstance(props, dict):  # Photon (GeoJSON feature)
        town = next((_text(props.get(k)) for k in ("city", "town", "village")
                     if _text(props.get(k))), None)
        sight = _text(props.get("name")) if is_landmark(
            _text(props.get("osm_key")) or "", _text(props.get("osm_value")) or "") else None
        chosen = sight or town or _text(props.get("name")) or first
        return None if chosen is None else Place(
            name=chosen,
            admin1=_text(props.get("state")),
            country=_text(props.get("country")),
            country_code=(_text(props.get("countrycode")) or "").upper() or None,
            district=None if sight else _text(props.get("district")),
            admin2=_text(props.get("county")),
            kind="landmark" if sight else "in",
            town=town if sight else None,
        )
    parts = [p.strip() for p in (_text(location.address) or "").split(",") if p.strip()]
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
