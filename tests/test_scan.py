"""`tripexif scan`: days, stops, names and every export format on generated trips."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import gpxpy
import pytest

from trips import Shot, write

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "gpx-1.1.xsd"
SUVA = (-18.1416, 178.4419)
APIA = (-13.8333, -171.7500)


def fiji_to_samoa(folder):
    shots = []
    start = datetime(2025, 6, 10, 9, 0)
    for i in range(3):
        shots.append(Shot(f"fj{i}.jpg", start + timedelta(minutes=10 * i), "Pacific/Fiji", *SUVA))
    later = datetime(2025, 6, 11, 16, 0)  # the next local day, in Samoa (UTC+13)
    for i in range(3):
        shots.append(Shot(f"ws{i}.jpg", later + timedelta(minutes=10 * i), "Pacific/Apia", *APIA,
                          device="plain"))
    return write(folder, shots)


def scan_json(run, *args):
    result = run("scan", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_trip_over_the_date_line(run, tmp_path):
    doc = scan_json(run, str(fiji_to_samoa(tmp_path / "t")))
    assert [(d["date"], d["timezone"]) for d in doc["days"]] == [
        ("2025-06-10", "Pacific/Fiji"), ("2025-06-11", "Pacific/Apia")]
    fiji, samoa = doc["days"][0]["stops"][0], doc["days"][1]["stops"][0]
    assert fiji["place"] == "Suva, Central, Fiji" and fiji["country_code"] == "FJ"
    assert samoa["place"] == "Moata‘a, Samoa"  # a village of Apia's
    assert samoa["arrival"] == "2025-06-11T16:00:00+13:00"
    # the leg is the short way across the date line, not round the world
    assert 1000 < samoa["distance_km"] < 1300


def test_geojson_routes_never_jump_across_the_map(run, tmp_path):
    folder = fiji_to_samoa(tmp_path / "t")
    # one day that crosses the date line: a Samoa stop the same local day after Fiji
    write(folder, [Shot("ws-same.jpg", datetime(2025, 6, 10, 23, 0), "Pacific/Apia", *APIA)])
    result = run("scan", "-f", "geojson", str(folder))
    doc = json.loads(result.stdout)
    assert doc["type"] == "FeatureCollection"
    routes = [f for f in doc["features"] if f["properties"]["kind"] == "route"]
    assert routes and any(r["geometry"]["type"] == "MultiLineString" for r in routes)
    for route in routes:
        geometry = route["geometry"]
        lines = geometry["coordinates"]
        if geometry["type"] == "LineString":
            lines = [lines]
        for line in lines:
            for (lon1, _), (lon2, _) in zip(line, line[1:], strict=False):
                assert abs(lon2 - lon1) < 180
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    assert {f["properties"]["kind"] for f in points} == {"stop", "waypoint"}
    assert all(len(f["geometry"]["coordinates"]) == 2 for f in points)


def test_photos_at_2350_and_0010_fall_on_different_days(run, tmp_path):
    pos = (41.9029, 12.4534)
    shots = [Shot("a.jpg", datetime(2025, 8, 1, 23, 40), "Europe/Rome", *pos),
             Shot("b.jpg", datetime(2025, 8, 1, 23, 50), "Europe/Rome", *pos),
             Shot("c.jpg", datetime(2025, 8, 2, 0, 10), "Europe/Rome", *pos),
             Shot("d.jpg", datetime(2025, 8, 2, 0, 20), "Europe/Rome", *pos)]
    doc = scan_json(run, str(write(tmp_path / "t", shots)))
    assert [(d["date"], len(d["stops"])) for d in doc["days"]] == [("2025-08-01", 1),
                                                                  ("2025-08-02", 1)]
    assert doc["days"][0]["stops"][0]["departure"] == "2025-08-01T23:50:00+02:00"
    assert doc["days"][1]["stops"][0]["arrival"] == "2025-08-02T00:10:00+02:00"


def _small_trip(folder):
    rome = (41.8902, 12.4922)
    return write(folder, [
        Shot("r1.jpg", datetime(2025, 8, 1, 10, 0), "Europe/Rome", *rome),
        Shot("r2.jpg", datetime(2025, 8, 1, 10, 30), "Europe/Rome", *rome),
        Shot("pass.jpg", datetime(2025, 8, 1, 15, 0), "Europe/Rome", 42.4207, 12.1077),
        Shot("nogps.jpg", datetime(2025, 8, 1, 16, 0), "Europe/Rome", None, None),
    ])


def test_scan_json_exact(run, tmp_path, monkeypatch):
    _small_trip(tmp_path / "t")
    (tmp_path / "t" / "bad.jpg").write_bytes(b"\xff\xd8\xff")
    monkeypatch.chdir(tmp_path)
    doc = scan_json(run, "t")
    assert doc == {
        "version": 1,
        "generator": doc["generator"],
        "summary": {"photos": 5, "shots": 4, "located": 3, "unlocated": 1, "errors": 1,
                    "skipped": 0, "days": 1, "stops": 1, "waypoints": 1, "distance_km": 66.965,
                    "start": "2025-08-01T10:00:00+02:00", "end": "2025-08-01T15:00:00+02:00"},
        "days": [{
            "date": "2025-08-01", "timezone": "Europe/Rome", "distance_km": 66.965,
            "stops": [{
                "day": "2025-08-01", "index": 1, "arrival": "2025-08-01T10:00:00+02:00",
                "departure": "2025-08-01T10:30:00+02:00", "timezone": "Europe/Rome",
                "lat": 41.8902, "lon": 12.4922, "photos": 2, "shots": 2,
                "place": "Campitelli, Rome, Lazio, Italy", "country_code": "IT",
                "label": "Campitelli, Rome", "district": "Campitelli",
                "admin2": "Roma", "local_name": "Roma",
                "place_kind": "in",
                "placed": 0, "files": ["t/r1.jpg", "t/r2.jpg"], "distance_km": 0.0}],
            "waypoints": [{
                "day": "2025-08-01", "time": "2025-08-01T15:00:00+02:00",
                "timezone": "Europe/Rome", "lat": 42.4207, "lon": 12.1077, "placed": 0,
                "place": "Viterbo, Lazio, Italy", "country_code": "IT",
                "label": "Viterbo", "district": None, "admin2": "Viterbo",
                "local_name": None, "place_kind": "in",
                "files": ["t/pass.jpg"], "distance_km": 66.965}],
            "trip": "2025-08-01", "night": None,
        }],
        "unlocated": [{"path": "t/nogps.jpg", "time_local": "2025-08-01T16:00:00+02:00",
                       "reason": "no GPS position in the file; not placed: no located "
                                 "photo within 30 min (the nearest is 1 h away)"}],
        "undated": [],
        "errors": [{"path": "t/bad.jpg", "error": "file is truncated before its image data"}],
        "skipped": [],
        "duplicates": [],
        "warnings": [],
        "home": None,  # no night anywhere: no home, the library is one trip
        "home_days": [],
        "trips": [{
            "id": "2025-08-01", "title": "Rome & Viterbo", "start": "2025-08-01",
            "end": "2025-08-01", "days": ["2025-08-01"], "nights": 0, "nights_by_place": [],
            "countries": ["Italy"], "stops": 1, "waypoints": 1, "photos": 3,
            "distance_km": 66.965, "distance_by_mode": {"ground": 66.965},
            "legs": [{
                "from": {"day": "2025-08-01", "kind": "stop", "index": 1,
                         "place": "Campitelli, Rome, Lazio, Italy", "lat": 41.8902,
                             "lon": 12.4922},
                "to": {"day": "2025-08-01", "kind": "waypoint", "index": 1,
                       "place": "Viterbo, Lazio, Italy", "lat": 42.4207, "lon": 12.1077},
                "distance_km": 66.965, "seconds": 16200, "speed_kmh": 14.9, "mode": "ground",
                "evidence": "14.9 km/h over 67.0 km", "path": None}],
        }],
    }


def test_gpx_parses_and_validates_against_the_schema(run, tmp_path):
    result = run("scan", "-f", "gpx", str(_small_trip(tmp_path / "t")))
    gpx = gpxpy.parse(result.stdout)
    assert [w.name for w in gpx.waypoints] == ["Campitelli, Rome, Lazio, Italy"]
    assert gpx.waypoints[0].description == "2025-08-01 10:00–10:30 Europe/Rome, 2 photos"
    assert gpx.waypoints[0].time.isoformat() == "2025-08-01T08:00:00+00:00"
    assert [t.name for t in gpx.tracks] == ["2025-08-01"]
    assert len(gpx.tracks[0].segments[0].points) == 3
    if not SCHEMA.exists():
        pytest.skip("../shared/schemas/gpx-1.1.xsd is not present")
    import xmlschema

    xmlschema.XMLSchema(str(SCHEMA)).validate(result.stdout)


def test_csv_rows(run, tmp_path):
    result = run("scan", "-f", "csv", str(_small_trip(tmp_path / "t")))
    lines = result.stdout.splitlines()
    assert lines[0] == ("day,index,kind,arrival,departure,timezone,lat,lon,photos,place,"
                        "country_code,distance_km,trip,nearby,stop,placed")
    assert lines[1] == ("2025-08-01,1,stop,2025-08-01T10:00:00+02:00,2025-08-01T10:30:00+02:00,"
                        "Europe/Rome,41.8902,12.4922,2,\"Campitelli, Rome, Lazio, Italy\",IT,"
                        "0.0,2025-08-01,,1,0")
    # one sequence for the day's stops and waypoints; a waypoint has no stop number
    assert lines[2].startswith("2025-08-01,2,waypoint,") and lines[2].endswith(",,0")


def test_table_has_a_section_per_day_and_the_summary(run, tmp_path):
    result = run("scan", str(_small_trip(tmp_path / "t")), "--geocoder", "none")
    out = result.stdout
    assert "Friday 1 August 2025  ·  Europe/Rome  ·  67.0 km" in out
    assert "10:00–10:30" in out and "(passing)" in out
    assert "Trip: 2025-08-01 · 1 day · 1 stop · 1 waypoint · 67.0 km" in out
    assert "Photos: 4 — 3 located, 1 without GPS, 0 unreadable" in out


def test_clustering_options(run, tmp_path):
    folder = _small_trip(tmp_path / "t")
    doc = scan_json(run, str(folder), "--min-stop-photos", "1")
    assert doc["summary"]["stops"] == 2 and doc["summary"]["waypoints"] == 0
    doc = scan_json(run, str(folder), "--max-gap", "20m")
    assert doc["summary"]["stops"] == 0 and doc["summary"]["waypoints"] == 3
    result = run("scan", str(folder), "--max-gap", "soon")
    assert result.exit_code == 2 and "not a duration" in result.stderr


def test_empty_folder_and_folder_without_gps(run, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("scan", str(tmp_path / "empty"))
    assert result.exit_code == 0 and "no photos found" in result.stderr
    folder = write(tmp_path / "nogps", [Shot("a.jpg", datetime(2025, 1, 1, 9), "UTC", None, None)])
    result = run("scan", str(folder))
    assert result.exit_code == 0
    assert "none of the 1 photos has a GPS position" in result.stderr
