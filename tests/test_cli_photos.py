"""Exact output of `tripexif photos` and `tripexif where` in every format."""

import json
from datetime import datetime

import pytest

import synth

KYOTO = synth.Exif(make="Apple", model="iPhone 15", datetime_original=datetime(2025, 4, 2, 9, 10),
                   offset_original="+09:00", lat=35.0037, lon=135.7788, alt=45.5)
NO_GPS = synth.Exif(make="Apple", model="iPhone 15", datetime_original=datetime(2025, 4, 2, 10, 0),
                    offset_original="+09:00")


@pytest.fixture
def trip(make_photo, tmp_path, monkeypatch):
    make_photo("kyoto.jpg", KYOTO)
    make_photo("nogps.heic", NO_GPS)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00")
    (tmp_path / "readme.txt").write_text("not a photo")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_photos_jsonl(run, trip):
    result = run("photos", "-f", "jsonl", "kyoto.jpg", "nogps.heic")
    assert result.exit_code == 0
    assert result.stdout == (
        '{"path": "kyoto.jpg", "lat": 35.0037, "lon": 135.7788, "alt": 45.5, '
        '"time_local": "2025-04-02T09:10:00+09:00", "time_utc": "2025-04-02T00:10:00Z", '
        '"timezone": "Asia/Tokyo", "time_source": "offset_tag", "camera": "Apple iPhone 15", '
        '"kind": "photo", "error": null, "time_flag": null, "gps_note": null, "skipped": null, '
        '"time_field": "exif", "gps_source": "exif", "gps_error_m": null, "place_note": null}\n'
        '{"path": "nogps.heic", "lat": null, "lon": null, "alt": null, '
        '"time_local": "2025-04-02T10:00:00+09:00", "time_utc": "2025-04-02T01:00:00Z", '
        '"timezone": null, "time_source": "offset_tag", "camera": "Apple iPhone 15", '
        '"kind": "photo", "error": null, "time_flag": null, "gps_note": null, "skipped": null, '
        '"time_field": "exif", "gps_source": null, "gps_error_m": null, '
        '"place_note": "no located photo within 30 min (the nearest is 50 min away)"}\n'
    )


def test_photos_csv_walks_the_folder_and_keeps_going_past_broken_files(run, trip):
    result = run("photos", "-f", "csv", ".")
    assert result.exit_code == 0
    assert result.stdout == (
        "path,lat,lon,alt,time_local,time_utc,timezone,time_source,camera,kind,error,"
        "time_flag,gps_note,skipped,time_field,gps_source,gps_error_m,place_note\n"
        "./broken.jpg,,,,,,,floating,,photo,file is truncated before its image data,,,,,,,\n"
        "./kyoto.jpg,35.0037,135.7788,45.5,2025-04-02T09:10:00+09:00,2025-04-02T00:10:00Z,"
        "Asia/Tokyo,offset_tag,Apple iPhone 15,photo,,,,,exif,exif,,\n"
        "./nogps.heic,,,,2025-04-02T10:00:00+09:00,2025-04-02T01:00:00Z,,offset_tag,"
        "Apple iPhone 15,photo,,,,,exif,,,no located photo within 30 min (the nearest is "
        "50 min away)\n"
    )


def test_photos_json_to_a_file_by_extension(run, trip):
    result = run("photos", "kyoto.jpg", "-o", "out.json")
    assert result.exit_code == 0 and result.stdout == ""
    records = json.loads((trip / "out.json").read_text())
    assert [r["path"] for r in records] == ["kyoto.jpg"]


def test_paths_from_stdin(run, trip):
    result = run("photos", "-f", "jsonl", "-0", "-", input=b"kyoto.jpg\0nogps.heic\0")
    assert [json.loads(line)["path"] for line in result.stdout.splitlines()] == [
        "kyoto.jpg", "nogps.heic"]


def test_photos_table(run, trip):
    result = run("photos", "kyoto.jpg", "nogps.heic")
    assert "Asia/Tokyo (+09:00)" in result.stdout
    assert "35.003700" in result.stdout
    assert result.stdout.rstrip().endswith("2 files, 1 with GPS, 0 unreadable")


def test_where_says_where_when_and_links_the_map(run, trip):
    result = run("where", "kyoto.jpg", "nogps.heic")
    assert result.exit_code == 0
    assert result.stdout == (
        "kyoto.jpg\n"
        "  position 35.003700, 135.778800, 46 m\n"
        "  taken    2025-04-02T09:10:00+09:00 (Asia/Tokyo; offset_tag)\n"
        "  place    Kyoto, Japan\n"
        "  map      https://www.openstreetmap.org/?mlat=35.003700&mlon=135.778800"
        "#map=16/35.003700/135.778800\n"
        "  camera   Apple iPhone 15\n"
        "nogps.heic\n"
        # the other photo given is 50 min away: too far to place it by
        "  position no GPS position in this file; not placed: no located photo within 30 min "
        "(the nearest is 50 min away)\n"
        "  taken    2025-04-02T10:00:00+09:00 (no zone known; offset_tag)\n"
        "  camera   Apple iPhone 15\n"
    )


def test_where_json(run, trip):
    result = run("where", "-f", "json", "kyoto.jpg", "--geocoder", "none")
    [record] = json.loads(result.stdout)
    assert record["place"] is None
    assert record["map_url"].startswith("https://www.openstreetmap.org/?mlat=35.003700")


def test_where_exits_1_when_nothing_could_be_read(run, trip):
    result = run("where", "broken.jpg")
    assert result.exit_code == 1
    assert "could not be read: file is truncated before its image data" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["photos", "--default-tz", "Mars/Olympus"],
     "Invalid value for '--default-tz': unknown time zone 'Mars/Olympus'"),
    (["scan", "--camera-tz", "X=Mars/Olympus"],
     "Invalid value for '--camera-tz': unknown time zone 'Mars/Olympus'"),
    (["photos", "--clock-offset", "X=+5h"], "Invalid value for '--clock-offset': not an offset"),
    (["photos", "--camera-tz", "Europe/Paris"],
     "Invalid value for '--camera-tz': wants CAMERA=ZONE"),
    (["photos", "-o", "out.xyz"], "cannot tell the format from 'out.xyz'"),
    (["where", "kyoto.jpg", "--geocoder", "bogus"],
     "Invalid value for '--geocoder': unknown geocoder 'bogus'; valid: offline, none"),
    (["scan", "--max-gap", "soon"], "Invalid value for '--max-gap': 'soon' is not a duration"),
    (["scan", "-f", "shp"], "Invalid value for '-f' / '--format': 'shp' is not one of table"),
    (["scan", "--geocoder", "nominatim", "--geocoder-option", "timeout=abc"],
     "Invalid value for '--geocoder-option': timeout wants a number of seconds above 0, "
     "got 'abc'"),
    (["scan", "--geocoder", "nominatim", "--geocoder-option", "min_delay=x"],
     "Invalid value for '--geocoder-option': min_delay wants a number of seconds, 0 or more"),
    (["scan", "--geocoder", "nominatim", "--geocoder-option", "retries=1.5"],
     "Invalid value for '--geocoder-option': retries wants a whole number, 0 or more, "
     "got '1.5'"),
    (["scan", "--geocoder", "nominatim", "--geocoder-option", "timeout=nan"],
     "Invalid value for '--geocoder-option': timeout wants a number of seconds above 0"),
    (["scan", "--geocoder-option", "novalue"],
     "Invalid value for '--geocoder-option': wants KEY=VALUE, got 'novalue'"),
])
def test_usage_mistakes_get_a_clear_message(run, trip, args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["scan", "photos", "where", "map"])
def test_a_path_that_does_not_exist_is_a_usage_error(run, trip, command, monkeypatch):
    from tripexif import api

    def no_work(*args, **kwargs):
        raise AssertionError("photos were read")

    monkeypatch.setattr(api, "load", no_work)
    result = run(command, "kyoto.jpg", "nosuch.jpg", "-o", "out.html" if command == "map"
                 else "out.json")
    assert result.exit_code == 2
    assert "'nosuch.jpg' does not exist" in result.stderr
    assert not (trip / "out.json").exists() and not (trip / "out.html").exists()


def test_nul_separated_paths_without_0_say_to_add_it(run, trip):
    result = run("scan", "-", input=b"kyoto.jpg\0broken.jpg\0")
    assert result.exit_code == 2
    assert "NUL-separated: add -0" in result.stderr
    assert "Traceback" not in result.output


def test_output_never_overwrites_an_input_photo(run, trip):
    before = (trip / "kyoto.jpg").read_bytes()
    result = run("photos", "kyoto.jpg", "-f", "json", "-o", "kyoto.jpg")
    assert result.exit_code == 2
    assert "is one of the input files" in result.stderr
    assert (trip / "kyoto.jpg").read_bytes() == before
