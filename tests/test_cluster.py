"""Stop clustering: bursts, glitches, gaps, radius, merges, and invariants."""

import math
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tripexif.trip.cluster import Point, cluster_points, metres

T0 = datetime(2025, 6, 1, 8, 0)
R = 200.0
GAP = timedelta(hours=2)


def offset(lat, lon, north_m, east_m):
    """A position ``north_m``/``east_m`` metres from (lat, lon)."""
    dlat = north_m / 111_195.0
    dlon = east_m / (111_195.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def pts(rows):
    return [Point(lat, lon, T0 + timedelta(minutes=m), i) for i, (lat, lon, m) in enumerate(rows)]


def test_burst_of_500_photos_is_one_cluster():
    rows = []
    for i in range(500):
        lat, lon = offset(48.8584, 2.2945, (i % 7) * 10 - 30, (i % 11) * 8 - 40)
        rows.append((lat, lon, i * 0.1))
    clusters = cluster_points(pts(rows), R, GAP)
    assert len(clusters) == 1
    assert len(clusters[0].members) == 500


def test_a_gps_glitch_inside_a_burst_does_not_split_it():
    rows = [(48.8584, 2.2945, m) for m in range(10)]
    far = offset(48.8584, 2.2945, 3000, 0)
    rows[5] = (*far, 5)
    clusters = cluster_points(pts(rows), R, GAP)
    assert len(clusters) == 1
    assert len(clusters[0].members) == 10
    assert clusters[0].medoid.lat == 48.8584  # the glitch does not move the stop


def test_two_places_and_a_long_gap_make_three_clusters():
    a = (48.8584, 2.2945)
    b = offset(*a, 0, 1500)
    rows = [(*a, 0), (*a, 10), (*b, 40), (*b, 50), (*b, 50 + 180)]
    clusters = cluster_points(pts(rows), R, GAP)
    assert [len(c.members) for c in clusters] == [2, 2, 1]


def test_a_slow_walk_is_cut_by_the_diameter_limit():
    rows = [(*offset(48.8584, 2.2945, 0, 60 * i), i) for i in range(20)]  # 1.14 km in 60 m steps
    clusters = cluster_points(pts(rows), R, GAP)
    assert len(clusters) > 1
    for cluster in clusters:
        assert max(metres(a, b) for a in cluster.points for b in cluster.points) <= 2 * R + 1e-6


def test_across_the_antimeridian_is_one_place():
    rows = [(-16.5, 179.9995, 0), (-16.5, -179.9995, 5), (-16.5, 179.9999, 10)]
    assert len(cluster_points(pts(rows), R, GAP)) == 1


def test_merging_keeps_the_diameter_limit():
    """Merges chained along a street moved the centre each time: one stop 330 m across with
    a photo 260 m from its centre, at a 100 m radius (found by a property test)."""
    radius = 100.0
    walk = [(0, 30), (0, 125), (0, -40), (0, -40), (40, -40), (0, -135), (0, -135), (0, -135),
            (-40, -200), (-40, -200)]
    rows = [(*offset(41.9, 12.5, north, east), minute)
            for minute, (north, east) in enumerate(walk)]
    clusters = cluster_points(pts(rows), radius, GAP)
    for cluster in clusters:
        assert max(metres(a, b) for a in cluster.points for b in cluster.points) <= 2 * radius
    assert sorted(m.item for c in clusters for m in c.members) == list(range(len(rows)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-2000, 2000), st.floats(-2000, 2000), st.floats(0, 30)),
                min_size=1, max_size=60))
def test_every_photo_lands_in_exactly_one_cluster_in_time_order(steps):
    rows = []
    minute = 0.0
    for north, east, pause in steps:
        minute += pause
        rows.append((*offset(-33.86, 151.21, north, east), minute))
    points = pts(rows)
    clusters = cluster_points(points, R, GAP)
    items = [m.item for c in clusters for m in c.members]
    assert sorted(items) == list(range(len(points)))
    assert items == sorted(items)  # clusters follow each other in time
    for cluster in clusters:  # the diameter limit (glitches are not part of the shape)
        assert max(metres(a, b) for a in cluster.points for b in cluster.points) <= 2 * R + 1e-6
