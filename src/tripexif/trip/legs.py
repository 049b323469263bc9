"""How the traveller got from one stop or waypoint to the next: distance, time, speed, and a
mode guess with its evidence (walk, ground, ferry, flight).

Photos taken in the air (positions at cruise speed on both sides, or at an altitude above
3,000 m while moving fast) are not places: :func:`airborne` finds them across the whole
library, the trip stage names them "in flight (Frankfurt → New York)", and :func:`legs` makes
one flight leg from the ground before them to the ground after them, drawn as a great-circle
arc."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from datetime import datetime

from tripexif.model import Leg, Stop
from tripexif.trip.geo import distance_km, great_circle

FLIGHT_KMH = 250.0  # faster than this on average ...
FLIGHT_MIN_KM = 300.0  # ... over more than this: a flight
CRUISE_KMH = 400.0  # both neighbours at least this fast: the point itself is in the air
JET_KMH = 500.0  # or one this fast within an hour: no vehicle on the ground does that
JET_SPAN_S = 3600.0
ALTITUDE_M = 3000.0  # a photo above this while moving fast: in the air
ALTITUDE_KMH = 150.0
MIN_SPAN_KM = 10.0  # speeds over shorter spans are GPS noise, not evidence
AIRLINER_KMH = 1300.0  # faster: a wrong position or time (a GPS glitch), not a plane
SURE_FLIGHT_KM = 1000.0  # a hop this long faster than FLIGHT_KMH was flown, clocks or not
MIN_SPAN_S = 60.0
WALK_KMH = 7.0  # at most this fast, over at most WALK_KM: on foot
WALK_KM = 5.0
FERRY_MIN_KM = 3.0  # a water crossing shorter than this is a bridge as often as a boat
FERRY_MAX_S = 2 * 86400.0  # longer: days apart, no crossing to speak of
FERRY_MAX_KMH = 60.0  # door to door: a ferry's 20-45 km/h with the waits at the ports
# at least this share of the straight line at sea (trip/sea.py's land mask: straits and
# territorial waters are sea, lakes land): over water
SEA_SHARE = 0.2
# at most STROLL_KMH door to door over at most STROLL_KM, both ends on land and less than
# STROLL_SEA of the line at sea: a walk round a bay or along a coast, not a ferry
STROLL_KMH = 4.5
STROLL_KM = 10.0
STROLL_SEA = 0.75
LINEAR_KM = 100.0  # a shorter line is sampled in straight steps of latitude and longitude
STAY_KM = 0.1  # two places closer than this are one: no leg between them
# a crossing of FLIGHT_MIN_KM or more, at least OCEAN_SHARE of it at open sea, faster than
# SHIP_KMH door to door (or days apart: no road to have taken): flown
OCEAN_SHARE = 0.5
SHIP_KMH = 40.0

AtSea = Callable[[float, float], bool]


def seconds_between(start: Stop, end: Stop) -> float:
    """From leaving ``start`` to reaching ``end``: by the instant when both are known, else
    by the wall clocks (floating photos)."""
    a: datetime = start.departure
    b: datetime = end.arrival
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return (b - a).total_seconds()


def _speed(a: Stop, b: Stop) -> tuple[float, float] | None:
    """(seconds, km/h) from ``a`` to ``b`` when the span is long enough to mean something
    and no faster than an airliner."""
    km = distance_km(a.lat, a.lon, b.lat, b.lon)
    seconds = seconds_between(a, b)
    if km < MIN_SPAN_KM or seconds < MIN_SPAN_S or km / (seconds / 3600) > AIRLINER_KMH:
        return None
    return seconds, km / (seconds / 3600)


def _top_altitude(stop: Stop) -> float:
    return max((p.alt for p in stop.photos if p.alt is not None), default=-math.inf)


def airborne(points: Sequence[Stop]) -> dict[int, str]:
    """Indices of ``points`` (every stop and waypoint, in time order) taken in the air, with
    the evidence: the legs on both sides at cruise speed, or the photo high up while moving
    fast; then a point next to one of those, reached from it or leaving for it at jet speed
    within an hour (the first photo after take-off: the leg before it has the wait at the
    gate). A point far off the way between its neighbours, which are at one place, is a wrong
    position, not a flight."""
    found: dict[int, str] = {}
    speeds = [_speed(a, b) for a, b in itertools.pairwise(points)]  # speeds[i]: i -> i + 1
    for i, point in enumerate(points):
        before = speeds[i - 1] if i > 0 else None
        after = speeds[i] if i < len(speeds) else None
        if before and after and _out_and_back(points[i - 1], point, points[i + 1]):
            continue
        if before and after and min(before[1], after[1]) >= CRUISE_KMH:
            found[i] = f"positions at cruise speed ({min(before[1], after[1]):,.0f} km/h)"
            continue
        altitude = _top_altitude(point)
        fast = max((s[1] for s in (before, after) if s), default=0.0)
        if altitude > ALTITUDE_M and fast >= ALTITUDE_KMH:
            found[i] = f"photos at {altitude:,.0f} m"
    for i in sorted(found):
        for j, leg in ((i - 1, speeds[i - 1] if i > 0 else None),
                       (i + 1, speeds[i] if i < len(speeds) else None)):
            if j not in found and leg and leg[1] >= JET_KMH and leg[0] <= JET_SPAN_S:
                found[j] = f"positions at cruise speed ({leg[1]:,.0f} km/h)"
    return found


def _out_and_back(a: Stop, b: Stop, c: Stop) -> bool:
    """``b`` far off the way from ``a`` to ``c``: there and back again, not on the way."""
    there = distance_km(a.lat, a.lon, b.lat, b.lon) + distance_km(b.lat, b.lon, c.lat, c.lon)
    return distance_km(a.lat, a.lon, c.lat, c.lon) < 0.2 * there


def _flight_pair(a: Stop, b: Stop) -> str | None:
    """Why the hop from ``a`` to ``b`` (neither in the air) was flown, or None."""
    km = distance_km(a.lat, a.lon, b.lat, b.lon)
    seconds = seconds_between(a, b)
    if km > FLIGHT_MIN_KM and seconds > 0 and km / (seconds / 3600) > FLIGHT_KMH and (
            km / (seconds / 3600) <= AIRLINER_KMH or km >= SURE_FLIGHT_KM):
        return f"{km / (seconds / 3600):,.0f} km/h over {km:,.0f} km"
    return None


def flown_over_sea(a: Stop, b: Stop, km: float, seconds: float,
                   at_sea: AtSea | None) -> str | None:
    """Why a long hop mostly over open sea was flown (no road crosses an ocean, and a ship
    would have been slower), or None: Fiji to Samoa the next morning."""
    if at_sea is None or km < FLIGHT_MIN_KM:
        return None
    speed = km / (seconds / 3600) if seconds > 0 else None
    if speed is not None and speed <= SHIP_KMH and seconds <= FERRY_MAX_S:
        return None  # a ship's pace: an overnight ferry
    if speed is not None and speed > AIRLINER_KMH and km < SURE_FLIGHT_KM:
        return None  # faster than an airliner: a position or a time is wrong
    share = sea_share(a, b, at_sea)
    if share < OCEAN_SHARE:
        return None
    if speed is None or seconds > FERRY_MAX_S:
        return f"{share:.0%} of {km:,.0f} km at open sea: no road crosses it"
    return f"{share:.0%} of {km:,.0f} km at open sea at {speed:,.0f} km/h: faster than a ship"


def arc(a: Stop, b: Stop) -> tuple[tuple[float, float], ...]:
    """A flight's line: the great circle from ``a`` to ``b``, a point every ~100 km."""
    km = distance_km(a.lat, a.lon, b.lat, b.lon)
    points = great_circle(a.lat, a.lon, b.lat, b.lon, max(2, min(128, int(km / 100))))
    return tuple((round(lat, 5), round(lon, 5)) for lat, lon in points)


def sea_share(a: Stop, b: Stop, at_sea: AtSea) -> float:
    """The share of the straight line from ``a`` to ``b`` (its inner points, one every
    ~2 km, at most 24) that is at sea."""
    km = distance_km(a.lat, a.lon, b.lat, b.lon)
    samples = max(1, min(24, int(km / 2)))
    if km < LINEAR_KM:  # short: straight steps in degrees stray metres from the great circle
        dlon = (b.lon - a.lon + 540.0) % 360.0 - 180.0
        line = [(a.lat + (b.lat - a.lat) * k / (samples + 1), a.lon + dlon * k / (samples + 1))
                for k in range(1, samples + 1)]
    else:
        line = great_circle(a.lat, a.lon, b.lat, b.lon, samples + 1)[1:-1]
    wet = sum(1 for lat, lon in line if at_sea(lat, (lon + 180.0) % 360.0 - 180.0))
    return wet / len(line)


def ground_mode(a: Stop, b: Stop, km: float, seconds: float,
                at_sea: AtSea | None) -> tuple[str, str]:
    """Walk, ferry or ground for a hop that was not flown, with the evidence; a hop over
    more than two days is on the ground (what happened between is not known)."""
    speed = km / (seconds / 3600) if seconds > 0 else None
    shown = f"{speed:,.1f} km/h over {km:,.1f} km" if speed is not None else f"{km:,.1f} km"
    if seconds > FERRY_MAX_S:  # days apart: how is anyone's guess
        return "ground", f"{km:,.1f} km over {seconds / 86400:,.0f} days"
    if speed is not None and speed > AIRLINER_KMH:
        return "ground", f"{shown}: faster than an airliner, a position or a time is wrong"
    if at_sea is not None and km >= FERRY_MIN_KM and (speed is None or speed <= FERRY_MAX_KMH):
        ends = [s for s in (a, b) if at_sea(s.lat, s.lon)]
        share = sea_share(a, b, at_sea)
        if (speed is not None and speed <= STROLL_KMH and km <= STROLL_KM and not ends
                and share < STROLL_SEA):  # round a bay on foot: its line cuts across water
            return "walk", f"{shown} round the shore"
        if share >= SEA_SHARE:
            return "ferry", f"{share:.0%} of the line at open sea; {shown}"
        if ends and share > 0:
            return "ferry", f"photos at sea; {shown}"
    if km <= WALK_KM and (speed is None or speed <= WALK_KMH):
        return "walk", shown
    return "ground", shown


def legs(points: Sequence[Stop], flown: dict[int, str], at_sea: AtSea | None = None,
         first: int = 0) -> tuple[Leg, ...]:
    """The legs between consecutive ``points`` (one trip's stops and waypoints in time
    order), but none between two places closer than STAY_KM (a night at the hotel, a
    lunch at the stop one came from). ``flown``: the indices in the library-wide order of
    points in the air (see :func:`airborne`), ``first`` the library-wide index of
    ``points[0]``. A run of points in
    the air is one flight leg from the last point on the ground to the next."""
    out: list[Leg] = []
    i = 0
    while i + 1 < len(points):
        a = points[i]
        j = i + 1
        reasons = []
        while first + j in flown and j + 1 < len(points):  # fly on to the ground
            reasons.append(flown[first + j])
            j += 1
        if first + i in flown and not reasons:
            reasons.append(flown[first + i])
        if first + j in flown:
            reasons.append(flown[first + j])
        b = points[j]
        km = sum(distance_km(p.lat, p.lon, q.lat, q.lon)  # as flown: through the points
                 for p, q in zip(points[i:j], points[i + 1:j + 1], strict=True))
        seconds = seconds_between(a, b)
        why = reasons[0] if reasons else (_flight_pair(a, b)
                                          or flown_over_sea(a, b, km, seconds, at_sea))
        if why:
            mode = "flight"
            path = arc(a, b)
        else:
            mode, why = ground_mode(a, b, km, seconds, at_sea)
            path = ((round(a.lat, 5), round(a.lon, 5)), (round(b.lat, 5), round(b.lon, 5)))
        if mode == "flight" or km >= STAY_KM:  # not a stay at one place overnight
            out.append(Leg(a, b, km, max(0.0, seconds), mode, why, path))
        i = j
    return _to_airports_by_land(out)


def _to_airports_by_land(legs: list[Leg]) -> tuple[Leg, ...]:
    """The legs with a "ferry" to or from a flight made "ground": an airport is reached by
    road or rail, and the line to one built on the sea (Kansai, Haneda) crosses water."""
    out = list(legs)
    for k, leg in enumerate(out):
        if leg.mode != "ferry":
            continue
        flies_next = k + 1 < len(out) and out[k + 1].mode == "flight" \
            and out[k + 1].start is leg.end
        flew_before = k > 0 and out[k - 1].mode == "flight" and out[k - 1].end is leg.start
        if flies_next or flew_before:
            out[k] = leg._replace(mode="ground", evidence=(
                f"{'to' if flies_next else 'from'} the airport: {leg.evidence}"))
    return tuple(out)
