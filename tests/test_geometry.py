"""What the map, KML and report draw: unwrapped longitudes, great-circle arcs, day colours,
the travel between days."""

from hypothesis import given
from hypothesis import strategies as st

from tripexif.export.geometry import centred, day_colours, great_circle, hops
from tripexif.model import Trip
from tripexif.trip.geo import distance_km, unwrap

import built

lat = st.floats(-80, 80)
lon = st.floats(-180, 180)


@given(st.lists(lon, min_size=1, max_size=30))
def test_unwrapped_longitudes_are_continuous_and_the_same_places(lons):
    out = unwrap(lons)
    assert all(abs(b - a) <= 180 for a, b in zip(out, out[1:], strict=False))
    assert all(abs((a - b) % 360) < 1e-9 or abs((a - b) % 360 - 360) < 1e-9
               for a, b in zip(lons, out, strict=True))
    shift = centred(out)
    assert shift % 360 == 0 and -360 <= (min(out) + max(out)) / 2 + shift <= 360


@given(lat, lon, lat, lon)
def test_great_circle_runs_from_one_end_to_the_other_along_the_shortest_way(a, b, c, d):
    if distance_km(a, b, c, d) > 19000:  # near-antipodes: no single shortest arc
        return
    points = great_circle(a, b, c, d)
    assert points[0] == (a, b) or abs(points[0][0] - a) < 1e-6
    end_lat, end_lon = points[-1]
    assert abs(end_lat - c) < 1e-6 and abs((end_lon - d + 180) % 360 - 180) < 1e-6
    lons = [p[1] for p in points]
    assert all(abs(y - x) < 180 for x, y in zip(lons, lons[1:], strict=False))
    walked = sum(distance_km(*p, *q) for p, q in zip(points, points[1:], strict=False))
    assert abs(walked - distance_km(a, b, c, d)) < 1 + 1e-3 * walked


def test_sydney_to_los_angeles_crosses_the_date_line_eastwards():
    points = great_circle(-33.9, 151.2, 34.0, -118.4)
    assert points[-1][1] > 180  # unwrapped: 241.6, not back across the map
    assert max(p[0] for p in points) <= 34.0 + 1e-6


def test_day_colours_never_repeat():
    for count in (1, 2, 12, 13, 21, 60, 365):
        colours = day_colours(count)
        assert len(colours) == count == len(set(colours))
        assert all(len(c) == 7 and c[0] == "#" for c in colours)


def test_travel_between_days():
    japan = built.japan()
    travel = hops(japan.trips[0])
    assert [(h.start.day, h.end.day, h.mode) for h in travel] == [
        ("2025-04-02", "2025-04-03", "ground")]  # the leg's mode
    assert len(travel[0].path) == 2
    pacific = built.pacific()
    travel = hops(Trip("t", "t", pacific.days))
    assert [h.mode for h in travel] == ["flight"] and len(travel[0].path) > 8
    fiji, samoa = pacific.days
    flight = built.flight_leg(fiji.stops[-1], samoa.stops[0])
    travel = hops(Trip("t", "t", pacific.days, (flight,)))
    assert travel[0].path == flight.path
