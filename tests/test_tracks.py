"""Track logs (issue 13): every format read by content and round-tripped, bad files named with
their line while the rest goes on, and the merged track's interpolation."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import gpxpy
import gpxpy.gpx
import numpy as np
import pytest

from tripexif.locate import PlacementSettings
from tripexif.locate.track import GAP, JUMP, NO_FIX, PLACED, Track, track_how
from tripexif.locate.tracks import TrackError, read_track, read_tracks

CORPUS_TRACKS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tracks" / "gpxpy"
T0 = datetime(2024, 4, 2, 0, 10, tzinfo=timezone.utc)
# (seconds after T0, lat, lon): a walk in Kyoto, and one fix south of the equator, west
FIXES = [(0, 35.0037, 135.7788), (30, 35.00395, 135.77911), (95, 35.0042, 135.7795),
         (3600, -33.8568, -151.2153)]


def _iso(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _expected() -> list[tuple[float, float, float]]:
    return [(T0.timestamp() + s, lat, lon) for s, lat, lon in FIXES]


def _same(found: list[tuple[float, float, float]], places: int = 6) -> None:
    want = _expected()
    assert len(found) == len(want)
    for got, expected in zip(sorted(found), want, strict=True):
        assert got[0] == pytest.approx(expected[0], abs=0.01)
        assert got[1] == pytest.approx(expected[1], abs=10 ** -places)
        assert got[2] == pytest.approx(expected[2], abs=10 ** -places)


def _gpx() -> str:
    document = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack()
    segment = gpxpy.gpx.GPXTrackSegment()
    document.tracks.append(track)
    track.segments.append(segment)
    for seconds, lat, lon in FIXES[:3]:
        segment.points.append(gpxpy.gpx.GPXTrackPoint(lat, lon,
                                                      time=T0 + timedelta(seconds=seconds)))
    seconds, lat, lon = FIXES[3]
    document.waypoints.append(gpxpy.gpx.GPXWaypoint(lat, lon,
                                                    time=T0 + timedelta(seconds=seconds)))
    document.waypoints.append(gpxpy.gpx.GPXWaypoint(1.0, 1.0))  # no time: passed over
    return document.to_xml()


def _kml() -> str:
    whens = "".join(f"<when>{_iso(s)}</when>" for s, _, _ in FIXES[:3])
    coords = "".join(f"<gx:coord>{lon} {lat} 40</gx:coord>" for _, lat, lon in FIXES[:3])
    seconds, lat, lon = FIXES[3]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<kml xmlns="http://www.opengis.net/kml/2.2" '
            'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>\n'
            f"<Placemark><gx:Track>{whens}{coords}</gx:Track></Placemark>\n"
            f"<Placemark><TimeStamp><when>{_iso(seconds)}</when></TimeStamp>"
            f"<Point><coordinates>{lon},{lat},0</coordinates></Point></Placemark>\n"
            "<Placemark><Point><coordinates>1,1</coordinates></Point></Placemark>\n"
            "</Document></kml>\n")


def _geojson() -> str:
    line = {"type": "Feature", "properties": {"coordTimes": [_iso(s) for s, _, _ in FIXES[:3]]},
            "geometry": {"type": "LineString",
                         "coordinates": [[lon, lat] for _, lat, lon in FIXES[:3]]}}
    seconds, lat, lon = FIXES[3]
    point = {"type": "Feature", "properties": {"time": int(T0.timestamp() + seconds) * 1000},
             "geometry": {"type": "Point", "coordinates": [lon, lat]}}
    return json.dumps({"type": "FeatureCollection", "features": [line, point]})


def _nmea_sentence(body: str) -> str:
    checksum = 0
    for char in body:
        checksum ^= ord(char)
    return f"${body}*{checksum:02X}"


def _nmea_angle(value: float, refs: str, width: int) -> tuple[str, str]:
    degrees = int(abs(value))
    minutes = (abs(value) - degrees) * 60
    return f"{degrees:0{width}d}{minutes:09.6f}", refs[0] if value >= 0 else refs[1]


def _nmea() -> str:
    lines = []
    for i, (seconds, lat, lon) in enumerate(FIXES):
        moment = T0 + timedelta(seconds=seconds)
        clock = moment.strftime("%H%M%S.00")
        la, ns = _nmea_angle(lat, "NS", 2)
        lo, ew = _nmea_angle(lon, "EW", 3)
        if i == 1:  # a GGA: its day comes from the RMC before it
            lines.append(_nmea_sentence(f"GPGGA,{clock},{la},{ns},{lo},{ew},1,08,0.9,40.0,M,,M,,"))
        else:
            lines.append(_nmea_sentence(
                f"GNRMC,{clock},A,{la},{ns},{lo},{ew},0.5,54.7,{moment:%d%m%y},,,A"))
        lines.append(_nmea_sentence("GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1"))
    lines.append(_nmea_sentence("GPRMC,235959.00,V,,,,,,,020424,,,N"))  # void: no fix
    return "\r\n".join(lines) + "\r\n"


def _records() -> str:
    rows = []
    for i, (seconds, lat, lon) in enumerate(FIXES):
        row = {"latitudeE7": round(lat * 1e7), "longitudeE7": round(lon * 1e7)}
        if i % 2:
            row["timestampMs"] = str(int((T0.timestamp() + seconds) * 1000))
        else:
            row["timestamp"] = (T0 + timedelta(seconds=seconds)).isoformat().replace(
                "+00:00", ".000Z")
        rows.append(row)
    return json.dumps({"locations": rows}, indent=2)


def _timeline() -> str:
    path = [{"point": f"{lat}°, {lon}°", "time": (T0 + timedelta(seconds=s)).isoformat()}
            for s, lat, lon in FIXES[:3]]
    seconds, lat, lon = FIXES[3]
    visit_start = (T0 + timedelta(seconds=seconds)).astimezone(timezone(timedelta(hours=10)))
    return json.dumps({"semanticSegments": [
        {"startTime": _iso(0), "endTime": _iso(95), "timelinePath": path},
        {"startTime": visit_start.isoformat(), "endTime": visit_start.isoformat(),
         "visit": {"topCandidate": {"placeLocation": {"latLng": f"{lat}°, {lon}°"}}}},
    ]})


def _csv(separator: str = ",") -> str:
    rows = [separator.join(("time", "Latitude", "Longitude", "ele"))]
    for seconds, lat, lon in FIXES:
        rows.append(separator.join((_iso(seconds), str(lat), str(lon), "12")))
    return "\n".join(rows) + "\n"


def _csv_epoch_and_date_columns() -> str:
    rows = ["date;time;lat;lng"]
    for seconds, lat, lon in FIXES:
        moment = T0 + timedelta(seconds=seconds)
        rows.append(f"{moment:%Y-%m-%d};{moment:%H:%M:%S};{lat};{lon}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(("name", "make", "kind"), [
    ("walk.dat", _gpx, "GPX"),
    ("walk.xml", _kml, "KML"),
    ("walk.json", _geojson, "GeoJSON"),
    ("walk.txt", _nmea, "NMEA"),
    ("Records.json", _records, "Google location history"),
    ("timeline.json", _timeline, "Google location history"),
    ("walk.log", _csv, "CSV"),
    ("walk.tsv", lambda: _csv("\t"), "CSV"),
    ("walk.csv", _csv_epoch_and_date_columns, "CSV"),
])
def test_every_format_round_trips_and_is_told_by_content(tmp_path, name, make, kind):
    path = tmp_path / name  # extensions that say nothing, or the wrong thing
    path.write_text(make(), encoding="utf-8")
    found = read_track(str(path))
    assert found.kind == kind
    _same(found.fixes, places=5 if kind == "NMEA" else 6)


def test_kmz_is_the_zipped_kml(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("files/readme.txt", "not the document")
        archive.writestr("doc.kml", _kml())
    (tmp_path / "walk.kmz").write_bytes(buffer.getvalue())
    found = read_track(str(tmp_path / "walk.kmz"))
    assert found.kind == "KMZ"
    _same(found.fixes)


def test_the_ios_timeline_export_counts_minutes_from_the_segment_start(tmp_path):
    (tmp_path / "ios.json").write_text(json.dumps([
        {"startTime": "2024-04-02T09:10:00.000+09:00", "endTime": "2024-04-02T09:40:00.000+09:00",
         "timelinePath": [{"point": "geo:35.0037,135.7788",
                           "durationMinutesOffsetFromStartTime": "0"},
                          {"point": "geo:35.01,135.78",
                           "durationMinutesOffsetFromStartTime": "30"}]}]))
    found = read_track(str(tmp_path / "ios.json")).fixes
    assert found == [(T0.timestamp(), 35.0037, 135.7788),
                     (T0.timestamp() + 1800, 35.01, 135.78)]


def test_geojson_multilinestring_with_a_time_list_per_line(tmp_path):
    (tmp_path / "m.geojson").write_text(json.dumps({
        "type": "Feature",
        "properties": {"coordTimes": [[_iso(0), _iso(30)], [_iso(95)]]},
        "geometry": {"type": "MultiLineString", "coordinates": [
            [[135.7788, 35.0037], [135.77911, 35.00395]], [[135.7795, 35.0042]]]}}))
    found = read_track(str(tmp_path / "m.geojson")).fixes
    assert [f[0] - T0.timestamp() for f in found] == [0, 30, 95]


def test_a_broken_xml_track_is_named_with_its_line(tmp_path):
    (tmp_path / "broken.gpx").write_text(
        '<?xml version="1.0"?>\n<gpx version="1.1">\n<trk><trkseg>\n'
        '<trkpt lat="1" lon="2"><time>2024-04-02T00:10:00Z</time></trkpt>\n'
        '<trkpt lat="1" lon=2></trkpt>\n</trkseg></trk></gpx>\n')
    with pytest.raises(TrackError, match=r"broken\.gpx line 5: not well-formed XML"):
        read_track(str(tmp_path / "broken.gpx"))
    (tmp_path / "broken.kml").write_text(_kml().replace("</Document>", "</Documen>"))
    with pytest.raises(TrackError, match=r"broken\.kml line 6: not well-formed XML"):
        read_track(str(tmp_path / "broken.kml"))


def test_bad_records_are_passed_over_with_the_first_line_and_a_count(tmp_path):
    lines = _nmea().splitlines()
    lines[2] = lines[2][:-2] + ("00" if lines[2][-2:] != "00" else "11")  # checksum
    lines.insert(3, "$GPRMC,001040.00,A,35")  # cut off
    (tmp_path / "noisy.nmea").write_text("\n".join(lines) + "\n")
    found = read_track(str(tmp_path / "noisy.nmea"))
    assert len(found.fixes) == 3  # the fix whose sentence was damaged is gone, not invented
    assert found.warnings == [f"{tmp_path / 'noisy.nmea'} line 3: checksum "
                              f"{lines[2][-2:]} does not match the sentence "
                              f"({lines[2].split('*')[1] and _checksum(lines[2])}); passed "
                              "over (and 1 more record like it)"]
    csv_text = _csv().splitlines()
    csv_text[2] = csv_text[2].replace("35.", "north ", 1)
    (tmp_path / "rows.csv").write_text("\n".join(csv_text) + "\n")
    found = read_track(str(tmp_path / "rows.csv"))
    assert len(found.fixes) == 3
    assert found.warnings[0].startswith(f"{tmp_path / 'rows.csv'} line 3: unreadable row")


def _checksum(line: str) -> str:
    body = line[1:].split("*")[0]
    value = 0
    for char in body:
        value ^= ord(char)
    return f"{value:02X}"


def test_unreadable_tracks_warn_and_the_others_are_read(tmp_path):
    (tmp_path / "a.gpx").write_text(_gpx())
    (tmp_path / "b.json").write_text('{"type": "FeatureCollection",\n "features": [,]}')
    (tmp_path / "c.txt").write_text("just some notes\n")
    (tmp_path / "d.gpx").write_text('<gpx version="1.1"></gpx>')
    files, warnings = read_tracks([str(tmp_path / n) for n in ("a.gpx", "b.json", "c.txt",
                                                               "d.gpx")])
    assert [Path(f.path).name for f in files] == ["a.gpx"]
    assert warnings == [
        f"{tmp_path / 'a.gpx'}: 1 point without a time; passed over",
        f"{tmp_path / 'b.json'} line 2: not valid JSON (Expecting value)",
        f"{tmp_path / 'c.txt'}: not a track log (GPX, KML/KMZ, GeoJSON, NMEA 0183, Google "
        "Takeout location history, CSV)",
        f"{tmp_path / 'd.gpx'}: no position with a time in this GPX file",
    ]


def test_a_folder_takes_every_track_in_it_and_passes_over_other_files(tmp_path):
    (tmp_path / "logs" / "day2").mkdir(parents=True)
    (tmp_path / "logs" / "day1.gpx").write_text(_gpx())
    (tmp_path / "logs" / "day2" / "log.nmea").write_text(_nmea())
    (tmp_path / "logs" / "notes.txt").write_text("packing list\n")
    files, warnings = read_tracks([str(tmp_path / "logs")])
    assert sorted(f.kind for f in files) == ["GPX", "NMEA"]
    assert warnings == ["%s: 1 point without a time; passed over" % (tmp_path / "logs" /
                                                                    "day1.gpx")]


def test_a_dtd_is_refused(tmp_path):
    (tmp_path / "x.gpx").write_text('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "b">]>'
                                    '<gpx version="1.1"></gpx>')
    with pytest.raises(TrackError, match="DTD"):
        read_track(str(tmp_path / "x.gpx"))


def test_real_gpx_files_from_gpxpy(tmp_path):
    if not CORPUS_TRACKS.is_dir():
        pytest.skip("../shared/corpus/tracks is not present")
    read_some = 0
    for path in sorted(CORPUS_TRACKS.glob("*.gpx")):
        document = gpxpy.parse(path.read_text(encoding="utf-8-sig"))
        points = [p for t in document.tracks for s in t.segments for p in s.points]
        points += [p for r in document.routes for p in r.points] + list(document.waypoints)
        timed = [p for p in points if p.time is not None]
        try:
            found = read_track(str(path))
        except TrackError as exc:
            assert not timed, exc
            assert "no position with a time" in str(exc)
            continue
        assert len(found.fixes) == len(timed)
        read_some += 1
    assert read_some >= 3


# --- the merged track -------------------------------------------------------------------

DEFAULTS = PlacementSettings()


def _locate(track: Track, *seconds: float, settings: PlacementSettings = DEFAULTS):
    return track.locate(np.array(seconds, dtype=float), settings)


def test_interpolation_is_on_the_great_circle_and_its_error_honest():
    track = Track.of([(0, 0.0, 0.0), (600, 0.0, 0.1)])  # 11.1 km in 10 min: a fast train
    found = _locate(track, 300, 0, 150)
    assert list(found.why) == [PLACED] * 3
    assert found.lat[0] == pytest.approx(0.0, abs=1e-9)
    assert found.lon[0] == pytest.approx(0.05, abs=1e-9)
    assert found.error_m[0] == pytest.approx(5559.7, rel=1e-3)  # half the way: ± half of it
    assert found.error_m[1] == 10.0  # at a fix: the fix's own error
    assert found.lon[2] == pytest.approx(0.025, abs=1e-9)
    # across the antimeridian: the short way round
    east_west = Track.of([(0, 10.0, 179.99), (60, 10.0, -179.99)])
    found = _locate(east_west, 30)
    assert abs(found.lon[0]) == pytest.approx(180.0, abs=1e-6)


def test_no_interpolation_across_a_gap_or_a_flight_and_short_extrapolation():
    track = Track.of([(0, 48.85, 2.35), (600, 48.86, 2.35),  # Paris
                      (600 + 3600, 48.87, 2.35),  # an hour's gap
                      (6000, 48.87, 2.35), (7200, 41.90, 12.49)])  # Rome 20 min later: a jump
    found = _locate(track, 2000, 6600, 600 + 200, 7200 + 299, 7200 + 301, -100, -400)
    assert list(found.why) == [GAP, JUMP, PLACED, PLACED, NO_FIX, PLACED, NO_FIX]
    assert found.lat[2] == pytest.approx(48.86)  # 200 s after a fix beside a gap: that fix
    assert found.error_m[2] == pytest.approx(10 + 200 * 1.5)
    assert found.lat[3] == pytest.approx(41.90)  # within 5 min after the last fix
    assert [track_how(found, i) for i in (2, 3, 5)] == [
        "the track's fix 3 min before", "the track's fix 4 min before",
        "the track's fix 1 min after"]  # (200 s, 299 s, 100 s: whole minutes)
    assert found.span_km[1] == pytest.approx(1107, rel=0.01)
    wider = PlacementSettings(max_interpolation=timedelta(hours=2))
    assert _locate(track, 2000, settings=wider).why[0] == PLACED


def test_fixes_out_of_order_and_from_several_files_are_merged():
    track = Track.merged([[(600, 0.01, 0.0), (0, 0.0, 0.0)], [(300, 0.005, 0.0)]])
    assert list(track.times) == [0, 300, 600]
    assert _locate(track, 450).lat[0] == pytest.approx(0.0075, abs=1e-9)


def test_the_cli_names_a_bad_track_and_still_scans(run, tmp_path, monkeypatch):
    from trips import Shot, write

    write(tmp_path / "p", [Shot("a.jpg", datetime(2024, 4, 2, 9, 10), "Asia/Tokyo", 35.0, 135.7)])
    (tmp_path / "bad.gpx").write_text('<gpx version="1.1">\n<trk>\n<trkpt lat="1" lon=>\n')
    monkeypatch.chdir(tmp_path)
    result = run("scan", "p", "--track", "bad.gpx", "--track", "p", "-f", "json", "--geocoder",
                 "none", "--no-cache")
    assert result.exit_code == 0
    assert "warning: bad.gpx line 3: not well-formed XML" in result.stderr
    assert json.loads(result.stdout)["summary"]["located"] == 1
    missing = run("scan", "p", "--track", "nowhere.gpx")
    assert missing.exit_code == 2 and "nowhere.gpx" in missing.stderr


def test_where_places_a_photo_by_a_track_and_says_so(run, tmp_path, monkeypatch):
    """`where` answers for a photo without GPS from --track: the interpolated position,
    how it was placed and its error; without a track it says it has none, and with a
    track that does not cover its moment it says why it was not placed."""
    from trips import Shot, write

    write(tmp_path / "p", [Shot("a.jpg", datetime(2024, 4, 2, 9, 10), "Asia/Tokyo", None, None)])
    (tmp_path / "day.gpx").write_text(
        '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        '<trkpt lat="35.0" lon="135.7"><time>2024-04-02T00:05:00Z</time></trkpt>'
        '<trkpt lat="35.01" lon="135.7"><time>2024-04-02T00:15:00Z</time></trkpt>'
        '</trkseg></trk></gpx>')
    (tmp_path / "other.gpx").write_text(
        '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        '<trkpt lat="35.0" lon="135.7"><time>2024-04-03T00:05:00Z</time></trkpt>'
        '<trkpt lat="35.01" lon="135.7"><time>2024-04-03T00:15:00Z</time></trkpt>'
        '</trkseg></trk></gpx>')
    monkeypatch.chdir(tmp_path)
    args = ("where", "p/a.jpg", "-f", "json", "--geocoder", "none", "--no-cache")
    [placed] = json.loads(run(*args, "--track", "day.gpx").stdout)
    assert placed["lat"] == pytest.approx(35.005, abs=1e-4) and placed["gps_source"] == "track"
    assert placed["answer"].startswith("placed by the track, ±")
    assert placed["map_url"] is not None
    [bare] = json.loads(run(*args).stdout)
    assert bare["lat"] is None and bare["answer"].startswith("no GPS position in this file")
    [missed] = json.loads(run(*args, "--track", "other.gpx").stdout)
    assert missed["lat"] is None and "; not placed: " in missed["answer"]
