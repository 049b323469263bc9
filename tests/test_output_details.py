"""The smaller output changes of issue 16: CSV index/distance/trip/nearby columns, GPX
metadata and unique waypoint names, the table's distances, counts, nights and trips, the
`photos` table that never breaks a path, and --help with examples."""

import csv
import io
import re
from pathlib import Path

import gpxpy
import pytest

from tripexif.export import Options
from tripexif.export.csv_stops import to_csv
from tripexif.export.gpx import to_gpx
from tripexif.export.table import itinerary_table, photos_text, rendered
from tripexif.geocode.nearby import NearbyPlace
from tripexif.model import Itinerary, Photo, Trip

import built

GPX_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "gpx-1.1.xsd"


def with_nearby(itinerary):
    near = (NearbyPlace("Kiyomizu-dera", "place_of_worship", "see", 1200, "https://osm/1"),
            NearbyPlace("Café =1", "cafe", "eat", 80, "https://osm/2"))
    day = itinerary.days[0]
    stop = day.stops[0]._replace(nearby=near)
    days = (day._replace(stops=(stop, *day.stops[1:])), *itinerary.days[1:])
    return itinerary._replace(days=days)


def test_csv_index_is_one_sequence_with_distance_trip_nearby_stop_and_placed():
    rows = list(csv.DictReader(io.StringIO(to_csv(with_nearby(built.japan())))))
    assert [(r["day"], r["index"], r["kind"], r["stop"]) for r in rows] == [
        ("2025-04-02", "1", "stop", "1"), ("2025-04-02", "2", "stop", "2"),
        ("2025-04-02", "3", "waypoint", ""),
        ("2025-04-03", "1", "stop", "1"), ("2025-04-03", "2", "stop", "2")]
    assert len({(r["day"], r["index"]) for r in rows}) == len(rows)  # a key
    assert [r["distance_km"] for r in rows] == ["0.0", "4.108", "1.064", "36.267", "3.248"]
    assert {r["trip"] for r in rows} == {"2025-04-02"}
    assert rows[0]["nearby"] == ("Kiyomizu-dera (place of worship, 1,200 m); "
                                 "Café =1 (cafe, 80 m)")
    assert [r["placed"] for r in rows] == ["1", "0", "0", "0", "3"]
    # without trips from the trips stage, the one trip of all days names the rows
    rows = list(csv.DictReader(io.StringIO(to_csv(built.pacific()))))
    assert {r["trip"] for r in rows} == {"2025-06-01"}


def test_gpx_metadata_and_unique_waypoint_names():
    text = to_gpx(built.japan())
    gpx = gpxpy.parse(text)
    assert gpx.name == "Japan: Kyoto, Nara"
    assert gpx.time.isoformat() == "2025-04-03T04:55:00+00:00"  # the last photo's instant
    bounds = gpx.bounds
    assert (bounds.min_latitude, bounds.max_latitude) == (34.6851, 35.01)
    assert (bounds.min_longitude, bounds.max_longitude) == (135.77, 135.84)
    assert [w.name for w in gpx.waypoints] == [
        "Kyoto, Japan", "Gion, Kyoto, Japan",
        "Nara, Japan (stop 1)", "Nara, Japan (stop 2)"]
    assert "12 photos (3 placed)" in gpx.waypoints[3].description
    assert "<metadata>" in text
    assert gpxpy.parse(to_gpx(built.japan(), title="Kansai")).name == "Kansai"
    if GPX_SCHEMA.exists():
        import xmlschema

        xmlschema.XMLSchema(str(GPX_SCHEMA)).validate(text)


def table(itinerary, width=120):
    return rendered(itinerary_table, itinerary, Options(width=width))


def test_table_distances_counts_nights():
    text = table(built.japan())
    lines = text.splitlines()
    rows = [line for line in lines if re.match(r"^\s*[0-9·]\s", line)]
    assert "—" in rows[0] and all("—" not in r for r in rows[1:])  # only the trip's first
    assert rows[1].rstrip().endswith("4.1 km") and rows[2].rstrip().endswith("1.1 km")
    assert "12 (3 placed)" in rows[-1] and "3 (1 placed)" in rows[0]
    assert "Night: Gion, Kyoto, Japan" in text
    assert text.index("Night: Gion") < text.index("Thursday 3 April 2025")
    # a short leg in metres, not "0.0 km" nor "—"
    itinerary = built.japan()
    day = itinerary.days[0]
    near = day.stops[1]._replace(distance_km=0.014)
    short = itinerary._replace(days=(day._replace(stops=(day.stops[0], near)),))
    assert re.search(r"^2 .*Gion.* 14 m\s*$", table(short), re.M)


def test_table_thousands_and_sections_per_trip():
    pacific = built.pacific()
    fiji, samoa = pacific.days
    trips = (Trip("2025-06-01", "Fiji", (fiji._replace(trip="2025-06-01"),)),
             Trip("2025-06-02", "Samoa", (samoa._replace(trip="2025-06-02"),)))
    days = (fiji._replace(trip="2025-06-01"), samoa._replace(trip="2025-06-02"))
    text = table(Itinerary(days, trips=trips))
    assert text.index("Fiji\n") < text.index("Sunday 1 June") < text.index("Fiji: 2025-06-01")
    assert text.index("Samoa\n") < text.index("Monday 2 June") < text.index("Samoa: 2025-06-02")
    # Fiji's first stop and Samoa's first stop each start their trip
    assert sum(line.count("—") for line in text.splitlines() if line[:1].isdigit()) == 2
    assert "1,237.7 km" in pacific_table() and "Trip: 2025-06-01 to 2025-06-02" in text


def pacific_table():
    return table(built.pacific())


def test_photos_summary_counts_one_file():
    text = photos_text([Photo("a.jpg")], Options(width=120))
    assert text.splitlines()[-1] == "1 file, 0 with GPS, 0 unreadable"


LONG = "trips/2025 Japan spring/Kyoto day one (Fushimi Inari)/IMG_20250402_090512_HDR.jpg"


def test_photos_table_at_80_columns_never_breaks_a_path():
    photos = [Photo(LONG, lat=34.9671, lon=135.7727, camera="Apple iPhone 15"),
              Photo("short.jpg", error="file is truncated before its image data")]
    text = photos_text(photos, Options(width=80))
    lines = text.splitlines()
    assert LONG in lines and "short.jpg" in lines  # each path whole on its own line
    assert any("34.967100, 135.772700" in line and "Apple iPhone 15" in line for line in lines)
    assert any("error: file is truncated" in line for line in lines)
    # wide enough, it stays a table with the paths in its first column
    wide = photos_text(photos, Options(width=220)).splitlines()
    assert any(line.strip().startswith(LONG + " ") for line in wide)


def test_photos_piped_at_80_columns_greps(run, tmp_path, make_photo, monkeypatch):
    import synth

    folder = "a folder with a long name/and another one inside it/and a third for luck"
    make_photo(f"{folder}/IMG_0001.jpg",
               synth.Exif(datetime_original="2025:04:02 09:00:00", lat=35.0, lon=135.7))
    monkeypatch.setenv("COLUMNS", "80")
    result = run("photos", str(tmp_path), "--no-cache", "-q")
    assert result.exit_code == 0
    assert f"{tmp_path}/{folder}/IMG_0001.jpg" in result.stdout.splitlines()


@pytest.mark.parametrize("command", ["scan", "photos", "where", "map", "cache", "trips",
                                     "clocks", "geotag"])
def test_help_has_examples_defaults_and_metavars(run, command):
    text = " ".join(run(command, "--help").stdout.split())
    assert "PATHS" not in text  # one metavar for paths everywhere: [PATH]...
    assert "Examples:" in text and f"tripexif {command} " in text.split("Examples:")[1]
    assert "RANGE" not in text and "INTEGER" not in text and "FLOAT" not in text
    if command in ("scan", "map"):
        assert "[default: 200.0; x>=1]" in text and "[default: offline]" in text
