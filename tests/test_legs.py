"""Legs and modes: a real flight's position record, altitude, ferries, arcs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import tripexif
from tripexif.model import Stop
from tripexif.trip.geo import distance_km
from tripexif.trip.legs import arc, great_circle, ground_mode, legs
from tripexif.trip.sea import Sea

from trips import Shot, write

FRA = (50.0379, 8.5622)
JFK = (40.6413, -73.7781)
MANHATTAN = (40.7580, -73.9855)


def _shot(name, moment_utc, zone, lat, lon, alt=None):
    local = moment_utc.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return Shot(name, local, zone, lat, lon, alt=alt)


def _utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_a_recorded_flight_is_one_flight_leg_with_no_stop_in_the_air(tmp_path):
    """Positions every 4 minutes at ~845 km/h from Frankfurt to New York, the phone's zone
    switched to New York's halfway, and a burst of two photos on a stale position (which
    clusters as a stop): one flight, every point in between "in flight"."""
    takeoff, landing = _utc(2024, 6, 10, 11, 0), _utc(2024, 6, 10, 18, 20)
    shots = [_shot(f"fra{k}.jpg", _utc(2024, 6, 10, 9, 5 * k), "Europe/Berlin", *FRA)
             for k in range(2)]
    line = great_circle(*FRA, *JFK, 110)
    for k in range(1, 110):
        moment = takeoff + (landing - takeoff) * k / 110
        zone = "Europe/Berlin" if k < 55 else "America/New_York"
        lat, lon = line[k]
        shots.append(_shot(f"air{k:03d}.jpg", moment, zone, lat, lon))
        if k == 30:  # a burst on the same (stale) position
            shots.append(_shot("air030b.jpg", moment + timedelta(seconds=20), zone, lat, lon))
    shots += [_shot(f"jfk{k}.jpg", _utc(2024, 6, 10, 19, 5 * k), "America/New_York", *JFK)
              for k in range(2)]
    shots += [_shot(f"nyc{k}.jpg", _utc(2024, 6, 10, 21, 5 * k), "America/New_York",
                    *MANHATTAN) for k in range(2)]
    itinerary = tripexif.scan([write(tmp_path / "flight", shots)], cache=False, jobs=1)
    [trip] = itinerary.trips
    flights = [leg for leg in trip.legs if leg.mode == "flight"]
    assert len(flights) == 1
    [flight] = flights
    assert (round(flight.start.lat, 4), round(flight.start.lon, 4)) == FRA
    assert (round(flight.end.lat, 4), round(flight.end.lon, 4)) == JFK
    assert flight.evidence.startswith("positions at cruise speed")
    assert flight.distance_km == pytest.approx(distance_km(*FRA, *JFK), rel=0.01)
    assert 600 < flight.speed_kmh < 650  # from the last photo at the gate to the first at JFK
    start, end = flight.start.place.name, flight.end.place.name
    between = [s for s in trip.stops
               if s is not flight.start and s is not flight.end
               and s.arrival > flight.start.departure and s.arrival < flight.end.arrival]
    assert len(between) == 109  # the burst is one point
    assert all(s.kind == "waypoint" for s in between)  # no stop in the air
    assert {s.place.name for s in between} == {f"in flight ({start} → {end})"}
    assert not any("km from" in (s.place.name if s.place else "") for s in trip.stops)
    assert len(flight.path) > 50 and flight.path[0] == (round(FRA[0], 5), round(FRA[1], 5))
    for day in itinerary.days:  # numbered again after the stop in the air became a waypoint
        for kind in ("stop", "waypoint"):
            indices = [s.index for s in day.stops if s.kind == kind]
            assert indices == list(range(1, len(indices) + 1))
    # the ground legs are left as they are
    assert [leg.mode for leg in trip.legs if leg.mode != "flight"] == ["ground"]


def test_a_photo_high_up_while_moving_fast_is_in_the_air(tmp_path):
    munich, vienna = (48.3538, 11.7861), (48.1103, 16.5697)
    middle = great_circle(*munich, *vienna, 2)[1]

    def trip(alt):
        shots = [_shot("a.jpg", _utc(2024, 6, 1, 8), "Europe/Berlin", *munich),
                 _shot("b.jpg", _utc(2024, 6, 1, 9), "Europe/Berlin", *middle, alt=alt),
                 _shot("c.jpg", _utc(2024, 6, 1, 10, 30), "Europe/Vienna", *vienna)]
        folder = write(tmp_path / f"hop{alt}", shots)
        return tripexif.scan([folder], cache=False, jobs=1).trips[0]

    high = trip(10600.0)
    [leg] = high.legs
    assert leg.mode == "flight" and leg.evidence == "photos at 10,600 m"
    assert high.stops[1].place.name.startswith("in flight (")
    low = trip(450.0)  # 180 km/h at 450 m: a fast train, not a plane
    assert [leg.mode for leg in low.legs] == ["ground", "ground"]


def test_a_hike_above_3000_m_stays_on_the_ground(tmp_path):
    shots = [_shot(f"h{k}.jpg", _utc(2024, 7, 1, 8 + k), "America/La_Paz", -16.5 + k * 0.01,
                   -68.15, alt=3640.0) for k in range(4)]
    itinerary = tripexif.scan([write(tmp_path / "la_paz", shots)], cache=False, jobs=1)
    assert all(s.place is None or not s.place.name.startswith("in flight")
               for s in itinerary.stops)
    assert {leg.mode for leg in itinerary.trips[0].legs} == {"walk"}


def _stop(lat, lon, hour, minute=0):
    moment = datetime(2024, 4, 27, hour, minute, tzinfo=ZoneInfo("Europe/Helsinki"))
    return Stop("2024-04-27", 1, "stop", moment, moment, "Europe/Helsinki", lat, lon, ())


def test_ferry_when_the_line_crosses_open_sea_at_ferry_speed():
    sea = Sea()
    helsinki, tallinn = _stop(60.1640, 24.9560, 10), _stop(59.4440, 24.7660, 12, 30)
    km = distance_km(60.1640, 24.9560, 59.4440, 24.7660)
    mode, why = ground_mode(helsinki, tallinn, km, 2.5 * 3600, sea)
    assert mode == "ferry" and why.startswith("100% of the line at open sea")
    # as fast as a plane is no boat; over land is no ferry
    assert ground_mode(helsinki, tallinn, km, 0.5 * 3600, sea)[0] == "ground"
    frankfurt, heidelberg = _stop(50.1109, 8.6821, 9), _stop(49.4094, 8.6942, 11)
    assert ground_mode(frankfurt, heidelberg, 78.0, 7200, sea) == ("ground",
                                                                  "39.0 km/h over 78.0 km")
    assert ground_mode(frankfurt, heidelberg, 78.0, 7200, None)[0] == "ground"
    near = _stop(50.1150, 8.6900, 10)
    assert ground_mode(frankfurt, near, 0.7, 1800, sea)[0] == "walk"


@pytest.mark.parametrize("where, a, b, hours, share", [
    # within territorial waters: timezonefinder's ocean zones called these "ground"
    ("Cook Strait, Wellington to Picton", (-41.2865, 174.7762), (-41.2906, 174.0056), 3.5,
     "50%"),
    ("the Strait of Messina, Messina to Villa San Giovanni", (38.1960, 15.5600),
     (38.2200, 15.6360), 0.5, "33%"),
    ("Split to Hvar", (43.5081, 16.4402), (43.1729, 16.4411), 2.0, "67%"),
])
def test_a_strait_within_territorial_waters_is_crossed_by_ferry(where, a, b, hours, share):
    sea = Sea()
    km = distance_km(*a, *b)
    mode, why = ground_mode(_stop(*a, 8), _stop(*b, 8), km, hours * 3600, sea)
    assert (mode, why.split()[0]) == ("ferry", share)
    assert ground_mode(_stop(*a, 8), _stop(*b, 8), km, 0.05 * 3600, sea)[0] == "ground"


def test_land_and_sea_by_the_land_mask():
    sea = Sea()
    assert sea(-18.245, 178.44)  # 12 km off Suva, inside Fiji's territorial waters
    assert sea(38.2068, 15.5977)  # the middle of the Strait of Messina, 3 km wide
    assert not sea(21.2766, -157.8278)  # the beach at Waikiki
    assert not sea(34.4320, 135.2304)  # Kansai airport, built on the sea
    assert not sea(46.45, 6.55)  # Lake Geneva: a lake is land (no ferry over it is told)


def test_a_drive_along_a_lake_or_a_coast_is_no_ferry():
    sea = Sea()
    # Lausanne to Évian across Lake Geneva by boat reads as ground: lakes are land
    lausanne, evian = (46.5197, 6.6323), (46.4009, 6.5898)
    assert ground_mode(_stop(*lausanne, 8), _stop(*evian, 9), distance_km(*lausanne, *evian),
                       3600, sea)[0] == "ground"
    # Waikiki's beach to Diamond Head's foot, along the shore
    waikiki, diamond = (21.2766, -157.8278), (21.2620, -157.8060)
    assert ground_mode(_stop(*waikiki, 8), _stop(*diamond, 9), distance_km(*waikiki, *diamond),
                       1800, sea)[0] == "walk"


def test_legs_join_the_points_in_the_air_and_skip_stays():
    a, b = _stop(50.0, 8.0, 8), _stop(50.0005, 8.0, 9)  # 55 m apart: a stay, no leg
    c = _stop(50.2, 8.0, 12)
    assert [(leg.start, leg.end) for leg in legs([a, b, c], {})] == [(b, c)]
    flown = legs([a, b, c], {1: "positions at cruise speed (800 km/h)"})
    assert [(leg.start, leg.end, leg.mode) for leg in flown] == [(a, c, "flight")]


def test_arcs_are_unwrapped_across_the_date_line():
    fiji, samoa = _stop(-18.04, 178.56, 10), _stop(-13.83, -171.77, 14)
    path = arc(fiji, samoa)
    lons = [lon for _, lon in path]
    assert lons[0] == 178.56 and lons[-1] == pytest.approx(188.23)
    assert all(b > a for a, b in zip(lons, lons[1:], strict=False))
    back = [lon for _, lon in arc(samoa, fiji)]
    assert back[0] == -171.77 and back[-1] == pytest.approx(-181.44)
    # the midpoint of a great circle is on it: Frankfurt-New York passes south of Greenland
    lat, lon = great_circle(*FRA, *JFK, 2)[1]
    assert 52 < lat < 56 and -40 < lon < -25


def test_a_hop_across_days_apart_is_no_ferry():
    sea = Sea()
    helsinki, tallinn = _stop(60.1640, 24.9560, 10), _stop(59.4440, 24.7660, 12, 30)
    km = distance_km(60.1640, 24.9560, 59.4440, 24.7660)
    assert ground_mode(helsinki, tallinn, km, 40 * 86400, sea) == ("ground",
                                                                   "80.8 km over 40 days")
    assert ground_mode(helsinki, tallinn, km, 40 * 3600, sea)[0] == "ferry"


def _later(lat, lon, hours):
    """A stop ``hours`` after midnight of _stop's day (beyond a day too)."""
    moment = datetime(2024, 4, 27, tzinfo=ZoneInfo("Europe/Helsinki")) + timedelta(hours=hours)
    return _stop(lat, lon, 0)._replace(arrival=moment, departure=moment)


def test_a_slow_walk_round_a_bay_is_no_ferry_but_a_slow_ferry_to_an_island_is():
    """Bondi to Maroubra along the cliffs in two hours: two thirds of the straight line is at
    sea, yet it was walked; Helsinki's market square to Suomenlinna in 50 minutes: the line
    is all sea and the fortress island's cell too, so a ferry however slow."""
    sea = Sea()
    bondi, maroubra = _stop(-33.8915, 151.2767, 10), _stop(-33.9500, 151.2570, 12)
    [walk] = legs([bondi, maroubra], {}, sea)
    assert walk.mode == "walk" and walk.evidence.endswith("round the shore")
    faster = _stop(-33.9500, 151.2570, 10, 40)  # 40 minutes: no walk (a boat or a bus)
    assert legs([bondi, faster], {}, sea)[0].mode != "walk"
    market, fortress = _stop(60.1675, 24.9525, 10), _stop(60.1454, 24.9881, 10, 50)
    assert legs([market, fortress], {}, sea)[0].mode == "ferry"


def test_a_long_crossing_of_open_sea_faster_than_a_ship_was_flown():
    """Suva in the afternoon, Apia the next morning (1,150 km at ~60 km/h door to door: no
    road, and no ship that fast): a flight; Helsinki to Stockholm overnight at a ship's
    pace: no flight."""
    sea = Sea()
    suva, apia = _stop(-18.1416, 178.4419, 13), _later(-13.8333, -171.7667, 33)
    [leg] = legs([suva, apia], {}, sea)
    assert leg.mode == "flight" and "at open sea at" in leg.evidence
    assert leg.evidence.endswith("faster than a ship") and len(leg.path) > 2  # an arc
    [days] = legs([suva, _later(-13.8333, -171.7667, 13 + 24 * 5)], {}, sea)
    assert days.mode == "flight" and days.evidence.endswith("no road crosses it")
    helsinki, stockholm = _stop(60.1640, 24.9560, 17), _later(59.3293, 18.0686, 34)
    [overnight] = legs([helsinki, stockholm], {}, sea)
    assert overnight.mode != "flight"  # a ship's pace (the line is mostly islands and coast)


def test_a_gps_glitch_is_not_a_flight(tmp_path):
    """One photo placed 600 km away between two taken 20 minutes either side of it in
    Kyoto: no plane goes 1,800 km/h; the glitch stays a place and its legs say what is
    wrong. An hour either side (600 km/h) it is there and back: not in the air either."""
    kyoto, station, far = (35.0037, 135.7788), (34.9858, 135.7588), (39.7, 140.1)

    def scan(minutes):
        start = _utc(2024, 3, 21, 1, 0)
        shots = [_shot("a.jpg", start, "Asia/Tokyo", *kyoto),
                 _shot("b.jpg", start + timedelta(minutes=minutes), "Asia/Tokyo", *far),
                 _shot("c.jpg", start + timedelta(minutes=2 * minutes), "Asia/Tokyo",
                       *station)]
        return tripexif.scan([write(tmp_path / f"glitch{minutes}", shots)], cache=False,
                             jobs=1)

    fast = scan(20)
    assert len(fast.stops) == 3
    assert not any(s.place.name.startswith("in flight") for s in fast.stops)
    legs_ = fast.trips[0].legs
    assert [leg.mode for leg in legs_] == ["ground", "ground"]
    assert all(leg.evidence.endswith("faster than an airliner, a position or a time is wrong")
               for leg in legs_)
    slow = scan(59)
    assert len(slow.stops) == 3
    assert not any(s.place.name.startswith("in flight") for s in slow.stops)


def test_faster_than_an_airliner_is_no_evidence_of_flight():
    """Three positions on one line, 2,000 km an hour apart: a clock or a position is wrong;
    at 850 km/h the middle one is in the air."""
    from tripexif.trip.legs import airborne

    line = great_circle(*FRA, *JFK, 2)
    wrong = [_stop(lat, lon, 10 + k) for k, (lat, lon) in enumerate(line)]
    assert airborne(wrong) == {}
    right = [_stop(lat, lon, 10 + 4 * k) for k, (lat, lon) in enumerate(line)]
    assert airborne(right) == {1: "positions at cruise speed (774 km/h)"}
