"""Where each night was spent: the last stop of the evening and the first of the next morning
at the same place, or a place the traveller came back to on several evenings (days whose
last photo is from 17:00 on); else unknown."""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date

from tripexif.model import Day, Night, Stop
from tripexif.trip.geo import distance_km

SAME_PLACE_KM = 0.4  # evening and morning this close: the same bed
RETURN_WINDOW_DAYS = 7  # evenings this many days apart or less can show a base
EVENING_HOUR = 17  # a day's last photo from this hour (local) on is an evening's


def _places(day: Day, grounded: Set[int]) -> list[Stop]:
    """The day's stops and waypoints, leaving out those taken in the air."""
    return [s for s in day.stops if id(s) not in grounded]


def evening(day: Day, airborne: Set[int] = frozenset()) -> Stop | None:
    """The day's last place; None when the day ends in the air (a night on the plane)."""
    if not day.stops or id(day.stops[-1]) in airborne:
        return None
    return _places(day, airborne)[-1]


def morning(day: Day, airborne: Set[int] = frozenset()) -> Stop | None:
    """The day's first place; None when the day starts in the air."""
    if not day.stops or id(day.stops[0]) in airborne:
        return None
    return _places(day, airborne)[0]


def _ordinal(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def nights(days: Sequence[Day], airborne: Set[int] = frozenset()) -> list[Night | None]:
    """For each of ``days`` (in date order), where the night after it was spent, or None
    when nothing says. ``airborne``: ids of the stops taken in the air (never a bed)."""
    evenings = [evening(d, airborne) for d in days]
    ordinals = [_ordinal(d.date) for d in days]
    found: list[Night | None] = [None] * len(days)
    for i, last in enumerate(evenings):
        if last is None or i + 1 == len(days) or ordinals[i + 1] != ordinals[i] + 1:
            continue
        first = morning(days[i + 1], airborne)
        if first is not None and distance_km(last.lat, last.lon,
                                             first.lat, first.lon) <= SAME_PLACE_KM:
            found[i] = Night(last.lat, last.lon, last.place,
                             "evening and morning at the same place")
    late = [e if e is not None and e.departure.hour >= EVENING_HOUR else None
            for e in evenings]
    for i, last in enumerate(late):
        if found[i] is not None or last is None or (
                i + 1 < len(days) and ordinals[i + 1] == ordinals[i] + 1
                and days[i + 1].stops and id(days[i + 1].stops[0]) in airborne):
            continue  # no evening, or the night went on in the air
        same = 0
        j = i - 1
        while j >= 0 and ordinals[i] - ordinals[j] <= RETURN_WINDOW_DAYS:
            same += _near(late[j], last)
            j -= 1
        j = i + 1
        while j < len(days) and ordinals[j] - ordinals[i] <= RETURN_WINDOW_DAYS:
            same += _near(late[j], last)
            j += 1
        if same:
            found[i] = Night(last.lat, last.lon, last.place,
                             f"returned to on {same + 1} evenings")
    return found


def _near(other: Stop | None, stop: Stop) -> bool:
    return other is not None and distance_km(other.lat, other.lon,
                                             stop.lat, stop.lon) <= SAME_PLACE_KM
