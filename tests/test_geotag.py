"""``tripexif geotag`` (issue 13, section 5): the dry run, XMP sidecars written and merged,
ExifTool's -csv= import format applied by the installed exiftool; photos never written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

import tripexif
from tripexif.locate.xmp_sidecar import coordinate, merged
from tripexif.reading import xmp

from trips import Shot, write

ROME = (41.8902, 12.4922)
LIGHTROOM = """<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmp:Rating="4" crs:Exposure2012="+0.35">
   <dc:subject><rdf:Bag><rdf:li>holiday</rdf:li><rdf:li>Colosseum</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end='w'?>"""


@pytest.fixture
def day(tmp_path, monkeypatch):
    write(tmp_path / "p", [
        Shot("a.jpg", datetime(2025, 8, 1, 9, 0), "Europe/Rome", *ROME),
        Shot("b.jpg", datetime(2025, 8, 1, 9, 40), "Europe/Rome", *ROME),
        Shot("during.jpg", datetime(2025, 8, 1, 9, 20), "Europe/Rome", None, None),
        Shot("cam.jpg", datetime(2025, 8, 1, 9, 30), "Europe/Rome", None, None,
             device="camera", camera_zone="Europe/Berlin", gps_stamp=False),
        Shot("lost.jpg", datetime(2025, 8, 1, 15, 0), "Europe/Rome", None, None),
    ])
    (tmp_path / "p" / "during.xmp").write_text(LIGHTROOM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _photos_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.glob("*.jpg")}


PIN = ["--clock-offset", "FUJIFILM X-T5=-02:00"]


def test_the_dry_run_says_where_and_why_and_writes_nothing(run, day):
    before = _photos_state(day / "p")
    result = run("geotag", "p", "--no-cache", "-f", "json", *PIN)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["version"] == 1
    rows = {Path(r["path"]).name: r for r in doc["photos"]}
    assert sorted(rows) == ["cam.jpg", "during.jpg", "lost.jpg"]  # the GPS-less ones
    assert (rows["during.jpg"]["gps_source"], rows["during.jpg"]["why"]) == (
        "stop", "during the stop 09:00–09:40 of 2 located photos (±10 m)")
    assert rows["cam.jpg"]["clock_offset"] == "+02:00"
    assert rows["during.jpg"]["clock_offset"] is None  # its file tells its offset
    assert rows["lost.jpg"]["lat"] is None
    assert rows["lost.jpg"]["why"].startswith("no located photo within 30 min")
    assert sorted(p.name for p in (day / "p").iterdir() if p.suffix == ".xmp") == ["during.xmp"]
    assert _photos_state(day / "p") == before
    table = run("geotag", "p", "--no-cache", *PIN).stdout
    assert "3 photos without GPS: 2 placed, 1 not" in table


def test_write_xmp_creates_and_merges_sidecars_that_read_back(run, day):
    before = _photos_state(day / "p")
    result = run("geotag", "p", "--no-cache", "--write-xmp", "-f", "json", *PIN)
    assert result.exit_code == 0
    written = {Path(r["path"]).name: r["sidecar"] for r in json.loads(result.stdout)["photos"]}
    assert written == {"cam.jpg": "p/cam.jpg.xmp", "during.jpg": "p/during.xmp",
                       "lost.jpg": None}
    assert _photos_state(day / "p") == before  # photos are never opened for writing
    merged_text = (day / "p" / "during.xmp").read_text(encoding="utf-8")
    for kept in ('xmp:Rating="4"', 'crs:Exposure2012="+0.35"', "<rdf:li>Colosseum</rdf:li>"):
        assert kept in merged_text
    found = xmp.parse(merged_text.encode())
    assert (round(found.lat, 6), round(found.lon, 6)) == ROME
    assert found.times == ()  # its own time is in the photo: none written
    # reading again: the same positions, from the sidecars, and the same instants
    again = {Path(r["path"]).name: r for r in json.loads(
        run("photos", "p", "-f", "json", "--no-cache").stdout)}  # no --clock-offset now
    assert again["cam.jpg"]["gps_source"] == "sidecar"
    assert (again["cam.jpg"]["time_utc"], again["cam.jpg"]["time_source"]) == (
        "2025-08-01T07:30:00Z", "offset_tag")
    assert again["during.jpg"]["gps_source"] == "sidecar"
    assert again["lost.jpg"]["lat"] is None
    # a second run changes nothing: the photos now have positions of their own
    assert run("geotag", "p", "--no-cache", "--write-xmp", "-f", "json").exit_code == 0
    assert (day / "p" / "during.xmp").read_text(encoding="utf-8") == merged_text


def test_a_sidecar_that_is_not_xml_is_left_alone_and_the_rest_written(run, day):
    (day / "p" / "during.xmp").write_text("<x:xmpmeta><rdf:RDF>", encoding="utf-8")
    result = run("geotag", "p", "--no-cache", "--write-xmp", *PIN)
    assert result.exit_code == 0
    assert "warning: p/during.xmp: not well-formed XML" in result.stderr
    assert (day / "p" / "during.xmp").read_text() == "<x:xmpmeta><rdf:RDF>"
    assert (day / "p" / "cam.jpg.xmp").exists()


def test_merging_replaces_an_old_position_wherever_it_was():
    old = LIGHTROOM.replace('xmp:Rating="4"', 'xmp:Rating="4" exif:GPSLatitude="1,1N"').replace(
        "xmlns:xmp=", 'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp=').replace(
        "</dc:subject>", "</dc:subject><exif:GPSLongitude>1,1E</exif:GPSLongitude>")
    text = merged(old, -33.8568, 151.2153, "x.xmp", "2024-04-02T09:10:00+10:00")
    found = xmp.parse(text.encode())
    assert (round(found.lat, 7), round(found.lon, 7)) == (-33.8568, 151.2153)
    assert found.times[0].offset == "+10:00"
    assert text.count("GPSLatitude") == 1 and text.count("GPSLongitude") == 1
    assert coordinate(-33.8568, "NS") == "33,51.40800000S"


def test_exiftools_csv_import_applies_the_positions(run, day):
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed")
    result = run("geotag", "p", "--no-cache", "-f", "csv", "-o", "geotags.csv", *PIN)
    assert result.exit_code == 0
    text = (day / "geotags.csv").read_text()
    lines = text.splitlines()
    assert lines[0] == ("SourceFile,GPSLatitude,GPSLatitudeRef,GPSLongitude,GPSLongitudeRef,"
                        "OffsetTimeOriginal")
    assert sorted(lines[1:]) == [
        "p/cam.jpg,41.89020000,N,12.49220000,E,+02:00",
        "p/during.jpg,41.89020000,N,12.49220000,E,"]
    before = _photos_state(day / "p")
    (day / "p" / "during.xmp").unlink()  # the copy's photos alone, no sidecar to override
    shutil.copytree(day / "p", day / "copy")
    (day / "copy.csv").write_text(text.replace("p/", "copy/"))
    done = subprocess.run(["exiftool", "-q", "-q", "-overwrite_original", "-csv=copy.csv",
                           "copy"], capture_output=True, text=True, timeout=120, cwd=day,
                          env=dict(os.environ, LC_ALL="C"))
    assert done.returncode == 0, done.stderr
    assert _photos_state(day / "p") == before  # only the copy was written, by exiftool
    photos = {Path(p.path).name: p for p in tripexif.read([day / "copy"], cache=False, jobs=1,
                                                          placement=None)}
    for name in ("cam.jpg", "during.jpg"):
        assert (round(photos[name].lat, 6), round(photos[name].lon, 6)) == ROME
        assert photos[name].raw.gps_field == "exif"
    assert photos["cam.jpg"].time_source == "offset_tag"
    assert photos["cam.jpg"].time_utc.isoformat() == "2025-08-01T07:30:00+00:00"
    assert photos["lost.jpg"].lat is None


def test_the_library_geotags(day):
    tags = tripexif.geotag([day / "p"], cache=False, jobs=1)
    assert [(Path(t.photo.path).name, t.photo.gps_source) for t in tags] == [
        ("cam.jpg", None), ("during.jpg", "stop"), ("lost.jpg", None)]
    assert tags[0].why == "its camera's clock is unknown (no offset, zone or GPS time): give " \
                          "--clock-offset"
