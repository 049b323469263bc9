"""A camera is a body: two cameras of one model (told apart by their serial numbers) are two
clocks for the camera profile and the clock warnings; the user's rules match the model."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from test_makernotes import _jpeg, _tiff, canon_note

from tripexif.clock import times
from tripexif.model import Photo, RawTimes
from tripexif.reading.reader import read_photo

R6 = "Canon EOS R6"
DAY = datetime(2025, 6, 3, 10, 0)
ROME = (41.9, 12.5)


def _shot(name: str, wall: datetime, serial: str | None, clock: timedelta | None) -> Photo:
    """A photo of body ``serial``; with ``clock`` (wall − UTC) it has a GPS fix and stamp."""
    gps = (wall - clock).replace(tzinfo=timezone.utc) if clock is not None else None
    lat, lon = ROME if clock is not None else (None, None)
    return Photo(name, lat=lat, lon=lon, camera=R6,
                 raw=RawTimes(datetime_original=wall, gps_utc=gps, time_field="exif",
                              serial=serial))


def _resolve(photos: list[Photo], settings: times.TimeSettings | None = None,
             ) -> tuple[dict[str, Photo], list[str]]:
    done, warnings = times.resolve(photos, settings or times.TimeSettings(),
                                   lambda lat, lon: "Europe/Rome")
    return {p.path: p for p in done}, warnings


def _travellers(a: str | None, b: str | None) -> list[Photo]:
    """Two R6 bodies the same day: A's clock on Rome summer time (+2), B's left on New York
    (−4); each has a photo without GPS, B's ten minutes before A's located one (wall clock)."""
    return [_shot("a-gps", DAY, a, timedelta(hours=2)),
            _shot("b-gps", DAY + timedelta(hours=2), b, timedelta(hours=-4)),
            _shot("a-plain", DAY + timedelta(hours=1), a, None),
            _shot("b-plain", DAY - timedelta(minutes=10), b, None)]


# catches: the profile keyed on the camera name alone (b-plain takes A's +2 clock, the
# nearest in time, and lands six hours off)
def test_each_body_lends_its_own_clock():
    done, _ = _resolve(_travellers("111", "222"))
    assert done["a-plain"].time_source == done["b-plain"].time_source == "camera_profile"
    assert done["a-plain"].time_utc == datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc)
    assert done["b-plain"].time_utc == datetime(2025, 6, 3, 13, 50, tzinfo=timezone.utc)
    assert done["b-plain"].time_local.isoformat() == "2025-06-03T15:50:00+02:00"


def test_without_serials_the_bodies_share_one_profile():
    done, _ = _resolve(_travellers(None, None))
    # b-plain's nearest profile point is then A's (10:00 wall clock, +2): two hours early
    assert done["b-plain"].time_utc == datetime(2025, 6, 3, 7, 50, tzinfo=timezone.utc)


# catches: warnings keyed on the name (A was right at times, so B's home clock went
# unreported), or naming the serial when one body has the name alone
def test_clock_warnings_per_body_named_by_serial_only_when_needed():
    _, warnings = _resolve(_travellers("111", "222"))
    assert warnings == [f"{R6} (serial 222) clock appears set to UTC−04:00; "
                        "times were corrected to the local zone"]
    _, warnings = _resolve(_travellers("111", "222")[1::2])
    assert warnings == [f"{R6} clock appears set to UTC−04:00; "
                        "times were corrected to the local zone"]
    _, warnings = _resolve(_travellers(None, None))
    assert warnings == []


# catches: the user's --clock-offset matched against the body key instead of the name
def test_user_rules_match_the_camera_name_whatever_the_serial():
    settings = times.TimeSettings(clock_offset={R6: timedelta(hours=-1)})
    done, _ = _resolve(_travellers("111", "222"), settings)
    assert {p.time_source for p in done.values()} == {"user"}


# catches: the Exif BodySerialNumber (0xA431) not read, or not preferred to the maker
# note's, and an all-zero one taken as a serial
def test_serial_read_from_body_serial_number_first(tmp_path):
    photo = read_photo(str(_jpeg(tmp_path / "a.jpg", _tiff("Canon", canon_note(120, 0),
                                                            body_serial="032021001234"))))
    assert photo.raw.serial == "032021001234"
    assert photo.camera == "Canon X"  # the name shown stays make and model
    photo = read_photo(str(_jpeg(tmp_path / "b.jpg", _tiff("SONY", b"\x00" * 8,
                                                            body_serial="4512"))))
    assert photo.raw.serial == "4512"
    photo = read_photo(str(_jpeg(tmp_path / "c.jpg", _tiff("Canon", canon_note(120, 0),
                                                            body_serial="0000000000"))))
    assert photo.raw.serial == "123456"  # the maker note's


# catches: the stale-GPS warning counted per camera name (one line, "2 photos", for two bodies)
def test_stale_gps_warnings_per_body():
    photos = []
    for serial in ("111", "222"):
        photos.append(_shot(f"{serial}-ok", DAY, serial, timedelta(hours=2)))
        stale = _shot(f"{serial}-stale", DAY + timedelta(hours=1), serial, timedelta(hours=29))
        photos.append(stale)
    done, warnings = _resolve(photos)
    assert done["111-stale"].time_flag == done["222-stale"].time_flag == "stale_gps_time"
    assert [w.split(":")[0] for w in warnings] == [f"{R6} (serial 111)", f"{R6} (serial 222)"]
