import math
import re
from datetime import datetime, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tripexif.reading import gps

import synth


def test_dms_to_signed_degrees():
    lat, lon = gps.to_decimal(
        [(43, 1), (28, 1), (281, 100)], "N", [(11, 1), (53, 1), (65, 10)], "E"
    )
    assert lat == pytest.approx(43 + 28 / 60 + 2.81 / 3600)
    assert lon == pytest.approx(11 + 53 / 60 + 6.5 / 3600)


@pytest.mark.parametrize(("lat_ref", "lon_ref", "signs"), [
    ("N", "E", (1, 1)), ("S", "E", (-1, 1)), ("N", "W", (1, -1)), ("S", "W", (-1, -1)),
    ("s\x00", "w ", (-1, -1)),
])
def test_refs_give_the_sign(lat_ref, lon_ref, signs):
    lat, lon = gps.to_decimal([(10, 1)], lat_ref, [(20, 1)], lon_ref)
    assert (lat, lon) == (10 * signs[0], 20 * signs[1])


@pytest.mark.parametrize(("lat", "lat_ref", "lon", "lon_ref", "reason"), [
    ([(43, 1), (0, 0), (0, 1)], "N", [(11, 1)], "E", "zero denominator"),
    ([(43, 1)], None, [(11, 1)], "E", "latitude reference (N/S) is missing"),
    ([(43, 1)], "N", [(11, 1)], "", "longitude reference (E/W) is missing"),
    ([(43, 1)], "X", [(11, 1)], "E", "is not N/S"),
    ([(91, 1)], "N", [(11, 1)], "E", "beyond ±90"),
    ([(10, 1)], "N", [(181, 1)], "W", "beyond ±180"),
    ([(0, 1), (0, 1), (0, 1)], "S", [(0, 1)], "W", "exactly 0°, 0°"),
    ([], "N", [(1, 1)], "E", "0 parts"),
])
def test_impossible_positions_are_rejected_with_a_reason(lat, lat_ref, lon, lon_ref, reason):
    with pytest.raises(gps.BadGPS, match=re.escape(reason)):
        gps.to_decimal(lat, lat_ref, lon, lon_ref)


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_written_dms_reads_back_within_a_millionth_of_a_degree(lat, lon):
    assume(abs(lat) > 1e-6 or abs(lon) > 1e-6)  # (0, 0) is rejected on purpose
    got = gps.to_decimal(synth.dms(lat), "S" if lat < 0 else "N",
                         synth.dms(lon), "W" if lon < 0 else "E")
    # dms() keeps 1e-4 s; that is 2.8e-8 degrees
    assert math.isclose(got[0], lat, abs_tol=1e-7) and math.isclose(got[1], lon, abs_tol=1e-7)


def test_altitude_below_sea_level_and_broken():
    assert gps.altitude((4250, 100), 1) == -42.5
    assert gps.altitude((4250, 100), 0) == 42.5
    assert gps.altitude((1, 0), 0) is None


def test_gps_utc_stamp():
    stamp = gps.utc_stamp("2008:10:23", [(14, 1), (27, 1), (724, 100)])
    assert stamp == datetime(2008, 10, 23, 14, 27, 7, 240000, tzinfo=timezone.utc)
    assert gps.utc_stamp("2008:10:23", [(14, 1), (27, 1), (7, 0)]) is None
    assert gps.utc_stamp("    :  :  ", [(14, 1), (27, 1), (7, 1)]) is None
    assert gps.utc_stamp(None, [(14, 1), (27, 1), (7, 1)]) is None


def test_degrees_and_decimal_minutes_with_unused_seconds_are_a_real_position(make_photo):
    """A real Nikon D5000 writes 48/1 5332358/100000 0/0 N, 21/1 259507/100000 0/0 E: the
    0/0 seconds are a field it did not use, not a broken fix (ExifTool: 48.88873, 21.04325)."""
    lat_parts = [(48, 1), (5332358, 100000), (0, 0)]
    lon_parts = [(21, 1), (259507, 100000), (0, 0)]
    lat, lon = gps.to_decimal(lat_parts, "N", lon_parts, "E")
    assert (round(lat, 5), round(lon, 5)) == (48.88873, 21.04325)
    from tripexif.reading.reader import read_photo

    path = make_photo("d5000.jpg", synth.Exif(make="NIKON CORPORATION", model="NIKON D5000",
                                              raw_lat=lat_parts, raw_lon=lon_parts,
                                              lat_ref="N", lon_ref="E"))
    photo = read_photo(str(path))
    assert photo.gps_note is None
    assert (round(photo.lat, 5), round(photo.lon, 5)) == (48.88873, 21.04325)


def test_a_zero_denominator_in_a_used_field_still_rejects_the_fix():
    with pytest.raises(gps.BadGPS, match="zero denominator"):
        gps.to_decimal([(48, 1), (53, 0), (0, 0)], "N", [(21, 1)], "E")
