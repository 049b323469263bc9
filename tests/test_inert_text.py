"""Terminal controls and bidi overrides in file, camera and place names never reach the
output raw: every format shows them as visible escapes (JSON keeps them, escaped)."""

import csv
import io
import json
import os
import re
from datetime import datetime, timedelta, timezone

import gpxpy
import pytest

import tripexif.geocode
from tripexif import export
from tripexif.export.textsafe import csv_cell, inert, json_text
from tripexif.model import Photo, Place

import synth

# what each evil piece of text must be shown as
EVIL = {
    "\x1b[2J": "\\x1b[2J",  # clear the screen
    "\x1b]8;;http://x\x07": "\\x1b]8;;http://x\\x07",  # an OSC 8 hyperlink
    "\x07": "\\x07",  # BEL
    "\x08": "\\x08",  # backspace
    "\x7f": "\\x7f",  # DEL
    "\x9b31m": "\\x9b31m",  # C1 CSI: ESC [ to many terminals
    "\u202egpj.exe": "\\u202egpj.exe",  # right-to-left override
    "\u2066x\u2069": "\\u2066x\\u2069",  # a left-to-right isolate
    "\u200f\u061c": "\\u200f\\u061c",  # right-to-left marks
}
# C0 but tab and newline, DEL, C1 and the bidi controls: never raw in any output
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PLACE = Place(name="Roma" + "".join(EVIL), admin1="Lazio\x9b", country="Italia\u202e",
              country_code="IT")
PLACE_SHOWN = "Roma" + "".join(EVIL.values()) + ", Lazio\\x9b, Italia\\u202e"
# a file name has no "/": the hyperlink in one goes to "http:x"
NAMES = [f"p{i}{bad}.jpg".replace("//", "") for i, bad in enumerate(EVIL)]
SHOWN = [f"p{i}{seen}.jpg".replace("//", "") for i, seen in enumerate(EVIL.values())]
CAMERA = "Evil\x1b[2J \x9bcam\u202e"  # as a library user's Photo may carry it
CAMERA_SHOWN = "Evil\\x1b[2J \\x9bcam\\u202e"


class EvilGeocoder:
    name = "evil"

    def reverse(self, lat, lon):
        return PLACE


@pytest.fixture
def evil(tmp_path, monkeypatch):
    """A folder of photos named with controls, one stop in Rome named by EvilGeocoder."""
    folder = tmp_path / "evil"
    folder.mkdir()
    start = datetime(2025, 8, 1, 10, 0)
    for i, name in enumerate(NAMES):
        local = start + timedelta(minutes=i)
        exif = synth.Exif(make="Apple", model="iPhone 15", datetime_original=local,
                          offset_original="+02:00", lat=41.89, lon=12.49,
                          gps_utc=local - timedelta(hours=2))
        (folder / name).write_bytes(synth.jpeg_bytes(exif, seed=i, size=(16, 16)))
    monkeypatch.setattr(tripexif.geocode, "get_geocoder", lambda *a, **k: EvilGeocoder())
    monkeypatch.chdir(folder)
    return folder


def assert_inert(text):
    found = RAW.search(text)
    assert found is None, f"raw {found.group()!r}: {text[found.start() - 40:][:80]!r}"


# --- the guard --------------------------------------------------------------------------------

def test_inert_shows_every_control_and_bidi_character_as_an_escape():
    for bad, seen in EVIL.items():
        assert inert(bad) == seen
    assert inert("a\tb\nc\rd") == "a\\tb\\nc\\rd"
    assert inert("a\tb\nc\rd", keep="\t\n") == "a\tb\nc\\rd"
    assert inert("京都 café — ok") == "京都 café — ok"
    assert inert("\x80\x9f\u202a\u202d\u2067\u2068\u200e") == (
        "\\x80\\x9f\\u202a\\u202d\\u2067\\u2068\\u200e")


def test_json_keeps_the_characters_escaped_and_other_text_raw():
    value = {"name": "".join(EVIL) + "京都"}
    text = json_text(value, indent=2)
    assert_inert(text)
    assert "\\u009b31m" in text and "\\u202egpj" in text and "\\u007f" in text
    assert "京都" in text
    assert json.loads(text) == value


def test_csv_cell_neutralises_formulas_then_controls():
    assert csv_cell("=1+1\x1b[2J") == "'=1+1\\x1b[2J"
    assert csv_cell("\u202e=x") == "\\u202e=x"
    assert csv_cell("two\nlines\ttab\r") == "two\nlines\ttab\\r"
    assert csv_cell(-2.5) == -2.5


# --- scan, photos and where, through the command line ------------------------------------------

def test_scan_table(run, evil):
    out = run("scan", "--no-cache", ".").stdout
    assert_inert(out)
    assert PLACE_SHOWN in out


def test_scan_csv(run, evil):
    text = run("scan", "-f", "csv", "--no-cache", ".").stdout
    assert_inert(text)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["place"] == PLACE_SHOWN


@pytest.mark.parametrize("fmt", ["json", "geojson"])
def test_scan_json_and_geojson(run, evil, fmt):
    text = run("scan", "-f", fmt, "--no-cache", ".").stdout
    assert_inert(text)
    doc = json.loads(text)
    stop = doc["days"][0]["stops"][0] if fmt == "json" else doc["features"][0]["properties"]
    assert stop["place"] == PLACE.display  # the data itself is kept
    assert sorted(os.path.basename(f) for f in stop["files"]) == sorted(NAMES)


def test_scan_gpx(run, evil):
    text = run("scan", "-f", "gpx", "--no-cache", ".").stdout
    assert_inert(text)
    gpx = gpxpy.parse(text)
    assert gpx.waypoints[0].name == PLACE_SHOWN
    assert sorted(p.name for p in gpx.tracks[0].segments[0].points) == sorted(SHOWN)


def test_scan_html_map(run, evil):
    page = run("scan", "-f", "html", "--no-cache", ".").stdout
    data = re.search(r'id="trip-data">(.*?)</script>', page, re.S).group(1)
    assert_inert(data)
    [point] = json.loads(data)["days"][0]["points"]
    assert point["place"] == PLACE_SHOWN  # shown as text by the page: visibly escaped
    assert sorted(f["name"] for f in point["files"]) == sorted(SHOWN)
    assert_inert(page)


def test_photos_table(run, evil):
    out = run("photos", "--no-cache", ".").stdout
    assert_inert(out)
    flat = out.replace("\n", "")  # long names are folded across lines
    assert all(name in flat or name[:20] in flat for name in SHOWN)
    assert "\\u202egpj.exe" in flat and "\\x1b]8;;http:x\\x07" in flat


def test_photos_csv(run, evil):
    text = run("photos", "-f", "csv", "--no-cache", ".").stdout
    assert_inert(text)
    paths = [row["path"] for row in csv.DictReader(io.StringIO(text))]
    assert sorted(paths) == sorted("./" + name for name in SHOWN)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_photos_json_and_jsonl(run, evil, fmt):
    text = run("photos", "-f", fmt, "--no-cache", ".").stdout
    assert_inert(text)
    records = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
    assert sorted(r["path"] for r in records) == sorted("./" + name for name in NAMES)


def test_where_text_and_json(run, evil):
    out = run("where", "--no-cache", *NAMES).stdout
    assert_inert(out)
    assert all(name in out for name in SHOWN) and PLACE_SHOWN in out
    text = run("where", "-f", "json", "--no-cache", *NAMES).stdout
    assert_inert(text)
    assert [r["place"] for r in json.loads(text)] == [PLACE.display] * len(NAMES)


def test_warnings_show_controls_as_escapes(run, tmp_path):
    # an unreadable file is named in a warning on stderr
    bad = "bad\x1b]8;;http:x\x07\x9b31m\u202e.jpg"
    (tmp_path / bad).write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*")
    result = run("scan", "--no-cache", str(tmp_path))
    assert "bad\\x1b]8;;http:x\\x07\\x9b31m\\u202e.jpg: " in result.stderr
    assert_inert(result.stderr)


# --- camera names (EXIF readers strip controls; a library user's records may not) ---------------

def test_camera_names_in_every_photos_format():
    local = datetime(2025, 8, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    photos = [Photo("a.jpg", lat=41.89, lon=12.49, camera=CAMERA, time_local=local,
                    time_utc=local.astimezone(timezone.utc), timezone="Europe/Rome",
                    time_source="offset_tag")]
    for fmt in ("table", "json", "jsonl", "csv"):
        text = export.get("photos", fmt).render(photos, export.Options(width=200))
        assert_inert(text)
        if fmt in ("table", "csv"):
            assert CAMERA_SHOWN in text, fmt
