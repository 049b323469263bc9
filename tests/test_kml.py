"""KML and KMZ: valid against OGC KML 2.2, parsed back with lxml, a folder per trip and
per day, flights drawn across the date line, names inert, KMZ a zip with doc.kml first."""

import io
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from tripexif.export import Options
from tripexif.export.kml import to_kml, to_kmz
from tripexif.model import Place

import built
from trips import Shot, write

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "kml"
NS = {"k": "http://www.opengis.net/kml/2.2"}


def valid(text: str | bytes) -> etree._Element:
    """Parse the KML back; validate it against the OGC schema (lxml, and xmllint when
    installed) when ../shared/schemas is present."""
    data = text.encode() if isinstance(text, str) else text
    root = etree.fromstring(data)
    schema_file = SCHEMAS / "ogckml22.xsd"
    if schema_file.exists():
        schema = etree.XMLSchema(etree.parse(str(schema_file)))
        assert schema.validate(root), schema.error_log
        if shutil.which("xmllint"):
            done = subprocess.run(["xmllint", "--noout", "--schema", str(schema_file), "-"],
                                  input=data, capture_output=True)
            assert done.returncode == 0, done.stderr.decode()
    return root


def test_folders_per_trip_and_day_placemarks_and_times():
    root = valid(to_kml(built.japan()))
    trips = root.findall("k:Document/k:Folder", NS)
    assert [t.findtext("k:name", namespaces=NS) for t in trips] == ["Japan: Kyoto, Nara"]
    assert "1 night" in trips[0].findtext("k:description", namespaces=NS)
    days = trips[0].findall("k:Folder", NS)
    assert [d.findtext("k:name", namespaces=NS) for d in days] == [
        "Wednesday 2 April 2025", "Thursday 3 April 2025", "Travel between days"]
    hop = days[2].find("k:Placemark", NS)
    assert hop.findtext("k:styleUrl", namespaces=NS) == "#travel"  # the train to Nara
    assert hop.findtext("k:LineString/k:coordinates", namespaces=NS) == \
        "135.77,35.01 135.8048,34.6851"
    assert "Night: Gion, Kyoto, Japan" in days[0].findtext("k:description", namespaces=NS)
    marks = days[0].findall("k:Placemark", NS)
    points = [m for m in marks if m.find("k:Point", NS) is not None]
    assert [m.findtext("k:name", namespaces=NS) for m in points] == [
        "1. Kyoto, Japan", "2. Gion, Kyoto, Japan", "35.01000, 135.77000"]
    assert [m.findtext("k:styleUrl", namespaces=NS) for m in points] == [
        "#day-1", "#day-1", "#day-1-waypoint"]
    first = points[0]
    assert first.findtext("k:TimeSpan/k:begin", namespaces=NS) == "2025-04-02T00:00:00Z"
    assert first.findtext("k:TimeSpan/k:end", namespaces=NS) == "2025-04-02T00:10:00Z"
    description = first.findtext("k:description", namespaces=NS)
    assert "09:00–09:10 (Asia/Tokyo)" in description and "3 photos (1 placed)" in description
    assert '<a href="trip/p2025-04-02-1-0.jpg">' in description  # relative link
    line = [m for m in marks if m.find("k:LineString", NS) is not None]
    assert len(line) == 1
    coords = line[0].findtext("k:LineString/k:coordinates", namespaces=NS).split()
    assert coords[0] == "135.7727,34.9671" and len(coords) == 3
    # the waypoint's icon is smaller than a stop's
    styles = {s.get("id"): s for s in root.findall("k:Document/k:Style", NS)}
    assert float(styles["day-1-waypoint"].findtext("k:IconStyle/k:scale", namespaces=NS)) < \
        float(styles["day-1"].findtext("k:IconStyle/k:scale", namespaces=NS))
    assert styles["day-1"].findtext("k:IconStyle/k:color", namespaces=NS) != \
        styles["day-2"].findtext("k:IconStyle/k:color", namespaces=NS)


def test_travel_between_days_and_a_flight_across_the_date_line():
    root = valid(to_kml(built.pacific()))
    trip = root.find("k:Document/k:Folder", NS)
    assert trip.findtext("k:name", namespaces=NS) == "Fiji & Samoa: Nadi, Apia"
    travel = [f for f in trip.findall("k:Folder", NS)
              if f.findtext("k:name", namespaces=NS) == "Travel between days"]
    assert len(travel) == 1
    flight = travel[0].find("k:Placemark", NS)
    assert flight.findtext("k:styleUrl", namespaces=NS) == "#flight"
    coords = [tuple(map(float, c.split(",")))
              for c in flight.findtext("k:LineString/k:coordinates", namespaces=NS).split()]
    assert len(coords) > 8  # an arc, not a straight line
    assert all(-180 <= lon <= 180 for lon, _ in coords)
    assert coords[0][0] > 177 and coords[-1][0] < -171  # across the date line, eastwards
    jumps = [b - a for (a, _), (b, _) in zip(coords, coords[1:], strict=False)]
    assert sum(1 for jump in jumps if abs(jump) > 180) == 1


def test_names_are_text_and_descriptions_escape_html():
    hostile = '<img src=x onerror="alert(1)">\x1b[2J'
    itinerary = built.japan()
    day = itinerary.days[0]
    photos = (day.stops[0].photos[0]._replace(path=f"trip/{hostile}.jpg"),)
    stop = day.stops[0]._replace(place=Place(hostile, country="Japan"), photos=photos)
    day = day._replace(stops=(stop, *day.stops[1:]))
    text = to_kml(itinerary._replace(days=(day,), trips=()))
    root = valid(text)
    names = [n.text for n in root.iter(f"{{{NS['k']}}}name")]
    assert '1. <img src=x onerror="alert(1)">\\x1b[2J, Japan' in names
    assert "\x1b" not in text
    # the balloon's HTML shows the name as text: escaped once more inside the description
    description = root.find(".//k:Placemark/k:description", NS).text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;\\x1b[2J.jpg</a>" in description
    assert "<img src=x" not in description


def test_kmz_is_a_zip_with_doc_kml_first_and_its_thumbnails():
    thumbnail = b"\xff\xd8\xff\xe0 not a real jpeg"
    data = to_kmz(built.japan(), Options(thumbnail=lambda path: thumbnail))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names[0] == "doc.kml"
    # four thumbnails a stop at most: 3 + 3 + 2 + 4 (the waypoint has none)
    assert len(names[1:]) == 12 and all(n.startswith("files/thumb-") for n in names[1:])
    assert archive.read(names[1]) == thumbnail
    doc = archive.read("doc.kml").decode()
    root = valid(doc)
    shown = "".join(d.text for d in root.iter(f"{{{NS['k']}}}description"))
    assert all(f'<img src="{n}"' in shown for n in names[1:])
    # without --thumbnails, the KMZ is the KML alone
    assert zipfile.ZipFile(io.BytesIO(to_kmz(built.japan()))).namelist() == ["doc.kml"]


@pytest.fixture
def trip_folder(tmp_path):
    start = datetime(2025, 4, 2, 9, 0)
    shots = [Shot(f"d{d}s{s}p{i}.jpg", start + timedelta(days=d, hours=3 * s, minutes=i),
                  "Asia/Tokyo", 34.9671 + 0.03 * s - 0.3 * d, 135.7727 + 0.02 * d)
             for d in range(2) for s in range(2) for i in range(2)]
    return write(tmp_path / "photos" / "japan", shots)


def test_scan_writes_kml_and_kmz_by_extension(run, tmp_path, trip_folder):
    out = tmp_path / "trip.kml"
    result = run("scan", str(trip_folder), "-o", str(out), "--no-cache", "-q")
    assert result.exit_code == 0, result.stderr
    root = valid(out.read_bytes())
    days = root.findall("k:Document/k:Folder/k:Folder", NS)
    assert len([d for d in days if d.find("k:Placemark/k:Point", NS) is not None]) == 2
    # photo links are relative to the KML's folder
    assert 'href="photos/japan/d0s0p0.jpg"' in out.read_text()
    kmz = tmp_path / "trip.kmz"
    result = run("scan", str(trip_folder), "-o", str(kmz), "--no-cache", "-q")
    assert result.exit_code == 0, result.stderr
    assert zipfile.ZipFile(kmz).namelist() == ["doc.kml"]
    result = run("scan", str(trip_folder), "-f", "kml", "--title", "Spring in Kansai",
                 "--no-cache", "-q")
    assert "<name>Spring in Kansai</name>" in result.stdout


def test_kmz_thumbnails_from_exif(run, corpus, tmp_path):
    kmz = tmp_path / "trip.kmz"
    result = run("scan", str(corpus / "exif-samples" / "jpg" / "gps"), "-o", str(kmz),
                 "--thumbnails", "--no-cache", "-q")
    assert result.exit_code == 0, result.stderr
    archive = zipfile.ZipFile(kmz)
    thumbs = [n for n in archive.namelist() if n.startswith("files/")]
    assert archive.namelist()[0] == "doc.kml" and len(thumbs) >= 2
    assert all(archive.read(n)[:2] == b"\xff\xd8" for n in thumbs)


def test_kmz_goes_to_a_pipe_as_bytes_but_never_to_a_terminal(tmp_path, trip_folder):
    import os
    import sys

    command = [sys.executable, "-m", "tripexif", "scan", str(trip_folder), "-f", "kmz",
               "--no-cache", "-q"]
    piped = subprocess.run(command, capture_output=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert zipfile.ZipFile(io.BytesIO(piped.stdout)).namelist() == ["doc.kml"]
    leader, follower = os.openpty()  # standard output is a terminal
    try:
        done = subprocess.run(command, stdout=follower, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert b"kmz is a binary file: write it with -o trip.kmz" in done.stderr


def test_no_photos_is_still_a_valid_document():
    from tripexif.model import Itinerary

    root = valid(to_kml(Itinerary(())))
    assert root.findtext("k:Document/k:name", namespaces=NS) == "Trip"
    assert zipfile.ZipFile(io.BytesIO(to_kmz(Itinerary(())))).namelist() == ["doc.kml"]


def test_trip_ids_become_valid_xml_ids():
    itinerary = built.japan()
    trip = itinerary.trips[0]._replace(id="Japan 2025: spring")
    root = valid(to_kml(itinerary._replace(trips=(trip,))))
    assert root.find("k:Document/k:Folder", NS).get("id") == "trip-Japan-2025--spring"
