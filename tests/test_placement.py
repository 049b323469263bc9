"""Photos without GPS placed by the other devices' photos and by track logs (issue 13)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import tripexif

from trips import Shot, camera_and_phone, gpx_track, travel_plan, write

ROME = (41.8902, 12.4922)
ORVIETO = (42.7185, 12.1107)  # 93 km north of Rome


def _scan(folder: Path, **kw):
    return tripexif.scan([folder], cache=False, geocoder="none", jobs=1, **kw)


def _stop_of(itinerary) -> dict[str, tuple[str, int]]:
    return {Path(p.path).name: (stop.day, stop.index, stop.kind)
            for stop in itinerary.stops for p in stop.photos}


def _right_stops(itinerary, truth) -> tuple[int, int]:
    """(camera photos in the stop of their visit, in another): a stop's visit is the one most
    of its camera photos, or its phone photos, come from."""
    right = wrong = 0
    for stop in itinerary.stops:
        names = [Path(p.path).name for p in stop.photos]
        visits = Counter(tuple(n.split("_")[1:3]) for n in names)
        main = visits.most_common(1)[0][0]
        for name in names:
            if name in truth:
                if (str(truth[name].day), str(truth[name].number)) == main:
                    right += 1
                else:
                    wrong += 1
    return right, wrong


@pytest.fixture(scope="module", params=[11, 12])
def phone_trip(request, tmp_path_factory):
    plan = travel_plan(request.param)
    shots, truth, covered = camera_and_phone(plan, request.param)
    folder = write(tmp_path_factory.mktemp("phone") / "p", shots)
    return folder, plan, truth, covered


def test_a_home_time_camera_lands_in_the_phones_stops(phone_trip):
    """Must show: a GPS-less camera on home time beside a phone that is at most stops:
    its clock offset is found to the minute, and >= 95% of its photos at the stops the phone
    photographed end in the right stop; none ends in a wrong one."""
    folder, plan, truth, covered = phone_trip
    itinerary = _scan(folder)
    at_phone_stops = [n for n, v in truth.items() if (v.day, v.number) in covered]
    assert len(covered) < len(plan)  # the phone missed some stops
    right, wrong = _right_stops(itinerary, truth)
    assert right >= 0.95 * len(at_phone_stops)
    assert wrong == 0
    placed = {Path(p.path).name: p for s in itinerary.stops for p in s.photos if p.placed}
    assert set(placed) <= set(truth)
    assert {p.gps_source for p in placed.values()} == {"stop"}
    aligned = [p for s in itinerary.stops for p in s.photos if p.time_source == "alignment"]
    for photo in aligned:  # the offset to the minute: every instant exactly right
        shot_local = photo.raw.datetime_original  # the camera's clock: Berlin summer time
        assert photo.time_utc.replace(tzinfo=None) == shot_local - timedelta(hours=2)
    assert any(w.startswith("FUJIFILM X-T5: clock was UTC+02:00, 7 h behind local; ")
               for w in itinerary.warnings), itinerary.warnings
    for photo in itinerary.unlocated:  # the stops the phone missed: not placed, and why
        assert photo.place_note.startswith("no located photo within 30 min")


def test_the_same_with_a_gpx_track_instead_of_the_phone(tmp_path):
    plan = travel_plan(13)
    shots, truth, _ = camera_and_phone(plan, 13, phone=False)
    folder = write(tmp_path / "p", shots)
    (tmp_path / "day.gpx").write_text(gpx_track(plan))
    itinerary = _scan(folder, tracks=[tmp_path / "day.gpx"])
    right, wrong = _right_stops(itinerary, truth)
    assert right >= 0.95 * len(truth) and wrong == 0
    # every visit is one stop of its own
    assert len([s for s in itinerary.stops if s.kind == "stop"]) == len(plan)
    sources = Counter(p.gps_source for s in itinerary.stops for p in s.photos)
    assert sources == {"track": len(truth)}
    assert any("clock was UTC+02:00" in w and "matched the track" in w
               for w in itinerary.warnings)
    errors = [p.gps_error_m for s in itinerary.stops for p in s.photos]
    assert max(errors) < 50  # still at the visits: a few metres of jitter


def test_without_the_phone_or_a_track_nothing_is_guessed(tmp_path):
    plan = travel_plan(14, days=2)
    shots, truth, _ = camera_and_phone(plan, 14, phone=False)
    itinerary = _scan(write(tmp_path / "p", shots))
    assert not itinerary.stops
    assert len(itinerary.unlocated) == len(truth)
    assert all(p.time_source == "floating" for p in itinerary.unlocated)
    assert (f"FUJIFILM X-T5: {len(truth)} photos with no GPS and no zone, and at no offset "
            "from UTC does any of them fall in the other devices' photos and tracks: its "
            "clock is left unknown; give --clock-offset or --camera-tz") in itinerary.warnings


def _day(*shots: Shot, folder: Path) -> Path:
    return write(folder, list(shots))


def _phone(name: str, hour: int, minute: int, where: tuple[float, float] | None,
           zone: str = "Europe/Rome", day: int = 1) -> Shot:
    lat, lon = where if where else (None, None)
    return Shot(name, datetime(2025, 8, day, hour, minute), zone, lat, lon)


def test_the_train_photo_between_two_stops_stays_unlocated(tmp_path):
    """Must show: a photo taken on the train between two stops 93 km and 2 h apart is not
    snapped to either."""
    folder = _day(
        _phone("rome1.jpg", 9, 0, ROME), _phone("rome2.jpg", 9, 50, ROME),
        _phone("train.jpg", 11, 0, None),
        _phone("orvieto1.jpg", 12, 0, ORVIETO), _phone("orvieto2.jpg", 12, 40, ORVIETO),
        folder=tmp_path / "p")
    itinerary = _scan(folder)
    [train] = itinerary.unlocated
    assert Path(train.path).name == "train.jpg" and train.lat is None
    assert train.place_note == ("no located photo within 30 min (the nearest is 1 h away)")
    # with a longer reach, still not: the photos around it are 2 h 10 min apart
    wider = tripexif.PlacementSettings(max_interpolation=timedelta(hours=1, minutes=10))
    [train] = _scan(folder, placement=wider).unlocated
    assert train.place_note == ("between located photos 2 h 10 min apart (more than "
                                "--max-interpolation 1 h 10 min): it may have been taken "
                                "anywhere between them")


def test_a_photo_with_no_located_photo_within_30_min_stays_unlocated(tmp_path):
    folder = _day(_phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 20, ROME),
                  _phone("late.jpg", 10, 1, None), folder=tmp_path / "p")
    [late] = _scan(folder).unlocated
    assert late.place_note == "no located photo within 30 min (the nearest is 41 min away)"
    from tripexif import export

    record = json.loads(export.get("scan", "json").render(
        _scan(folder), export.Options()))["unlocated"][0]
    assert record["reason"] == ("no GPS position in the file; not placed: no located photo "
                                "within 30 min (the nearest is 41 min away)")


def test_a_photo_joins_a_stop_within_ten_minutes_of_it(tmp_path):
    folder = _day(_phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 40, ROME),
                  _phone("during.jpg", 9, 20, None), _phone("before.jpg", 8, 51, None),
                  _phone("after.jpg", 9, 49, None), _phone("too_late.jpg", 9, 52, None),
                  folder=tmp_path / "p")
    itinerary = _scan(folder)
    [stop] = itinerary.stops
    assert sorted(Path(p).name for p in stop.files) == [
        "a.jpg", "after.jpg", "b.jpg", "before.jpg", "during.jpg"]
    assert stop.placed == 3
    placed = [p for p in stop.photos if p.placed]
    assert {(round(p.lat, 6), round(p.lon, 6), p.gps_source) for p in placed} == {
        (*ROME, "stop")}
    assert all(p.timezone == "Europe/Rome" for p in placed)
    assert sorted(p.place_note for p in placed) == [
        "during the stop 09:00–09:40 of 2 located photos",
        "during the stop 09:00–09:40 of 2 located photos, 9 min outside it",
        "during the stop 09:00–09:40 of 2 located photos, 9 min outside it"]
    assert [Path(p.path).name for p in itinerary.unlocated] == ["too_late.jpg"]


def test_a_photo_between_two_close_photos_is_on_the_line_between_them(tmp_path):
    near = (ROME[0] + 0.01, ROME[1])  # 1.1 km north: two waypoints, no stop
    folder = _day(_phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 20, near),
                  _phone("walk.jpg", 9, 5, None), folder=tmp_path / "p")
    photos = {Path(p.path).name: p for p in tripexif.read([folder], cache=False, jobs=1)}
    walk = photos["walk.jpg"]
    assert walk.gps_source == "photos" and walk.position_source == "photos"
    assert walk.lat == pytest.approx(ROME[0] + 0.0025, abs=1e-6)
    assert walk.lon == pytest.approx(ROME[1], abs=1e-6)
    assert walk.gps_error_m == pytest.approx(278.0, abs=1.0)  # a quarter of the way
    assert walk.place_note == "between located photos 20 min and 1.1 km apart"
    assert photos["a.jpg"].gps_source is None and photos["a.jpg"].position_source == "exif"


def test_never_across_a_local_day(tmp_path):
    folder = _day(_phone("a.jpg", 23, 40, ROME), _phone("b.jpg", 23, 55, ROME),
                  _phone("after_midnight.jpg", 0, 2, None, day=2),  # 7 min after b
                  _phone("c.jpg", 0, 20, ROME, day=2), folder=tmp_path / "p")
    photos = {Path(p.path).name: p for p in tripexif.read([folder], cache=False, jobs=1)}
    assert not photos["after_midnight.jpg"].located
    assert photos["after_midnight.jpg"].place_note == (
        "the located photos around it are on another local day")


def test_no_line_across_a_flight(tmp_path):
    folder = _day(_phone("rome.jpg", 9, 0, ROME), _phone("plane.jpg", 9, 10, None),
                  _phone("paris.jpg", 9, 25, (48.8566, 2.3522)), folder=tmp_path / "p")
    photos = {Path(p.path).name: p for p in tripexif.read([folder], cache=False, jobs=1)}
    assert photos["plane.jpg"].place_note == (
        "the located photos around it are 1106 km apart in 25 min (a flight?): not placed "
        "between them")


def test_placement_none_places_nothing(tmp_path):
    folder = _day(_phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 40, ROME),
                  _phone("during.jpg", 9, 20, None), folder=tmp_path / "p")
    itinerary = _scan(folder, placement=None)
    assert [Path(p.path).name for p in itinerary.unlocated] == ["during.jpg"]
    assert itinerary.unlocated[0].place_note is None


def test_a_track_comes_before_the_photos_and_its_gaps_are_said(tmp_path):
    folder = _day(_phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 40, ROME),
                  _phone("during.jpg", 9, 20, None), _phone("evening.jpg", 20, 0, None),
                  folder=tmp_path / "p")
    # a track 100 m east of the photos, 07:10 to 07:30 UTC (09:10-09:30 in Rome)
    (tmp_path / "t.csv").write_text(
        "time,lat,lon\n2025-08-01T07:10:00Z,41.8902,12.4934\n"
        "2025-08-01T07:30:00Z,41.8902,12.4934\n")
    photos = {Path(p.path).name: p
              for p in tripexif.read([folder], tracks=[tmp_path / "t.csv"], cache=False, jobs=1)}
    assert photos["during.jpg"].gps_source == "track"
    assert photos["during.jpg"].lon == pytest.approx(12.4934)
    assert photos["during.jpg"].place_note == "between track fixes 20 min apart"
    assert photos["evening.jpg"].place_note == (
        "track: 10 h 30 min after the track's last fix (more than --max-extrapolation 5 min); "
        "photos: no located photo within 30 min (the nearest is 10 h 20 min away)")


def test_scan_json_counts_placed_photos_and_says_where_positions_came_from(run, tmp_path,
                                                                           monkeypatch):
    _day(_phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 40, ROME),
         _phone("during.jpg", 9, 20, None), folder=tmp_path / "p")
    monkeypatch.chdir(tmp_path)
    doc = json.loads(run("scan", "p", "-f", "json", "--geocoder", "none", "--no-cache").stdout)
    [stop] = doc["days"][0]["stops"]
    assert (stop["photos"], stop["placed"]) == (3, 1)
    records = json.loads(run("photos", "p", "-f", "json", "--no-cache").stdout)
    assert [(r["path"], r["gps_source"], r["gps_error_m"]) for r in records] == [
        ("p/a.jpg", "exif", None), ("p/b.jpg", "exif", None), ("p/during.jpg", "stop", 10.0)]
    narrower = json.loads(run("photos", "p", "-f", "json", "--no-cache",
                              "--max-interpolation", "5m").stdout)
    assert narrower[2]["gps_source"] == "stop"  # a stop's span is not an interpolation


@pytest.mark.parametrize("seed, minutes", [(31, 1.0), (32, 2.0), (33, -1.5), (34, 0.0)])
def test_a_camera_clock_drifting_over_three_weeks_is_followed_and_said(run, tmp_path,
                                                                       monkeypatch, seed,
                                                                       minutes):
    """A camera gaining (or losing) a minute or two a day over three weeks: 20–40 minutes
    by the end, enough to put its last photos outside their stops at one offset. Each
    stop's photos give the clock there; the line through them is the drift, said per day
    (in the warning and the clocks table and JSON), and >= 95% of the photos at the stops
    the phone photographed land in the right stop. A clock that does not drift gets none."""
    plan = travel_plan(seed, days=21, stops_per_day=3)
    shots, truth, covered = camera_and_phone(plan, seed,
                                             drift_per_day=timedelta(minutes=minutes))
    folder = write(tmp_path / "p", shots)
    itinerary = _scan(folder)
    right, wrong = _right_stops(itinerary, truth)
    assert right >= 0.95 * sum(1 for v in truth.values() if (v.day, v.number) in covered)
    assert wrong == 0
    [said] = [w for w in itinerary.warnings if w.startswith("FUJIFILM X-T5: clock was ")]
    monkeypatch.chdir(tmp_path)
    [camera] = [c for c in json.loads(run("clocks", "p", "-f", "json", "--no-cache").stdout)
                ["cameras"] if c["camera"] == "FUJIFILM X-T5"]
    if not minutes:
        assert camera["drift"] is None and camera["drift_seconds_per_day"] is None
        assert camera["offset"] == "UTC+02:00" and "a day" not in said
        return
    assert camera["drift_seconds_per_day"] == pytest.approx(60 * minutes, abs=30)
    found = camera["drift_seconds_per_day"]
    amount = f"{abs(found) / 60:.1f} min"
    assert camera["drift"] == f"{'+' if minutes > 0 else '-'}{amount} a day"
    verb = "gaining" if minutes > 0 else "losing"
    match = re.match(rf"FUJIFILM X-T5: clock was UTC\+0(1:5\d|2:0\d), [^;]*, {verb} "
                     rf"{re.escape(amount)} a day \(UTC\+0(\d:\d\d) halfway\); ", said)
    assert match, said
    # pinned halfway: ten days in, the clock had gained ten minutes or so
    halfway = timedelta(hours=int(match.group(2)[0]), minutes=int(match.group(2)[2:]))
    assert abs(halfway - timedelta(hours=2, minutes=10 * minutes)) <= timedelta(minutes=5)
    assert camera["pin"] == f'--clock-offset "FUJIFILM X-T5=-0{match.group(2)}"'
    monkeypatch.setenv("COLUMNS", "300")
    assert f"{'+' if minutes > 0 else '-'}{amount} a day" in run(
        "clocks", "p", "--no-cache", "-q").stdout


def test_after_the_last_located_photo_nothing_is_extrapolated(tmp_path):
    folder = _day(_phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 20, ROME),
                  _phone("after.jpg", 9, 34, None), _phone("before.jpg", 8, 45, None),
                  folder=tmp_path / "p")
    photos = {Path(p.path).name: p for p in tripexif.read([folder], cache=False, jobs=1)}
    assert photos["after.jpg"].place_note == (
        "14 min after the last located photo, and none after it to place it between")
    assert photos["before.jpg"].place_note == (
        "15 min before the first located photo, and none before it to place it between")


def test_in_a_stops_margin_only_when_no_photo_elsewhere_is_nearer(tmp_path):
    elsewhere = (ROME[0] + 0.003, ROME[1])  # 330 m away: another place
    folder = _day(_phone("y.jpg", 8, 54, elsewhere),  # a waypoint: passed by
                  _phone("a.jpg", 9, 0, ROME), _phone("b.jpg", 9, 40, ROME),
                  _phone("early.jpg", 8, 56, None), folder=tmp_path / "p")
    photos = {Path(p.path).name: p for p in tripexif.read([folder], cache=False, jobs=1)}
    early = photos["early.jpg"]  # 4 min before the stop, 2 min after the photo elsewhere
    assert early.gps_source == "photos"  # on the way between them, not at the stop
    assert early.lat == pytest.approx(elsewhere[0] - 0.001, abs=1e-6)


def test_with_the_phone_at_every_stop_all_the_cameras_photos_land(tmp_path):
    plan = travel_plan(16)
    shots, truth, covered = camera_and_phone(plan, 16, phone_share=1.0)
    itinerary = _scan(write(tmp_path / "p", shots))
    right, wrong = _right_stops(itinerary, truth)
    assert right >= 0.95 * len(truth) and wrong == 0
    assert not itinerary.unlocated


def test_a_drifting_clock_is_followed_on_a_gpx_track_too(tmp_path):
    """No phone: a three-week GPX track and a camera gaining 1.5 min a day. The track's
    stays give the stops; the drift is found and >= 95% of the photos are placed within
    300 m of where they were taken."""
    from tripexif.trip.geo import distance_km

    plan = travel_plan(41, days=21, stops_per_day=3)
    shots, truth, _ = camera_and_phone(plan, 41, drift_per_day=timedelta(minutes=1.5),
                                       phone=False)
    folder = write(tmp_path / "p", shots)
    track = tmp_path / "t.gpx"
    track.write_text(gpx_track(plan, step=60))
    [camera] = tripexif.clocks([folder], tracks=[track], cache=False, jobs=1)
    assert camera.drift_per_day is not None
    assert camera.drift_per_day.total_seconds() == pytest.approx(90, abs=30)
    assert camera.note is not None and camera.note.endswith(
        f"{camera.photos} of {camera.photos} photos matched the track (pin it with "
        f"{camera.pin})")
    photos = tripexif.read([folder], tracks=[track], cache=False, jobs=1)
    near = sum(1 for p in photos if p.located and distance_km(
        p.lat, p.lon, truth[Path(p.path).name].lat, truth[Path(p.path).name].lon) < 0.3)
    assert near >= 0.95 * len(truth)
