"""tripexif: turn a folder of travel photos into a day-by-day trip itinerary.

The library API (see README "Use it from Python")::

    import tripexif

    itinerary = tripexif.scan(["examples/photos"])   # -> Itinerary (days -> stops)
    photos = tripexif.read(["examples/photos"])      # -> list[Photo]
    cameras = tripexif.clocks(["examples/photos"])   # -> how each camera's clock was set
    tags = tripexif.geotag(["photos"], tracks=["day.gpx"])  # -> positions for photos without GPS
    trips = tripexif.trips(["~/Pictures"])           # -> tuple[Trip, ...] away from home

Names are imported on first use, so ``import tripexif`` (and the CLI's start-up) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "scan": "tripexif.api",
    "read": "tripexif.api",
    "clocks": "tripexif.api",
    "geotag": "tripexif.api",
    "PlacementSettings": "tripexif.locate",
    "trips": "tripexif.api",
    "Trip": "tripexif.model",
    "Leg": "tripexif.model",
    "Night": "tripexif.model",
    "Home": "tripexif.model",
    "TripSettings": "tripexif.trip.trips",
    "Selection": "tripexif.trip.trips",
    "Photo": "tripexif.model",
    "Place": "tripexif.model",
    "Stop": "tripexif.model",
    "Day": "tripexif.model",
    "Itinerary": "tripexif.model",
    "TimeSettings": "tripexif.clock.times",
    "ClusterSettings": "tripexif.trip.itinerary",
    "TripexifError": "tripexif.errors",
    "UsageError": "tripexif.errors",
}
__all__ = [
    "ClusterSettings", "Day", "Home", "Itinerary", "Leg", "Night", "Photo", "Place",
    "PlacementSettings", "Selection", "Stop", "TimeSettings", "Trip", "TripSettings",
    "TripexifError", "UsageError", "__version__", "clocks", "geotag", "read", "scan", "trips",
]

if TYPE_CHECKING:
    from tripexif.api import clocks, geotag, read, scan, trips
    from tripexif.clock.times import TimeSettings
    from tripexif.errors import TripexifError, UsageError
    from tripexif.locate import PlacementSettings
    from tripexif.model import Day, Home, Itinerary, Leg, Night, Photo, Place, Stop, Trip
    from tripexif.trip.itinerary import ClusterSettings
    from tripexif.trip.trips import Selection, TripSettings


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tripexif' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
