"""The time rules at their edges: a user rule beats OffsetTimeOriginal, and rule 3 rounds a
drifting camera clock to the nearest quarter hour (and keeps its drift)."""

from datetime import datetime, timedelta, timezone

import pytest

from tripexif.clock.times import TimeSettings, resolve
from tripexif.model import Photo, RawTimes

PARIS = (48.8584, 2.2945)
IPHONE = "Apple iPhone 15"
CAMERA = "FUJIFILM X-T5"


def zone_at(lat, lon):
    return "Europe/Paris"


def one(photo: Photo, settings: TimeSettings | None = None) -> Photo:
    resolved, _ = resolve([photo], settings or TimeSettings(), zone_at)
    return resolved[0]


def phone(wall: datetime, offset: str) -> Photo:
    return Photo("p.jpg", lat=PARIS[0], lon=PARIS[1], camera=IPHONE,
                 raw=RawTimes(datetime_original=wall, offset_original=offset))


def camera(wall: datetime, gps_utc: datetime, located: bool = False) -> Photo:
    lat, lon = PARIS if located else (None, None)
    return Photo("c.jpg", lat=lat, lon=lon, camera=CAMERA,
                 raw=RawTimes(datetime_original=wall, gps_utc=gps_utc))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# --- precedence: rule 1 (the user's) before rule 2 (OffsetTimeOriginal) -------------------

WALL = datetime(2025, 6, 1, 12, 0)


def test_without_a_user_rule_the_offset_tag_decides():
    photo = one(phone(WALL, "+09:00"))
    assert photo.time_source == "offset_tag"
    assert photo.time_utc == utc(2025, 6, 1, 3, 0)  # 12:00 − 9 h


@pytest.mark.parametrize("settings, instant", [
    # the phone's clock was on Paris time (UTC+02:00 in June): 12:00 − 2 h
    (TimeSettings(camera_tz={IPHONE: "Europe/Paris"}), utc(2025, 6, 1, 10, 0)),
    (TimeSettings(camera_tz={"*": "Europe/Paris"}), utc(2025, 6, 1, 10, 0)),
    # --clock-offset adds to the clock to get UTC: 12:00 + 5 h
    (TimeSettings(clock_offset={IPHONE: timedelta(hours=5)}), utc(2025, 6, 1, 17, 0)),
])
def test_a_user_rule_beats_the_offset_tag(settings, instant):
    # the photo says +09:00, but the user's rule for this camera comes first
    photo = one(phone(WALL, "+09:00"), settings)
    assert photo.time_source == "user"
    assert photo.time_utc == instant
    assert photo.time_local == instant.astimezone(photo.time_local.tzinfo)
    assert photo.timezone == "Europe/Paris"


def test_a_user_rule_for_another_camera_leaves_the_offset_tag_alone():
    photo = one(phone(WALL, "+09:00"), TimeSettings(camera_tz={CAMERA: "Europe/Paris"}))
    assert photo.time_source == "offset_tag"
    assert photo.time_utc == utc(2025, 6, 1, 3, 0)


# --- rule 3: DateTimeOriginal − GPS UTC, rounded to 15 minutes ------------------------------

GPS = utc(2025, 6, 1, 10, 0, 0)


def test_a_clock_6_min_40_s_fast_rounds_to_plus_two_hours():
    # clock = GPS UTC + 2 h + 6 min 40 s (a camera set to UTC+02:00 that gained 6 min 40 s):
    # 8.44 quarters rounds to 8, +02:00, a real offset. The instant is the wall clock − 2 h,
    # 10:06:40 UTC, not the GPS time 10:00:00 (the GPS stamp only serves to find the zone).
    wall = datetime(2025, 6, 1, 12, 6, 40)
    photo = one(camera(wall, GPS))
    assert photo.time_source == "gps_utc"
    assert photo.time_utc == utc(2025, 6, 1, 10, 6, 40)
    assert photo.time_local.utcoffset() == timedelta(hours=2)  # shown in the clock's offset
    assert photo.time_local.replace(tzinfo=None) == wall


def test_a_clock_6_min_40_s_slow_rounds_to_plus_two_hours():
    # clock = GPS UTC + 2 h − 6 min 40 s = 11:53:20: 7.56 quarters rounds up to 8, +02:00;
    # the instant is 09:53:20 UTC
    photo = one(camera(datetime(2025, 6, 1, 11, 53, 20), GPS))
    assert photo.time_source == "gps_utc"
    assert photo.time_utc == utc(2025, 6, 1, 9, 53, 20)
    assert photo.time_local.utcoffset() == timedelta(hours=2)


def test_a_drift_under_7_5_min_keeps_the_quarter():
    # clock = GPS UTC + 5 h 30 min + 7 min 20 s (India, 7 min 20 s fast): 22.49 quarters
    # rounds to 22, +05:30; the instant is 15:37:20 − 5 h 30 min = 10:07:20 UTC
    photo = one(camera(datetime(2025, 6, 1, 15, 37, 20), GPS))
    assert photo.time_local.utcoffset() == timedelta(hours=5, minutes=30)
    assert photo.time_utc == utc(2025, 6, 1, 10, 7, 20)


def test_a_drift_past_7_5_min_rounds_to_the_next_quarter():
    # clock = GPS UTC + 5 h 30 min + 8 min 20 s = 15:38:20: 22.56 quarters rounds to 23,
    # +05:45 (Nepal, a real offset); the instant is 15:38:20 − 5 h 45 min = 09:53:20 UTC
    photo = one(camera(datetime(2025, 6, 1, 15, 38, 20), GPS))
    assert photo.time_source == "gps_utc"
    assert photo.time_local.utcoffset() == timedelta(hours=5, minutes=45)
    assert photo.time_utc == utc(2025, 6, 1, 9, 53, 20)


def test_a_clock_off_by_no_real_offset_takes_the_gps_time():
    # clock = GPS UTC + 2 h 7 min 40 s rounds to 9 quarters, +02:15, which no zone uses:
    # the clock is wrong and the GPS instant is taken
    photo = one(camera(datetime(2025, 6, 1, 12, 7, 40), GPS))
    assert photo.time_source == "gps_utc"
    assert photo.time_utc == GPS


def test_a_located_drifting_camera_is_shown_in_the_local_zone():
    # at the Eiffel Tower (Europe/Paris, +02:00 in June) the same fast clock: 10:06:40 UTC is
    # 12:06:40 local
    photo = one(camera(datetime(2025, 6, 1, 12, 6, 40), GPS, located=True))
    assert photo.time_utc == utc(2025, 6, 1, 10, 6, 40)
    assert photo.timezone == "Europe/Paris"
    assert photo.time_local.isoformat() == "2025-06-01T12:06:40+02:00"
