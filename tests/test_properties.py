"""Property tests (hypothesis) for the time rules and the clustering invariants.

Each property states only what the code guarantees; the comment above each says which
deliberate bug (a "plant") it was checked to catch."""

import math
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tripexif.clock.times import TimeSettings, resolve
from tripexif.clock.zones import REAL_OFFSETS_MIN
from tripexif.geocode.base import NoGeocoder
from tripexif.model import Photo, RawTimes
from tripexif.trip.cluster import Point, cluster_points, metres
from tripexif.trip.geo import EARTH_RADIUS_KM
from tripexif.trip.itinerary import ClusterSettings, build

FEW = settings(max_examples=100, deadline=None)

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0, tzinfo=timezone.utc))


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _resolve(photo: Photo, user: TimeSettings | None = None, zone: str | None = None) -> Photo:
    resolved, _ = resolve([photo], user or TimeSettings(), lambda lat, lon: zone)
    return resolved[0]


# --- time rules ----------------------------------------------------------------------------

# catches the precedence plant (OffsetTimeOriginal tried before the user's --clock-offset)
@FEW
@given(wall=st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2035, 12, 30)),
       offset_min=st.integers(-14 * 60, 14 * 60),
       clock_s=st.integers(-14 * 3600, 14 * 3600))
def test_phone_instant_is_the_wall_clock_minus_its_offset_tag(wall, offset_min, clock_s):
    wall = wall.replace(microsecond=0)
    photo = Photo("p.jpg", camera="Apple iPhone 15",
                  raw=RawTimes(datetime_original=wall, offset_original=_offset_text(offset_min)))
    offset = timedelta(minutes=offset_min)
    tagged = _resolve(photo)
    assert tagged.time_source == "offset_tag"
    assert tagged.time_utc == (wall - offset).replace(tzinfo=timezone.utc)
    assert tagged.time_local.utcoffset() == offset
    assert tagged.time_local.replace(tzinfo=None) == wall
    # a --clock-offset for this camera comes first: instant = wall + clock offset
    clock = timedelta(seconds=clock_s)
    user = _resolve(photo, TimeSettings(clock_offset={"Apple iPhone 15": clock}))
    assert user.time_source == "user"
    assert user.time_utc == (wall + clock).replace(tzinfo=timezone.utc)


# catches the rounding plants of rule 3 (int() or // instead of round(), no rounding at all,
# the GPS instant taken when the offset is real)
@FEW
@given(instant=instants, offset_min=st.sampled_from(sorted(REAL_OFFSETS_MIN)),
       drift_s=st.integers(-(7 * 60 - 1), 7 * 60 - 1))
def test_camera_clock_on_a_real_zone_offset_with_a_small_drift(instant, offset_min, drift_s):
    # the camera's clock was set to a zone (offset_min) and has drifted by less than 7 min;
    # GPS UTC is the true instant. Real offsets are at least 15 min apart, so the nearest
    # quarter hour is the zone's offset, and the instant is the clock minus that offset.
    offset = timedelta(minutes=offset_min)
    drift = timedelta(seconds=drift_s)
    wall = (instant + offset + drift).replace(tzinfo=None)
    photo = Photo("c.jpg", camera="FUJIFILM X-T5",
                  raw=RawTimes(datetime_original=wall, gps_utc=instant))
    resolved = _resolve(photo)
    assert resolved.time_source == "gps_utc"
    assert resolved.time_local.utcoffset() == offset
    assert resolved.time_utc == instant + drift


ZONES = ["Pacific/Kiritimati", "Pacific/Auckland", "Asia/Kathmandu", "Asia/Kolkata",
         "Europe/Paris", "UTC", "America/St_Johns", "America/Los_Angeles", "Pacific/Pago_Pago",
         "Australia/Eucla", "Pacific/Chatham"]


# catches the rounding plants too (the day is taken from the instant rule 3 finds)
@FEW
@given(instant=instants, zone=st.sampled_from(ZONES), device=st.sampled_from(["phone", "camera"]),
       camera_offset=st.sampled_from(sorted(REAL_OFFSETS_MIN)),
       drift_s=st.integers(-(7 * 60 - 1), 7 * 60 - 1))
def test_the_local_day_is_the_date_of_the_instant_at_the_position(
        instant, zone, device, camera_offset, drift_s):
    # a phone writes its offset at the place; a camera's clock is on any zone, drifting
    # by under 7 min, with the true GPS UTC. Either way the local day is the date of the
    # instant in the zone at the photo's position, whatever the camera's clock said.
    place = ZoneInfo(zone)
    if device == "phone":
        local = instant.astimezone(place)
        raw = RawTimes(datetime_original=local.replace(tzinfo=None),
                       offset_original=_offset_text(int(local.utcoffset().total_seconds()) // 60),
                       gps_utc=instant)
        expected = instant
    else:
        drift = timedelta(seconds=drift_s)
        wall = instant + timedelta(minutes=camera_offset) + drift
        raw = RawTimes(datetime_original=wall.replace(tzinfo=None), gps_utc=instant)
        expected = instant + drift
    photo = Photo("x.jpg", lat=1.0, lon=2.0, camera=device, raw=raw)
    resolved = _resolve(photo, zone=zone)
    assert resolved.time_utc == expected
    assert resolved.timezone == zone
    assert resolved.time_local == expected.astimezone(place)
    day = expected.astimezone(place).date().isoformat()
    assert resolved.time_local.date().isoformat() == day
    itinerary = build([resolved], ClusterSettings(), NoGeocoder())
    assert [d.date for d in itinerary.days] == [day]


# --- clustering ----------------------------------------------------------------------------

R = 100.0
GAP = timedelta(minutes=30)
LOOKAHEAD = 2  # cluster.GLITCH_LOOKAHEAD, as documented: up to 2 stray fixes in a row
T0 = datetime(2025, 6, 1, 8, 0)
LAT, LON = -33.86, 151.21
_DEGREE_M = EARTH_RADIUS_KM * 1000.0 * math.pi / 180.0


def at(north_m: float, east_m: float) -> tuple[float, float]:
    return (LAT + north_m / _DEGREE_M,
            LON + east_m / (_DEGREE_M * math.cos(math.radians(LAT))))


def make_points(rows):
    """(north m, east m, minutes since the previous photo) -> points in time order."""
    out, minute = [], 0.0
    for i, (north, east, pause) in enumerate(rows):
        minute += pause
        out.append(Point(*at(north, east), T0 + timedelta(minutes=minute), i))
    return out


# a few places 60 m to 1 km apart, and pauses around max_gap, so that glitches, gaps and
# merges all happen
PLACES = [(0, 0), (0, 60), (60, 0), (0, -120), (120, 120), (0, 1000), (1000, 0)]
PAUSES = [0, 1, 10, 20, 29, 30, 31, 45]
trips = st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(PAUSES)),
                 min_size=1, max_size=30).map(
    lambda rows: [(north, east, pause) for (north, east), pause in rows])


# catches the glitch run that ignores max_gap (a stray fix then a return more than max_gap
# after the stop's last photo becomes a glitch, and the stop's photos span the gap)
@FEW
@given(trips)
def test_clusters_partition_the_photos_in_order_without_gaps(rows):
    points = make_points(rows)
    clusters = cluster_points(points, R, GAP)
    # every point in exactly one cluster, in input order
    assert [p.item for c in clusters for p in c.members] == list(range(len(points)))
    for cluster in clusters:
        assert cluster.points and cluster.medoid in cluster.points
        glitch_ids = {id(g) for g in cluster.glitches}
        assert glitch_ids.isdisjoint(id(p) for p in cluster.points)
        assert len(cluster.glitches) + len(cluster.points) == len(cluster.members)
        # a cluster starts and ends with a photo at its place, never with a stray fix
        assert id(cluster.members[0]) not in glitch_ids
        assert id(cluster.members[-1]) not in glitch_ids
        # no more than max_gap between consecutive photos, nor between consecutive photos at
        # its place (stray fixes aside)
        for a, b in pairwise(cluster.members):
            assert b.time - a.time <= GAP
        kept = [p for p in cluster.members if id(p) not in glitch_ids]
        for a, b in pairwise(kept):
            assert b.time - a.time <= GAP


# catches GLITCH_LOOKAHEAD 2 -> 1 or 0, and ">" -> ">=" in the gap checks of _fits and
# _glitch_run (a return exactly max_gap after the last photo at the place)
@FEW
@given(burst=st.lists(st.tuples(st.floats(-30, 30), st.floats(-30, 30),
                                st.sampled_from([0, 1, 10, 30])), min_size=2, max_size=12),
       strays=st.lists(st.tuples(st.integers(1, 10), st.integers(1, LOOKAHEAD),
                                 st.sampled_from([0, 1, 10, 29])), max_size=3))
def test_a_burst_at_one_place_is_one_cluster_and_short_stray_runs_are_its_glitches(burst,
                                                                                  strays):
    # photos in a 60 m square (so at most 85 m from each other, within the radius of any
    # of them, and the stop's diameter is no issue), at most max_gap
    # apart; runs of up to LOOKAHEAD (2) stray fixes 1 km away are slipped in between two
    # of them, inside the gap (the stray run takes `lead` minutes of the pause after it).
    rows = [(n, e, 0 if i == 0 else pause) for i, (n, e, pause) in enumerate(burst)]
    inserted = {}
    for after, count, lead in strays:
        if after < len(rows):
            inserted[after] = (count, lead)
    timeline, expected_glitches = [], []
    minute = 0.0
    for i, (north, east, pause) in enumerate(rows):
        minute += pause
        if i in inserted:
            count, lead = inserted[i]
            lead = min(lead, pause)
            for k in range(count):
                expected_glitches.append(len(timeline))
                timeline.append((1000 + 10 * k, 0, minute - pause + lead * (k + 1) / count))
        timeline.append((north, east, minute))
    points = [Point(*at(n, e), T0 + timedelta(minutes=m), i)
              for i, (n, e, m) in enumerate(timeline)]
    clusters = cluster_points(points, R, GAP)
    assert len(clusters) == 1
    assert [p.item for p in clusters[0].members] == list(range(len(points)))
    assert [p.item for p in clusters[0].glitches] == expected_glitches


GRID = [(60 * i, 60 * j) for i in range(4) for j in range(4)]


# catches the doubled radius (a photo 120 m to 180 m from every other one joins a stop)
@FEW
@given(st.lists(st.tuples(st.sampled_from(GRID), st.sampled_from([0, 1, 5])), min_size=2,
                max_size=12, unique_by=lambda row: row[0]))
def test_a_photo_with_no_other_within_the_radius_is_a_stop_alone_or_a_glitch(rows):
    # every photo at its own point of a 60 m grid: a photo none of whose neighbours is within
    # 100 m is never shaped into a stop with others. It joined no stop (it is more than
    # 100 m from every medoid), no photo joined it, and no stop merged with it.
    points = make_points([(north, east, pause) for (north, east), pause in rows])
    clusters = cluster_points(points, R, GAP)
    for cluster in clusters:
        for point in cluster.points:
            if all(metres(point, other) > R for other in points if other is not point):
                assert cluster.members == [point]
