"""Automatic clock alignment for cameras with no GPS and no zone (issue 13, section 3)."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta

import numpy as np
import pytest

import tripexif
from tripexif.clock.align import Span, estimate

from trips import camera_and_phone, travel_plan, write

HOUR = 3600.0


def _stops(days: int = 4, seed: int = 0) -> list[Span]:
    """Visits of 60-110 min from 08:30 each day (UTC seconds from 0), 40-70 min apart."""
    rng = random.Random(seed)
    spans = []
    for day in range(days):
        moment = day * 86400 + 8.5 * HOUR
        for _ in range(4):
            stay = rng.uniform(1, 1.8) * HOUR
            spans.append(Span(moment, moment + stay, timedelta(hours=9)))
            moment += stay + rng.uniform(0.7, 1.2) * HOUR
    return spans


def _walls(spans: list[Span], clock: float, per_stop: int = 5, drift_per_day: float = 0.0,
           seed: int = 1) -> np.ndarray:
    """A camera's wall clocks (as seconds) for photos inside the spans; clock − UTC = clock."""
    rng = random.Random(seed)
    out = []
    for span in spans:
        for _ in range(per_stop):
            instant = rng.uniform(span.start + 60, span.end - 60)
            out.append(instant + clock + drift_per_day * instant / 86400)
    return np.array(out)


def test_the_offset_is_found_to_the_minute_at_any_zone_offset():
    spans = _stops()
    for clock in (-10 * HOUR, -3.5 * HOUR, 0.0, 2 * HOUR, 5.75 * HOUR, 13 * HOUR):
        found = estimate(_walls(spans, clock), spans, 600)
        assert found.offset == clock and found.drift is None
        assert found.matched == found.best == 80 and found.runner_up < 70


def test_a_clock_minutes_off_any_zone_is_found_to_the_minute():
    spans = [Span(i * 86400 + 9 * HOUR, i * 86400 + 9.3 * HOUR) for i in range(6)]
    walls = np.array([s.start + 600 + 7 * 60 + HOUR for s in spans])  # 7 min fast, UTC+1
    walls = np.concatenate([walls, walls + 120])
    found = estimate(walls, spans, 0)
    # the offsets that put every photo inside run from +1:00 to +1:23; a camera is set to a
    # zone, so the quarter hour in that run nearest its middle is taken: +1:15
    assert found.matched == 12 and found.offset == 1.25 * HOUR


def test_a_clock_that_gains_minutes_over_weeks_is_followed():
    spans = _stops(days=21)
    walls = _walls(spans, 2 * HOUR, drift_per_day=60.0)  # gains a minute a day
    found = estimate(walls, spans, 600)
    assert found.matched >= 0.95 * walls.size
    assert found.drift is not None and found.drift * 86400 == pytest.approx(60.0, abs=15.0)
    assert found.offset == pytest.approx(2 * HOUR, abs=300)
    constant = estimate(_walls(spans, 2 * HOUR), spans, 600)
    assert constant.drift is None and constant.offset == 2 * HOUR


def test_a_trend_in_scattered_photos_is_no_drift():
    """One photo a day anywhere in a two-hour stay, twelve days: the offsets that centre
    them scatter by ±50 min, and a line through twelve such points often slopes by minutes
    a day by chance. A constant clock is not said to drift (over 200 trips)."""
    spans = [Span(d * 86400 + 9 * HOUR, d * 86400 + 11 * HOUR) for d in range(12)]
    for seed in range(200):
        rng = random.Random(seed)
        walls = np.array([s.start + rng.uniform(300, 2 * HOUR - 300) + 2 * HOUR
                          for s in spans])
        assert estimate(walls, spans, 600).drift is None, seed


def test_nothing_to_align_on_or_a_night_long_stay_is_no_evidence():
    assert estimate(np.array([1000.0, 2000.0]), [], 600).offset is None
    night = [Span(20 * HOUR, 31 * HOUR)]  # 11 h at the hotel: any offset would fit
    assert estimate(np.array([9 * HOUR, 10 * HOUR]), night, 600).matched == 0


def test_an_ambiguous_clock_is_left_floating_and_said(tmp_path):
    """Two stops a day apart with the camera's three photos at either: no clear best."""
    plan = travel_plan(21, days=2, stops_per_day=1)
    shots, truth, _ = camera_and_phone(plan, 21, phone_share=1.0)
    shots = [s for s in shots if not s.name.startswith("cam_")] + [
        s for s in shots if s.name.startswith("cam_0_")][:2]
    itinerary = tripexif.scan([write(tmp_path / "p", shots)], cache=False, geocoder="none",
                              jobs=1)
    cameras = [p for p in itinerary.unlocated if p.camera == "FUJIFILM X-T5"]
    assert cameras and all(p.time_source == "floating" for p in cameras)
    [said] = [w for w in itinerary.warnings if w.startswith("FUJIFILM X-T5: clock ")]
    assert re.fullmatch(
        r"FUJIFILM X-T5: clock not worked out: only 2 photos, too few to tell a clock by; its "
        r"photos keep floating times\. If its clock was UTC\+0(\d:\d\d), pin it with "
        r'--clock-offset "FUJIFILM X-T5=-0\1" \(or give --camera-tz\)', said), said


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    plan = travel_plan(11, days=4)
    shots, truth, covered = camera_and_phone(plan, 11)
    return write(tmp_path_factory.mktemp("align") / "p", shots), truth


def test_the_users_clock_offset_wins(trip):
    folder, truth = trip
    wrong = tripexif.TimeSettings(clock_offset={"FUJIFILM X-T5": timedelta(hours=-3)})
    photos = tripexif.read([folder], time=wrong, cache=False, jobs=1)
    camera = [p for p in photos if p.camera == "FUJIFILM X-T5"]
    assert {p.time_source for p in camera} == {"user"}
    assert all(p.time_utc.replace(tzinfo=None) == p.raw.datetime_original - timedelta(hours=3)
               for p in camera)


def test_alignment_overrules_a_default_zone_guess(trip):
    folder, _ = trip
    guess = tripexif.TimeSettings(default_tz="America/New_York")
    photos = tripexif.read([folder], time=guess, cache=False, jobs=1)
    camera = [p for p in photos if p.camera == "FUJIFILM X-T5"]
    assert {p.time_source for p in camera} == {"alignment"}


def test_clocks_command_tells_how_each_clock_was_found(run, trip, monkeypatch):
    folder, _ = trip
    monkeypatch.chdir(folder.parent)
    result = run("clocks", "p", "-f", "json", "--no-cache")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["version"] == 1
    phone, camera = doc["cameras"]
    assert (phone["camera"], phone["how"], phone["offset"], phone["confidence"]) == (
        "Apple iPhone 15", {"offset tags": phone["photos"]}, "UTC+09:00", "from the files")
    assert camera["camera"] == "FUJIFILM X-T5" and camera["how"] == {
        "alignment": camera["photos"]}
    assert camera["offset"] == "UTC+02:00"
    assert camera["pin"] == '--clock-offset "FUJIFILM X-T5=-02:00"'
    assert re.fullmatch(rf"aligned: (\d+) of {camera['photos']} photos matched the Apple "
                        r"iPhone 15's stops; the best offset more than an hour away matched \d+",
                        camera["confidence"])
    assert camera["note"].startswith("FUJIFILM X-T5: clock was UTC+02:00, 7 h behind local; ")
    # (this folder is one trip: no home shows in it, so nothing is said about home time)
    table = run("clocks", "p", "--no-cache", "-q")
    assert "alignment" in table.stdout and "UTC+02:00" in table.stdout
    # the table ends with the camera's sentence; stderr does not say it again (JSON's does)
    said = run("clocks", "p", "--no-cache")
    assert "FUJIFILM X-T5: clock was UTC+02:00" in " ".join(said.stdout.split())
    assert "clock was" not in said.stderr
    assert "FUJIFILM X-T5: clock was" in result.stderr
    # pinned by the line it printed: the same instants, now from the user's rule
    pinned = run("clocks", "p", "-f", "json", "--no-cache", "--clock-offset",
                 "FUJIFILM X-T5=-02:00")
    assert json.loads(pinned.stdout)["cameras"][1]["how"] == {"user": camera["photos"]}


def test_the_library_reports_clocks(trip):
    folder, _ = trip
    reports = tripexif.clocks([folder], cache=False, jobs=1)
    assert [r.label for r in reports] == ["Apple iPhone 15", "FUJIFILM X-T5"]
    assert reports[1].offsets == (timedelta(hours=2),)
    assert datetime  # (imported for the readers of this file: instants are datetimes)


def _floating(walls: list[datetime]) -> list:
    from tripexif.model import Photo, RawTimes

    return [Photo(f"c{i}.jpg", camera="Canon EOS R6", raw=RawTimes(wall, time_field="exif"),
                  time_local=wall) for i, wall in enumerate(walls)]


def test_a_burst_half_in_a_stop_explains_none_of_it():
    from tripexif.clock.align import _counts

    starts, ends = np.array([0.0, 5400.0]), np.array([3600.0, 9000.0])
    burst = np.array([3000.0, 3300.0, 3600.0, 3900.0])  # its last photo out of the stop
    assert list(_counts(burst, np.array([0.0, 600.0]), starts, ends)) == [0, 4]


def test_two_offsets_that_fit_as_well_leave_the_clock_unknown():
    """Stops every three hours and a camera that photographs at two of them: its clock may be
    either offset 3 h apart, and is not guessed."""
    from tripexif.clock.align import align

    spans = [Span(h * HOUR, h * HOUR + 1800) for h in range(0, 30, 3)]
    base = datetime(1970, 1, 1)
    walls = [base + timedelta(seconds=3 * HOUR + 300 + 60 * i) for i in range(6)]
    photos, [found], [said] = align(_floating(walls), tripexif.TimeSettings(), spans,
                                    "the track")
    assert not found.accepted and found.best == 6 and found.runner_up == 6
    assert {p.time_source for p in photos} == {"floating"}
    assert said.startswith("Canon EOS R6: clock not worked out: ")
    # the same camera at a stop no other offset fits: aligned
    lone = [Span(3 * HOUR, 3 * HOUR + 1800)]
    walls = [base + timedelta(seconds=3 * HOUR + 300 + 240 * i) for i in range(6)]
    photos, [found], _ = align(_floating(walls), tripexif.TimeSettings(), lone, "the track")
    assert found.accepted and found.offset == timedelta(0)
    assert {p.time_source for p in photos} == {"alignment"}


def test_a_clock_set_to_two_zones_on_the_way_gets_no_single_pin():
    from datetime import timezone

    from tripexif.clock.report import clock_reports
    from tripexif.model import Photo, RawTimes

    def shot(name: str, wall: datetime, hours: int) -> Photo:
        utc = (wall - timedelta(hours=hours)).replace(tzinfo=timezone.utc)
        return Photo(name, camera="NIKON Z 6", raw=RawTimes(wall, f"+{hours:02d}:00"),
                     time_utc=utc, time_local=utc, time_source="offset_tag")

    [report] = clock_reports([shot("a.jpg", datetime(2024, 4, 2, 9), 9),
                              shot("b.jpg", datetime(2024, 4, 3, 9), 9),
                              shot("c.jpg", datetime(2024, 4, 9, 9), 2)])
    assert report.offsets == (timedelta(hours=9), timedelta(hours=2))
    assert report.pin is None and report.how == {"offset tags": 3}
    assert report.confidence == "from the files"
    [single] = clock_reports([shot("a.jpg", datetime(2024, 4, 2, 9), 9)])
    assert single.pin == '--clock-offset "NIKON Z 6=-09:00"'


def test_a_camera_whose_photos_fall_nowhere_at_any_offset_is_said_so():
    from tripexif.clock.align import align

    spans = [Span(0.0, 600.0)]
    walls = [datetime(1985, 6, 1, 12) + timedelta(minutes=i) for i in range(4)]  # old scans
    photos, [found], [said] = align(_floating(walls), tripexif.TimeSettings(), spans,
                                    "the other devices' stops")
    assert found.offset is None and not found.accepted
    assert said == ("Canon EOS R6: 4 photos with no GPS and no zone, and at no offset from UTC "
                    "does any of them fall in the other devices' stops: its clock is left "
                    "unknown; give --clock-offset or --camera-tz")


BERLIN = (52.5200, 13.4050)


def _home_days(first: datetime, days: int = 12, every: int = 3) -> list:
    """A phone's photos at home in Berlin, two an evening every ``every`` days before
    ``first``: a home the trips stage infers from the days photographed (ten days or more,
    a fifth of all, over four weeks)."""
    from trips import Shot

    shots = []
    for n in range(days):
        evening = (first - timedelta(days=every * (days - n))).replace(hour=18, minute=0)
        for k in range(2):
            shots.append(Shot(f"home_{n}_{k}.jpg", evening + timedelta(minutes=20 * k),
                              "Europe/Berlin", BERLIN[0] + 1e-4 * k, BERLIN[1]))
    return shots


@pytest.mark.parametrize("camera_zone, clock, home_time, relation", [
    ("Europe/Berlin", "UTC+02:00", True, "7 h behind local"),  # left on home time
    ("Asia/Tokyo", "UTC+09:00", False, "on local time"),  # set to Japan's time on arrival
])
def test_a_clock_on_home_time_is_said_to_be(run, tmp_path, monkeypatch, camera_zone, clock,
                                             home_time, relation):
    """The issue's report: "clock was UTC+01:00 (home time), 8 h behind local; 37 of 40
    photos matched the phone's stops" — home as the library's days at home show it."""
    plan = travel_plan(11, days=4)
    shots, truth, _ = camera_and_phone(plan, 11, camera_zone=camera_zone)
    folder = write(tmp_path / "p", _home_days(plan[0].arrive) + shots)
    itinerary = tripexif.scan([folder], cache=False, geocoder="none", jobs=1)
    assert itinerary.home is not None and abs(itinerary.home.lat - BERLIN[0]) < 0.01
    [said] = [w for w in itinerary.warnings if w.startswith("FUJIFILM X-T5: clock ")]
    home = " (home time)" if home_time else ""
    assert re.fullmatch(
        rf"FUJIFILM X-T5: clock was {re.escape(clock)}{re.escape(home)}, {relation}; "
        rf"(\d+) of {len(truth)} photos matched the Apple iPhone 15's stops \(pin it with "
        rf'--clock-offset "FUJIFILM X-T5=-{clock[4:]}"\)', said), said
    monkeypatch.chdir(tmp_path)
    doc = json.loads(run("clocks", "p", "-f", "json", "--no-cache").stdout)
    camera = doc["cameras"][1]
    assert (camera["offset"], camera["home_time"], camera["local"], camera["note"]) == (
        clock, home_time, "UTC+09:00", said)
    monkeypatch.setenv("COLUMNS", "300")  # one line a row
    table = run("clocks", "p", "--no-cache", "-q").stdout
    assert f"{clock}{home}, {relation.replace('on local time', 'local time')}" in table


def test_in_a_folder_of_one_trip_home_time_is_not_claimed(trip):
    """No days at home in the folder: whether the clock was on home time is not known,
    and not said (home_time null)."""
    folder, _ = trip
    [_, camera] = tripexif.clocks([folder], cache=False, jobs=1)
    assert camera.home_time is None and camera.local == timedelta(hours=9)
    assert "(home time)" not in (camera.note or "")


def test_a_clock_declined_on_a_short_trip_says_why_and_how_to_pin_the_guess(run, tmp_path,
                                                                         monkeypatch):
    """A two-day trip (one of the 60 generated short trips where alignment declines): the
    best offset and one 2 h 15 min from it fit nearly as well. The warning names both, and
    the --clock-offset that would pin the best guess; `clocks` shows the guess, not as the
    clock."""
    plan = travel_plan(0, days=2)
    shots, truth, _ = camera_and_phone(plan, 0)
    folder = write(tmp_path / "p", shots)
    itinerary = tripexif.scan([folder], cache=False, geocoder="none", jobs=1)
    [said] = [w for w in itinerary.warnings if w.startswith("FUJIFILM X-T5: clock ")]
    assert re.fullmatch(
        rf"FUJIFILM X-T5: clock not worked out: UTC\+02:00 would put (\d+) of {len(truth)} "
        r"photos in the Apple iPhone 15's stops, but UTC\+04:15, 2 h 15 min from it, fits "
        r"nearly as well \((\d+) photos against (\d+) within 5 min of a stop\); its photos "
        r"keep floating times\. If its clock was UTC\+02:00, pin it with "
        r'--clock-offset "FUJIFILM X-T5=-02:00" \(or give --camera-tz\)', said), said
    monkeypatch.chdir(tmp_path)
    [_, camera] = json.loads(run("clocks", "p", "-f", "json", "--no-cache").stdout)["cameras"]
    assert (camera["offset"], camera["pin"], camera["guess"], camera["guess_pin"]) == (
        None, None, "UTC+02:00", '--clock-offset "FUJIFILM X-T5=-02:00"')
    assert camera["how"] == {"unknown": len(truth)} and camera["note"] == said
    monkeypatch.setenv("COLUMNS", "300")
    table = run("clocks", "p", "--no-cache", "-q").stdout
    assert ('unknown (best guess UTC+02:00)' in table
            and '--clock-offset "FUJIFILM X-T5=-02:00" (if the guess is right)' in table)


def test_a_clock_whose_photos_mostly_fall_outside_the_stops_says_so():
    """Four of ten photos in the only stop at any offset: too few to go by, said with the
    counts, and the guess's --clock-offset."""
    from tripexif.clock.align import align

    lone = [Span(3 * HOUR, 3 * HOUR + 1800)]
    base = datetime(1970, 1, 1)
    walls = [base + timedelta(seconds=3 * HOUR + 300 + 240 * i) for i in range(4)] + [
        base + timedelta(seconds=12 * HOUR + 3600 * i) for i in range(6)]  # far apart
    photos, [found], [said] = align(_floating(walls), tripexif.TimeSettings(), lone,
                                    "the track")
    assert not found.accepted and {p.time_source for p in photos} == {"floating"}
    assert said == ("Canon EOS R6: clock not worked out: too few of its photos matched the "
                    "track: 4 of 10 at the best offset, UTC+00:00; its photos keep floating "
                    "times. If its clock was UTC+00:00, pin it with --clock-offset "
                    '"Canon EOS R6=+00:00" (or give --camera-tz)')
