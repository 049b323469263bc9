"""From a library's days to trips: home, nights, runs of days away, titles, legs and modes.

:func:`arrange` is the stage :func:`tripexif.trip.itinerary.build` ends with; :func:`select`
restricts an itinerary to a trip or a date range (``--trip``, ``--from``, ``--to``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from tripexif.errors import UsageError
from tripexif.model import Day, Home, Itinerary, Night, Place, Stop, Trip
from tripexif.trip import legs as legs_
from tripexif.trip.geo import distance_km
from tripexif.trip.home import Resolved, infer, infer_from_days
from tripexif.trip.nights import nights as find_nights

TOWN_KM = 20.0  # a place named from farther than this is no town of the trip's title
SERVED_KM = 60.0  # an airport's town: the one photographed most this near it
SERVED_WINDOW = 2000  # points either side of it, in time
TITLE_SHARE = 0.1  # of a trip's photos: a town without a night needs this to be named
TITLE_TOWNS = 4
LEFT_HOME_KM = 5.0  # a travel day's end farther than this from home: not back home yet


class TripSettings(NamedTuple):
    """How days become trips. ``home``: a position (see :func:`tripexif.trip.home.parse_home`)
    or None to infer it; a day is away when a place of it is farther than ``away_km`` from
    home; a trip goes on over up to ``trip_gap`` days without photos; runs of fewer than
    ``min_trip_days`` days are no trip."""

    home: Resolved | None = None
    away_km: float = 50.0
    trip_gap: int = 2
    min_trip_days: int = 1


class Selection(NamedTuple):
    """What to show of an itinerary: one trip (by id or a date in it), a date range, and
    whether days at home are kept."""

    trip: str | None = None
    start: date | None = None
    end: date | None = None
    home_days: bool = True


def arrange(itinerary: Itinerary, settings: TripSettings,
            name: Callable[[float, float], Place | None] | None = None,
            at_sea: legs_.AtSea | None = None) -> Itinerary:
    """``itinerary`` with its photos in the air named as such, nights, home, trips and
    legs filled in. ``name`` names a home given as LAT,LON; ``at_sea(lat, lon)`` tells
    water crossings (ferries) from land (None: no ferry is guessed)."""
    points = [s for d in itinerary.days for s in d.stops]
    flown = legs_.airborne(points)
    days = _in_flight(itinerary.days, points, flown)
    points = [s for d in days for s in d.stops]
    air = {id(points[i]) for i in flown}
    found = find_nights(days, air)
    days = tuple(d._replace(night=n) for d, n in zip(days, found, strict=True))
    home = _home(settings, name, [(d.date, n) for d, n in zip(days, found, strict=True) if n],
                 [(d.date, [s for s in d.stops if id(s) not in air]) for d in days])
    runs = _runs(days, home, settings)
    labels: list[str | None] = [None] * len(days)
    for run in runs:
        for i in run:
            labels[i] = days[run[0]].date
    days = tuple(d._replace(trip=t) for d, t in zip(_cut_distances(days, labels), labels,
                                                      strict=True))
    points = [s for d in days for s in d.stops]  # the same order: ``flown`` still holds
    air = {id(points[i]) for i in flown}
    position = {id(s): k for k, s in enumerate(points)}
    trips = []
    for run in runs:
        members = tuple(days[i] for i in run)
        stops = [s for d in members for s in d.stops]
        first = position[id(stops[0])] if stops else 0
        trip_legs = legs_.legs(stops, flown, at_sea, first)
        countries, title = _title(members, home, air, settings.away_km)
        trips.append(Trip(members[0].date, title, members, trip_legs, countries))
    return itinerary._replace(days=days, trips=tuple(trips), home=home)


def _in_flight(days: Sequence[Day], points: Sequence[Stop],
               flown: dict[int, str]) -> tuple[Day, ...]:
    """The days with each point taken in the air a waypoint named "in flight (A → B)", A and
    B the places on the ground before and after it."""
    if not flown:
        return tuple(days)
    renamed: dict[int, Stop] = {}
    served: dict[int, str | None] = {}
    for i in flown:
        before = next((k for k in range(i - 1, -1, -1) if k not in flown), None)
        after = next((k for k in range(i + 1, len(points)) if k not in flown), None)
        ends = [None if k is None else served.get(k) or served.setdefault(
            k, _served(points, k, flown)) for k in (before, after)]
        if ends[0] and ends[1]:
            label = f"in flight ({ends[0]} → {ends[1]})"
        elif ends[0] or ends[1]:
            label = f"in flight ({'from ' + ends[0] if ends[0] else 'to ' + str(ends[1])})"
        else:
            label = "in flight"
        renamed[id(points[i])] = points[i]._replace(kind="waypoint",
                                                    place=Place(label, distance_km=None,
                                                                kind="flight"))
    from tripexif.trip.itinerary import numbered  # (itinerary imports this module)

    out = []
    for day in days:
        if not any(id(s) in renamed for s in day.stops):
            out.append(day)
            continue
        out.append(day._replace(stops=numbered(renamed.get(id(s), s) for s in day.stops)))
    return tuple(out)


def _served(points: Sequence[Stop], at: int, flown: dict[int, str]) -> str | None:
    """The town an airport serves, as a traveller names a flight's end: of the places on
    the ground within SERVED_KM of the point (and SERVED_WINDOW points of it in time), the
    town photographed most — Frankfurt, not Kelsterbach beside its airport; the point's
    own town when nothing else is near."""
    end = points[at]
    shots: dict[str, int] = {}
    for k in range(max(0, at - SERVED_WINDOW), min(len(points), at + SERVED_WINDOW + 1)):
        stop = points[k]
        town = _town(stop)
        if (k in flown or town is None or abs(stop.lat - end.lat) > 1.0
                or distance_km(stop.lat, stop.lon, end.lat, end.lon) > SERVED_KM):
            continue
        shots[town] = shots.get(town, 0) + stop.shots
    return max(shots, key=lambda t: shots[t], default=None) or _town(end)


def _town(stop: Stop | None) -> str | None:
    if stop is None or stop.place is None:
        return None
    return stop.place.name


def _home(settings: TripSettings, name: Callable[[float, float], Place | None] | None,
          nights: Sequence[tuple[str, Night]],
          places: Sequence[tuple[str, Sequence[Stop]]]) -> Home | None:
    given = settings.home
    if given is None:
        return infer(nights) or infer_from_days(places)
    place = given.place if given.place is not None else (name(given.lat, given.lon)
                                                        if name else None)
    return Home(given.lat, given.lon, place, "--home")


def _runs(days: Sequence[Day], home: Home | None,
          settings: TripSettings) -> list[list[int]]:
    """Indices of the days of each trip: every day when there is no home. A day is away
    when any of its places, those in the air included (a flight out), is far from home."""
    if home is None:
        return [list(range(len(days)))] if days else []
    runs: list[list[int]] = []
    current: list[int] = []
    previous_night_home = False
    for i, day in enumerate(days):
        away = any(distance_km(home.lat, home.lon, s.lat, s.lon) > settings.away_km
                   for s in day.stops)
        if not away:
            current = _close(runs, current, days, settings)
            previous_night_home = False
            continue
        if current:
            gap = _ordinal(day) - _ordinal(days[current[-1]]) - 1
            if gap > settings.trip_gap or previous_night_home:
                current = _close(runs, current, days, settings)
        current.append(i)
        night = day.night
        previous_night_home = night is not None and distance_km(
            home.lat, home.lon, night.lat, night.lon) <= settings.away_km
    _close(runs, current, days, settings)
    taken = {i for r in runs for i in r}
    out = []
    for run in runs:
        run = _with_travel_days(run, days, home, settings, taken)
        taken.update(run)
        out.append(run)
    return out


def _with_travel_days(run: list[int], days: Sequence[Day], home: Home,
                      settings: TripSettings, taken: set[int]) -> list[int]:
    """``run`` with the day before it when the traveller left home that day (its evening
    away from home, at the airport) and the day after it when they came home only then
    (the night before not at home, its morning away from home)."""
    def out(stop: Stop | None, night: Night | None) -> bool:
        return stop is not None and distance_km(home.lat, home.lon, stop.lat,
                                                stop.lon) > LEFT_HOME_KM and not (
            night is not None and distance_km(home.lat, home.lon, night.lat,
                                              night.lon) <= settings.away_km)

    first, last = run[0], run[-1]
    before, after = first - 1, last + 1
    if (before >= 0 and before not in taken and days[before].stops
            and _ordinal(days[first]) - _ordinal(days[before]) == 1
            and out(days[before].stops[-1], days[before].night)):
        run = [before, *run]
    if (after < len(days) and after not in taken and days[after].stops
            and _ordinal(days[after]) - _ordinal(days[last]) == 1
            and out(days[after].stops[0], days[last].night)):
        run = [*run, after]
    return run


def _ordinal(day: Day) -> int:
    return date.fromisoformat(day.date).toordinal()


def _close(runs: list[list[int]], current: list[int], days: Sequence[Day],
           settings: TripSettings) -> list[int]:
    if current and _ordinal(days[current[-1]]) - _ordinal(days[current[0]]) + 1 \
            >= settings.min_trip_days:
        runs.append(current)
    return []


def _cut_distances(days: tuple[Day, ...], labels: Sequence[str | None]) -> tuple[Day, ...]:
    """Nothing links two trips, or a trip and the days at home: the first place of each run
    of days has no previous place (distance 0)."""
    out = list(days)
    previous: object = object()
    for i, day in enumerate(days):
        if day.stops and labels[i] != previous:
            first = day.stops[0]
            if first.distance_km:
                out[i] = day._replace(stops=(first._replace(distance_km=0.0), *day.stops[1:]))
        if day.stops:
            previous = labels[i]
    return tuple(out)


def _title(days: Sequence[Day], home: Home | None, air: set[int],
           away_km: float) -> tuple[tuple[str, ...], str]:
    """The trip's countries (in visiting order) and its title: "Japan: Tokyo, Kyoto, Nara,
    Osaka", "Buenos Aires & El Calafate", "Fiji, Samoa"."""
    countries: list[str] = []
    towns: dict[tuple[str, str | None], list[float]] = {}  # -> [nights, shots, order]
    for day in days:
        for stop in day.stops:
            if id(stop) in air or stop.place is None:
                continue
            if home is not None and distance_km(home.lat, home.lon, stop.lat,
                                                stop.lon) <= away_km:
                continue
            place = stop.place
            if place.country and place.country not in countries and stop.kind == "stop":
                countries.append(place.country)
            if place.distance_km is not None and place.distance_km > TOWN_KM:
                continue
            score = towns.setdefault((place.name, place.country), [0, 0, len(towns)])
            score[1] += stop.shots
        night = day.night
        if night is not None and night.place is not None and day is not days[-1]:
            key = (night.place.name, night.place.country)
            if key in towns:
                towns[key][0] += 1
    if not countries:  # passed through only: the waypoints' countries
        countries = list(dict.fromkeys(
            s.place.country for d in days for s in d.stops
            if s.place and s.place.country and id(s) not in air))
    if len(countries) > 1:
        shown = countries[:TITLE_TOWNS]
        more = len(countries) - len(shown)
        return tuple(countries), ", ".join(shown) + (f" +{more} more" if more else "")
    # the towns the trip was about: slept in, or a real share of its photos; a town passed
    # through on the way (an airport's, a motorway stop's) is no part of its title
    total = sum(score[1] for score in towns.values())
    about = [k for k in towns if towns[k][0] or towns[k][1] >= TITLE_SHARE * total]
    best = sorted(about or towns,
                  key=lambda k: (-towns[k][0], -towns[k][1], towns[k][2]))[:TITLE_TOWNS]
    names = [k[0] for k in sorted(best, key=lambda k: towns[k][2])]
    if len(names) >= 3:
        title = (f"{countries[0]}: " if countries else "") + ", ".join(names)
    elif names:
        title = " & ".join(names)
    else:
        span = days[0].date + (f" – {days[-1].date}" if len(days) > 1 else "")
        title = countries[0] if countries else span
    return tuple(countries), title


def select(itinerary: Itinerary, selection: Selection) -> Itinerary:
    """``itinerary`` restricted to a trip (its id, or a date within it), to the days from
    ``start`` to ``end`` (trips cut to them, legs kept within them), and without the days at
    home unless ``home_days``. UsageError when no trip matches."""
    trips = list(itinerary.trips)
    if selection.trip is not None:
        wanted = selection.trip.strip()
        chosen = [t for t in trips if t.id == wanted] or [
            t for t in trips if t.start <= wanted <= t.end and _is_date(wanted)]
        if not chosen:
            listed = ", ".join(f"{t.id} ({t.title})" for t in trips[:8]) or "none"
            raise UsageError(f"--trip {wanted!r}: no trip has that id or date; trips: {listed}")
        trips = chosen[:1]
    start = selection.start.isoformat() if selection.start else None
    end = selection.end.isoformat() if selection.end else None

    def inside(day: Day) -> bool:
        return (start is None or day.date >= start) and (end is None or day.date <= end)

    kept_trips = []
    for trip in trips:
        days = tuple(d for d in trip.days if inside(d))
        if not days:
            continue
        dates = {d.date for d in days}
        kept_trips.append(trip._replace(days=days, legs=tuple(
            leg for leg in trip.legs if leg.start.day in dates and leg.end.day in dates)))
    ids = {t.id for t in kept_trips}
    days = tuple(d for d in itinerary.days if inside(d) and (
        d.trip in ids if d.trip is not None else
        selection.home_days and selection.trip is None))
    return itinerary._replace(days=days, trips=tuple(kept_trips))


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
