"""When each photo was taken: the six time rules on generated trips."""

import json
from datetime import datetime, timedelta, timezone

import pytest

import synth
from trips import Shot, write

NY, LONDON = "America/New_York", "Europe/London"
LONDON_POS = (51.5007, -0.1246)


def _records(run, folder, *extra):
    result = run("photos", "-f", "json", str(folder), *extra)
    assert result.exit_code == 0, result.stderr
    return {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(result.stdout)}, result


def test_phone_with_offset_tag(run, tmp_path):
    folder = write(tmp_path / "t", [Shot("a.jpg", datetime(2025, 4, 2, 9, 10), "Asia/Tokyo",
                                         35.0037, 135.7788)])
    records, _ = _records(run, folder)
    assert records["a.jpg"]["time_source"] == "offset_tag"
    assert records["a.jpg"]["time_local"] == "2025-04-02T09:10:00+09:00"
    assert records["a.jpg"]["time_utc"] == "2025-04-02T00:10:00Z"
    assert records["a.jpg"]["timezone"] == "Asia/Tokyo"


def test_home_clock_camera_across_the_atlantic_over_both_dst_switches(run, tmp_path):
    """A camera left on New York time (which switches to DST on 9 March) shoots in London
    (which switches on 30 March): GPS UTC stamps give the right London time every day."""
    days = [datetime(2025, 3, d, 12, 0) for d in (5, 8, 9, 10, 29, 30, 31)]
    shots = [Shot(f"d{d.day:02d}.jpg", d, LONDON, *LONDON_POS, device="camera", camera_zone=NY)
             for d in days]
    # the same camera without GPS, an hour after a located photo: placed by its clock profile
    shots.append(Shot("nogps.jpg", datetime(2025, 3, 31, 13, 0), LONDON, None, None,
                      device="camera", camera_zone=NY))
    records, result = _records(run, write(tmp_path / "t", shots))
    for d in days:
        record = records[f"d{d.day:02d}.jpg"]
        offset = "+01:00" if d.day >= 30 else "+00:00"
        assert record["time_local"] == f"2025-03-{d.day:02d}T12:00:00{offset}", record
        assert record["time_source"] == "gps_utc"
        assert record["timezone"] == LONDON
    assert records["nogps.jpg"]["time_source"] == "camera_profile"
    assert records["nogps.jpg"]["time_local"] == "2025-03-31T13:00:00+01:00"
    assert "FUJIFILM X-T5 clock appears set to UTC−05:00 / UTC−04:00" in result.stderr


def test_camera_clock_a_day_off_trusts_gps(run, tmp_path, make_photo):
    exif = synth.Exif(make="NIKON", model="COOLPIX P6000",
                      datetime_original=datetime(2008, 10, 22, 16, 28, 39),
                      lat=43.4674, lon=11.8851,
                      gps_utc=datetime.fromisoformat("2008-10-23T14:27:07+00:00"))
    make_photo("t/nikon.jpg", exif)
    records, result = _records(run, tmp_path / "t")
    assert records["nikon.jpg"]["time_local"] == "2008-10-23T16:27:07+02:00"
    assert records["nikon.jpg"]["time_source"] == "gps_utc"
    assert "clock was off by −21:58:28 from its GPS time" in result.stderr


def test_zone_from_location_and_dst_flags(run, tmp_path):
    shots = [
        Shot("summer.jpg", datetime(2025, 7, 1, 10, 0), NY, 40.758, -73.9855, device="plain"),
        Shot("gap.jpg", datetime(2025, 3, 9, 2, 30), NY, 40.758, -73.9855, device="plain"),
        Shot("twice.jpg", datetime(2025, 11, 2, 1, 30), NY, 40.758, -73.9855, device="plain"),
    ]
    records, _ = _records(run, write(tmp_path / "t", shots))
    assert records["summer.jpg"]["time_local"] == "2025-07-01T10:00:00-04:00"
    assert records["summer.jpg"]["time_source"] == "zone_from_location"
    assert records["gap.jpg"]["time_flag"] == "nonexistent"
    assert records["gap.jpg"]["time_local"] == "2025-03-09T03:30:00-04:00"
    assert records["twice.jpg"]["time_flag"] == "ambiguous"
    assert records["twice.jpg"]["time_local"] == "2025-11-02T01:30:00-04:00"


def test_no_position_no_offset_is_floating_unless_default_tz(run, tmp_path):
    folder = write(tmp_path / "t", [Shot("x.jpg", datetime(2025, 5, 1, 8, 0), "UTC", None, None,
                                         device="plain")])
    records, _ = _records(run, folder)
    assert records["x.jpg"]["time_source"] == "floating"
    assert records["x.jpg"]["time_local"] == "2025-05-01T08:00:00"
    assert records["x.jpg"]["time_utc"] is None
    records, _ = _records(run, folder, "--default-tz", "Europe/Berlin")
    assert records["x.jpg"]["time_local"] == "2025-05-01T08:00:00+02:00"
    assert records["x.jpg"]["timezone"] == "Europe/Berlin"


@pytest.mark.parametrize("option", [
    ("--camera-tz", "Canon EOS R6=America/Chicago"),
    ("--camera-tz", "*=America/Chicago"),
    ("--clock-offset", "canon eos r6=+05:00"),
])
def test_user_rules_come_first(run, tmp_path, option):
    # a camera set to Chicago time (UTC-05:00 in May) shooting in Paris
    folder = write(tmp_path / "t", [Shot("p.jpg", datetime(2025, 5, 1, 3, 0), "UTC",
                                         48.8584, 2.2945, device="plain")])
    records, _ = _records(run, folder, *option)
    assert records["p.jpg"]["time_source"] == "user"
    assert records["p.jpg"]["time_utc"] == "2025-05-01T08:00:00Z"
    assert records["p.jpg"]["time_local"] == "2025-05-01T10:00:00+02:00"
    assert records["p.jpg"]["timezone"] == "Europe/Paris"


def test_southern_and_western_hemisphere(run, tmp_path):
    shots = [Shot("ba.jpg", datetime(2025, 1, 15, 20, 0), "America/Argentina/Buenos_Aires",
                  -34.6037, -58.3816, device="plain"),
             Shot("syd.jpg", datetime(2025, 1, 16, 9, 0), "Australia/Sydney",
                  -33.8568, 151.2153, device="plain")]
    records, _ = _records(run, write(tmp_path / "t", shots))
    assert records["ba.jpg"]["lat"] == pytest.approx(-34.6037, abs=1e-6)
    assert records["ba.jpg"]["lon"] == pytest.approx(-58.3816, abs=1e-6)
    assert records["ba.jpg"]["time_local"] == "2025-01-15T20:00:00-03:00"
    assert records["syd.jpg"]["time_local"] == "2025-01-16T09:00:00+11:00"  # southern summer


def test_an_empty_fix_lends_no_time(run, tmp_path, make_photo):
    """A real file: clock 2017-11-27 01:01:01 and an empty fix (0°, 0°) stamped
    2017-01-01 00:00:00 UTC. The stamp is the receiver's idea of time without a fix."""
    make_photo("t/empty.jpg", synth.Exif(
        make="Canon", model="Canon EOS 1300D", datetime_original=datetime(2017, 11, 27, 1, 1, 1),
        raw_lat=[(0, 1)] * 3, raw_lon=[(0, 1)] * 3, lat_ref="N", lon_ref="E",
        gps_utc=datetime(2017, 1, 1, tzinfo=timezone.utc)))
    records, _ = _records(run, tmp_path / "t")
    record = records["empty.jpg"]
    assert record["gps_note"].startswith("GPS position is exactly 0°, 0°")
    assert record["time_source"] == "floating"
    assert record["time_local"] == "2017-11-27T01:01:01"


def test_a_gps_stamp_without_a_camera_clock_gives_the_time(run, corpus):
    """exif-samples/heic/mobile/HMD_Nokia_8.3_5G.heif has a position and a GPS UTC stamp but
    no DateTimeOriginal (ExifTool: GPSDateTime 2022:02:03 14:44:09Z, 40.789 N 4.005 W)."""
    path = corpus / "exif-samples/heic/mobile/HMD_Nokia_8.3_5G.heif"
    [record] = json.loads(run("photos", "-f", "json", str(path)).stdout)
    assert record["time_source"] == "gps_utc"
    assert record["time_utc"] == "2022-02-03T14:44:09Z"
    assert record["timezone"] == "Europe/Madrid"
    assert record["time_local"] == "2022-02-03T15:44:09+01:00"


def test_control_characters_in_a_camera_model_are_dropped(run, tmp_path, make_photo):
    """A corrupt TIFF gives the model "Oce T\\x80S850" (ExifTool shows it the same way)."""
    make_photo("t/oce.jpg", synth.Exif(make="Oce", model="Oce T\x80S850\x1b[2J",
                                       datetime_original=datetime(2020, 1, 1, 10)))
    records, _ = _records(run, tmp_path / "t")
    assert records["oce.jpg"]["camera"] == "Oce TS850[2J"


def test_a_profile_is_not_learnt_from_one_photo_with_another_devices_gps(run, corpus, tmp_path):
    """png_with_exif_and_gps.png is Canon_PowerShot_S40.jpg (2003) with a GPS block stamped
    2018 pasted in: its 14.6-year 'clock offset' must not move the 2003 photo to 2018."""
    folder = tmp_path / "s40"
    folder.mkdir()
    for rel in ("exif-samples/jpg/Canon_PowerShot_S40.jpg",
                "exifr/test/fixtures/png/png_with_exif_and_gps.png"):
        (folder / rel.rsplit("/", 1)[-1]).write_bytes((corpus / rel).read_bytes())
    records, _ = _records(run, folder)
    record = records["Canon_PowerShot_S40.jpg"]
    assert record["time_source"] == "floating"
    assert record["time_local"] == "2003-12-14T12:01:44"


@pytest.mark.parametrize(("located", "source"), [(2, "camera_profile"), (1, "floating")])
def test_an_odd_clock_offset_shown_by_two_photos_is_lent(run, tmp_path, make_photo, located,
                                                         source):
    """A camera clock 3 days 2 h 7 min fast (no zone's offset): with two GPS-stamped photos
    agreeing, its photo without GPS is corrected; one photo alone proves nothing."""
    fast = timedelta(days=3, hours=2, minutes=7)
    start = datetime(2025, 6, 1, 9, 0, tzinfo=timezone.utc)
    for i in range(located):
        instant = start + timedelta(minutes=10 * i)
        make_photo(f"t/gps{i}.jpg", synth.Exif(
            make="FUJIFILM", model="X-T5", datetime_original=(instant + fast).replace(tzinfo=None),
            lat=48.8584, lon=2.2945, gps_utc=instant), seed=i)
    make_photo("t/nogps.jpg", synth.Exif(
        make="FUJIFILM", model="X-T5",
        datetime_original=(start + timedelta(hours=1) + fast).replace(tzinfo=None)), seed=9)
    records, _ = _records(run, tmp_path / "t")
    assert records["nogps.jpg"]["time_source"] == source
    if source == "camera_profile":
        assert records["nogps.jpg"]["time_utc"] == "2025-06-01T10:00:00Z"


def _nexus(folder_maker, name, wall, gps, seed):
    return folder_maker(f"t/{name}", synth.Exif(make="LGE", model="Nexus 4", datetime_original=wall,
                                                lat=48.8584, lon=2.2945, gps_utc=gps), seed=seed)


def test_a_stale_gps_fix_does_not_move_a_photo_whose_camera_clock_is_right(run, tmp_path,
                                                                          make_photo):
    """A real Nexus 4 photo: clock 2013-01-20 18:54:08, GPS stamp 2013-01-19 15:50:09 (an old
    fix, 27 h earlier). Its other photos show the clock right (Paris, UTC+1): keep the clock."""
    for i in range(3):
        wall = datetime(2013, 1, 20, 17, 0) + timedelta(minutes=20 * i)
        _nexus(make_photo, f"ok{i}.jpg", wall,
               (wall - timedelta(hours=1)).replace(tzinfo=timezone.utc), i)
    _nexus(make_photo, "stale.jpg", datetime(2013, 1, 20, 18, 54, 8),
           datetime(2013, 1, 19, 15, 50, 9, tzinfo=timezone.utc), 7)
    records, result = _records(run, tmp_path / "t")
    stale = records["stale.jpg"]
    assert stale["time_local"] == "2013-01-20T18:54:08+01:00"
    assert stale["time_source"] == "camera_profile"
    assert stale["time_flag"] == "stale_gps_time"
    assert records["ok0.jpg"]["time_flag"] is None
    assert "LGE Nexus 4: 1 photo had a stale GPS time" in result.stderr


def test_a_clock_off_on_every_photo_keeps_the_gps_time(run, tmp_path, make_photo):
    """Two photos 27 h off agree: the clock is off, not the fix (the GPS time is used)."""
    for i in range(2):
        gps = datetime(2013, 1, 19, 15, 50, tzinfo=timezone.utc) + timedelta(minutes=5 * i)
        _nexus(make_photo, f"off{i}.jpg", (gps + timedelta(hours=27, minutes=4)).replace(
            tzinfo=None), gps, i)
    records, _ = _records(run, tmp_path / "t")
    assert records["off0.jpg"]["time_source"] == "gps_utc"
    assert records["off0.jpg"]["time_utc"] == "2013-01-19T15:50:00Z"
    assert records["off0.jpg"]["time_flag"] is None


def test_a_utc_time_without_a_place_has_no_local_time(run, tmp_path):
    """A video with only its container's UTC creation time and no position: the instant is
    known, the local time is not (never shown as if UTC were local)."""
    from test_reader import _mp4

    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "clip.mp4").write_bytes(_mp4(0xC4C289DF))
    records, _ = _records(run, folder)
    record = records["clip.mp4"]
    assert record["time_utc"] == "2008-08-08T23:40:15Z"
    assert record["time_local"] is None and record["timezone"] is None
    assert record["time_source"] == "video_utc"
    with_default = _records(run, folder, "--default-tz", "Asia/Tokyo")[0]["clip.mp4"]
    assert with_default["time_local"] == "2008-08-09T08:40:15+09:00"


def test_at_sea_the_photos_own_offset_decides_its_day(run, tmp_path):
    """A phone photo with OffsetTimeOriginal +12:00 taken at sea east of Fiji, where
    timezonefinder answers Etc/GMT+12 (UTC-12: POSIX signs are inverted): it stays on its
    own day at +12:00, and no Etc/GMT name is shown."""
    shots = [Shot("sea.jpg", datetime(2025, 7, 10, 8, 30), "Pacific/Fiji", -25.0, -179.0)]
    folder = write(tmp_path / "t", shots)
    records, _ = _records(run, folder)
    record = records["sea.jpg"]
    assert record["time_local"] == "2025-07-10T08:30:00+12:00"
    assert record["timezone"] == "UTC+12:00"
    scan = json.loads(run("scan", "-f", "json", str(folder)).stdout)
    assert [d["date"] for d in scan["days"]] == ["2025-07-10"]
    assert "Etc/" not in json.dumps(scan)


def test_an_ocean_zone_alone_is_shown_as_its_real_offset(run, tmp_path):
    """A camera clock with no offset, at sea: the wall clock is read in the ocean zone,
    named UTC-12:00 (its true offset), not Etc/GMT+12."""
    shots = [Shot("sea.jpg", datetime(2025, 7, 10, 8, 30), "Etc/GMT+12", -25.0, -179.0,
                  device="plain")]
    records, _ = _records(run, write(tmp_path / "t", shots))
    assert records["sea.jpg"]["timezone"] == "UTC-12:00"
    assert records["sea.jpg"]["time_local"] == "2025-07-10T08:30:00-12:00"
    assert records["sea.jpg"]["time_source"] == "zone_from_location"


def test_sub_seconds_are_rounded_the_same_way_in_every_output(run, tmp_path, make_photo):
    """SubSecTimeOriginal "0887" is 0.0887 s: every output says .089 (JSON and CSV used
    to truncate to .088, GPX printed .088700)."""
    make_photo("t/a.jpg", synth.Exif(make="Apple", model="iPhone 15", subsec="0887",
                                     datetime_original=datetime(2025, 4, 2, 9, 10, 0),
                                     offset_original="+09:00", lat=35.0037, lon=135.7788))
    records, _ = _records(run, tmp_path / "t")
    assert records["a.jpg"]["time_local"] == "2025-04-02T09:10:00.089+09:00"
    assert records["a.jpg"]["time_utc"] == "2025-04-02T00:10:00.089Z"
    gpx = run("scan", "-f", "gpx", str(tmp_path / "t")).stdout
    assert "<time>2025-04-02T00:10:00.089000Z</time>" in gpx
    assert "00:10:00.0887" not in gpx
    csv_text = run("photos", "-f", "csv", str(tmp_path / "t")).stdout
    assert "2025-04-02T09:10:00.089+09:00" in csv_text


def test_a_day_is_headed_with_its_stops_zone_not_a_waypoints_at_sea(run, tmp_path):
    """A ferry photo at sea at dawn (an ocean zone), then a morning in Suva: the day is
    Pacific/Fiji's."""
    shots = [Shot("ferry.jpg", datetime(2025, 7, 10, 6, 0), "Pacific/Fiji", -25.0, -179.0)]
    shots += [Shot(f"suva{i}.jpg", datetime(2025, 7, 10, 10, i), "Pacific/Fiji",
                   -18.1416, 178.4419) for i in range(3)]
    doc = json.loads(run("scan", "-f", "json", str(write(tmp_path / "t", shots))).stdout)
    [day] = doc["days"]
    assert day["timezone"] == "Pacific/Fiji"
    assert day["waypoints"][0]["timezone"] == "UTC+12:00"
