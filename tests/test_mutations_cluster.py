"""Stop clustering at its exact edges: the gap, the radius, the glitch look-ahead, the
same-place merge and the diameter limit, each on a scenario whose numbers decide it.

All photos lie on one east-west line at latitude 10°, placed by their distance east in metres;
the radius is 100 m and the longest gap 30 minutes."""

import math
from datetime import datetime, timedelta

from tripexif.trip.cluster import Point, cluster_points
from tripexif.trip.geo import EARTH_RADIUS_KM

R = 100.0
GAP = timedelta(minutes=30)
T0 = datetime(2025, 6, 1, 8, 0)
LAT, LON = 10.0, 20.0
FAR = 1000.0  # a stray fix: 1 km east of the stop
_DEGREE_M = EARTH_RADIUS_KM * 1000.0 * math.pi / 180.0


def east(metres: float) -> tuple[float, float]:
    """The position ``metres`` east of (LAT, LON), as the clustering measures distance."""
    return LAT, LON + metres / (_DEGREE_M * math.cos(math.radians(LAT)))


def points(rows: list[tuple[float, float]]) -> list[Point[int]]:
    """(metres east, minutes after T0) -> points whose item is their index."""
    return [Point(*east(m), T0 + timedelta(minutes=minute), i)
            for i, (m, minute) in enumerate(rows)]


def groups(rows: list[tuple[float, float]]) -> list[list[int]]:
    """The clusters' members, as input indexes."""
    return [[p.item for p in c.members] for c in cluster_points(points(rows), R, GAP)]


def glitches(rows: list[tuple[float, float]]) -> list[list[int]]:
    return [[p.item for p in c.glitches] for c in cluster_points(points(rows), R, GAP)]


def test_a_photo_exactly_max_gap_after_the_last_one_stays_in_the_stop():
    # two photos at the stop (minutes 0, 1), a stray fix 1 km away at minute 2, and the
    # return to the stop at minute 31: exactly 30 min (max_gap) after the photo at minute 1.
    # The return fits the stop, so the stray is a glitch and all four are one stop.
    rows = [(0, 0), (0, 1), (FAR, 2), (0, 31)]
    assert groups(rows) == [[0, 1, 2, 3]]
    assert glitches(rows) == [[2]]


def test_a_return_one_minute_past_max_gap_is_a_new_stop_and_the_stray_is_not_a_glitch():
    # the same, but the return comes at minute 32: 31 min after the last photo at the stop
    # (though only 30 min after the stray). The stray cannot be a glitch of a stop the
    # traveller had already left: three clusters.
    rows = [(0, 0), (0, 1), (FAR, 2), (0, 32)]
    assert groups(rows) == [[0, 1], [2], [3]]
    assert glitches(rows) == [[], [], []]


def test_a_photo_just_beyond_the_radius_starts_a_new_stop():
    # three photos at 0 m, then one 110 m east a minute later: 10 m beyond the radius of
    # the medoid (0 m), and nothing comes back: two clusters
    assert groups([(0, 0), (0, 1), (0, 2), (110, 3)]) == [[0, 1, 2], [3]]
    # 95 m east is inside the radius: one cluster
    assert groups([(0, 0), (0, 1), (0, 2), (95, 3)]) == [[0, 1, 2, 3]]


def test_two_consecutive_stray_fixes_are_glitches():
    # 3 photos at the stop, 2 stray fixes 1 km away, 2 more photos at the stop, a minute
    # apart: GLITCH_LOOKAHEAD is 2, so both strays stay in the one stop as glitches
    rows = [(0, 0), (0, 1), (0, 2), (FAR, 3), (FAR, 4), (0, 5), (0, 6)]
    assert groups(rows) == [[0, 1, 2, 3, 4, 5, 6]]
    assert glitches(rows) == [[3, 4]]


def test_one_stray_fix_is_a_glitch():
    rows = [(0, 0), (0, 1), (0, 2), (FAR, 3), (0, 4), (0, 5)]
    assert groups(rows) == [[0, 1, 2, 3, 4, 5]]
    assert glitches(rows) == [[3]]


def test_three_consecutive_stray_fixes_are_a_place_of_their_own():
    # 3 strays in a row are more than the look-ahead: stop, the strays' place, stop again
    rows = [(0, 0), (0, 1), (0, 2), (FAR, 3), (FAR, 4), (FAR, 5), (0, 6), (0, 7)]
    assert groups(rows) == [[0, 1, 2], [3, 4, 5], [6, 7]]
    assert glitches(rows) == [[], [], []]


def test_consecutive_clusters_at_the_same_place_are_merged():
    # photos 0-1 at 0 m, 2-6 at 90 m, 7 at 150 m, a minute apart. The medoid is refreshed at
    # 1, 2, 4, 8 points: at 4 points ({0, 0, 90, 90}, a tie) it is the first photo (0 m),
    # so photo 7 is judged 150 m from it, beyond the radius: it starts a second cluster.
    # Finally the first cluster's medoid is at 90 m (5 of its 7 photos), 60 m from photo 7:
    # the same place within max_gap, so the two are merged into one stop.
    rows = [(0, 0), (0, 1), (90, 2), (90, 3), (90, 4), (90, 5), (90, 6), (150, 7)]
    clusters = cluster_points(points(rows), R, GAP)
    assert [[p.item for p in c.members] for c in clusters] == [[0, 1, 2, 3, 4, 5, 6, 7]]
    assert clusters[0].medoid is not None and clusters[0].medoid.lon == east(90)[1]
    # the same with photo 7 exactly max_gap (30 min) after photo 6: still merged
    rows[-1] = (150, 6 + 30)
    assert groups(rows) == [[0, 1, 2, 3, 4, 5, 6, 7]]
    # one minute more, and they are two stops
    rows[-1] = (150, 6 + 31)
    assert groups(rows) == [[0, 1, 2, 3, 4, 5, 6], [7]]


def test_a_photo_within_the_radius_but_beyond_the_diameter_starts_a_new_stop():
    # photos 0-1 at 0 m, 2 at -50 m, 3-7 at 95 m, a minute apart: after 8 photos the medoid
    # is at 95 m. Photo 8, at 190 m, is 95 m from the medoid (inside the radius) but 240 m
    # from photo 2 at -50 m: the stop would span more than 2 x 100 m, so it starts a new
    # cluster, which photos 9-11 at 250 m join (60 m from 190 m). That cluster's medoid ends
    # at 250 m, 155 m from the first one's: not the same place, no merge.
    rows = [(0, 0), (0, 1), (-50, 2), (95, 3), (95, 4), (95, 5), (95, 6), (95, 7),
            (190, 8), (250, 9), (250, 10), (250, 11)]
    assert groups(rows) == [[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11]]
