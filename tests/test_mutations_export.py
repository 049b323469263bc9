"""Exports and the CLI at their edges: where a route crosses the antimeridian, formulas in
CSV cells from relative file names, markup that could close the map's <script>, progress on
stderr, and the cap on warnings about unreadable files."""

import csv
import io
import json
import re
from datetime import datetime, timedelta

import pytest

from tripexif.api import load
from tripexif.clock.times import TimeSettings
from tripexif.export.geojson import split_antimeridian
from tripexif.export.html_map import to_html
from tripexif.model import Place
from tripexif.trip.itinerary import ClusterSettings, build

from trips import Shot, write

ROME = (41.89, 12.49)
AUG1 = datetime(2025, 8, 1, 10, 0)


# --- the antimeridian ----------------------------------------------------------------------

def test_eastward_crossing_at_the_interpolated_latitude():
    # from (179, 10) to (-179, 20): 2° of longitude, crossed half way, at latitude 15
    assert split_antimeridian([(179.0, 10.0), (-179.0, 20.0)]) == [
        [[179.0, 10.0], [180.0, 15.0]],
        [[-180.0, 15.0], [-179.0, 20.0]],
    ]


def test_westward_crossing_at_the_interpolated_latitude():
    # the same leg the other way: from (-179, 20) to (179, 10), still at latitude 15
    assert split_antimeridian([(-179.0, 20.0), (179.0, 10.0)]) == [
        [[-179.0, 20.0], [-180.0, 15.0]],
        [[180.0, 15.0], [179.0, 10.0]],
    ]


@pytest.mark.parametrize("start, end, crossing", [
    # from 178° east to 179° west is 3° of longitude, of which 2° before the line:
    # 2/3 of the way from latitude 0 to 30 is 20
    ((178.0, 0.0), (-179.0, 30.0), 20.0),
    ((-179.0, 30.0), (178.0, 0.0), 20.0),
    # south, one degree west of the line to three degrees east: 1/4 of the way from -40 to -20
    ((179.0, -40.0), (-177.0, -20.0), -35.0),
    ((-177.0, -20.0), (179.0, -40.0), -35.0),
])
def test_crossing_latitude_off_the_midpoint(start, end, crossing):
    first, second = split_antimeridian([start, end])
    assert first[0] == list(start) and second[-1] == list(end)
    assert abs(first[-1][0]) == 180.0 and second[0][0] == -first[-1][0]
    assert first[-1][1] == pytest.approx(crossing)
    assert second[0][1] == pytest.approx(crossing)


# --- CSV formulas from relative file names ---------------------------------------------------

FORMULA_NAMES = ["=cmd.jpg", "+sum.jpg", "-neg.jpg", "@at.jpg"]


@pytest.fixture
def formula_folder(tmp_path, monkeypatch):
    """Photos named like spreadsheet formulas, and the working folder inside their folder."""
    shots = [Shot(name, AUG1 + timedelta(minutes=i), "Europe/Rome", *ROME)
             for i, name in enumerate(FORMULA_NAMES)]
    folder = write(tmp_path / "f", shots)
    monkeypatch.chdir(folder)
    return folder


def test_photos_csv_neutralises_relative_file_names(run, formula_folder):
    # given as relative names (after "--", so "-neg.jpg" is not an option) the path cells
    # start with = + - @: each must be prefixed with '
    result = run("photos", "-f", "csv", "--no-cache", "--", *FORMULA_NAMES)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["path"] for row in rows] == ["'" + name for name in FORMULA_NAMES]


def test_photos_csv_neutralises_relative_file_names_read_from_stdin(run, formula_folder):
    result = run("photos", "-f", "csv", "--no-cache", "-", input="\n".join(FORMULA_NAMES) + "\n")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(row["path"] for row in rows) == sorted("'" + n for n in FORMULA_NAMES)


class FormulaGeocoder:
    """Names each stop after the formula character of its photos' latitude."""

    name = "formula"

    def reverse(self, lat, lon):
        prefix = FORMULA_NAMES[round((lat - ROME[0]) * 100)][0]
        return Place(name=f"{prefix}1+1", country="Italy", country_code="IT")


def test_scan_csv_neutralises_place_names(run, tmp_path, monkeypatch):
    # the stop CSV has no file names: what a user's data puts in it is the place name. Four
    # stops 0.01° (1.1 km) apart, 3 hours apart, whose places are named "=1+1", "+1+1",
    # "-1+1", "@1+1" by a geocoder planted in the registry
    shots = [Shot(f"s{stop}-{i}.jpg", AUG1 + timedelta(hours=3 * stop, minutes=i),
                  "Europe/Rome", ROME[0] + stop / 100, ROME[1])
             for stop in range(4) for i in range(2)]
    folder = write(tmp_path / "f", shots)
    monkeypatch.chdir(folder)
    import tripexif.geocode

    monkeypatch.setattr(tripexif.geocode, "get_geocoder", lambda *a, **k: FormulaGeocoder())
    result = run("scan", "-f", "csv", "--no-cache", "--geocoder", "none", ".")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["place"] for row in rows] == [
        "'=1+1, Italy", "'+1+1, Italy", "'-1+1, Italy", "'@1+1, Italy"]
    assert [row["photos"] for row in rows] == ["2", "2", "2", "2"]


# --- the map page: data never closes its <script> -------------------------------------------

EVIL_PLACE = Place(name='</script><script>alert("x")</script><!--', admin1="<!-- a -->",
                   country="</SCRIPT >", country_code="XX")


class EvilGeocoder:
    name = "evil"

    def reverse(self, lat, lon):
        return EVIL_PLACE


def _trip_data(page: str) -> dict:
    blob = page.split('<script type="application/json" id="trip-data">', 1)[1]
    return json.loads(blob.split("</script>", 1)[0])


def test_script_closers_in_place_and_file_names_stay_data(tmp_path):
    # "/" cannot be in a file name, so the file names carry "<!--" and "<script>"; the place
    # name carries "</script>" (any case) and "<!--"
    names = ["<!--a.jpg", "<script>b.jpg"]
    shots = [Shot(name, AUG1 + timedelta(minutes=i), "Europe/Rome", *ROME)
             for i, name in enumerate(names)]
    photos = load([str(write(tmp_path / "m", shots))], TimeSettings()).photos
    page = to_html(build(photos, ClusterSettings(), EvilGeocoder()))
    # the page's own four <script> elements are the only ones opened and closed
    assert len(re.findall(r"</script", page, re.IGNORECASE)) == 4
    assert len(re.findall(r"<script", page, re.IGNORECASE)) == 4
    assert "<!--" not in page
    point = _trip_data(page)["days"][0]["points"][0]
    assert point["place"] == EVIL_PLACE.display
    assert sorted(f["name"].rsplit("/", 1)[-1] for f in point["files"]) == sorted(names)


# --- stderr: progress and warnings -----------------------------------------------------------

@pytest.fixture
def two_photos(tmp_path):
    return write(tmp_path / "p", [Shot(f"p{i}.jpg", AUG1 + timedelta(minutes=i), "Europe/Rome",
                                       *ROME) for i in range(2)])


def test_forced_progress_goes_to_stderr_only(run, two_photos):
    # stderr is not a terminal under the test runner: --progress forces the bar, on stderr
    result = run("scan", str(two_photos), "-f", "json", "--progress", "--no-cache",
                 "--geocoder", "none")
    assert result.exit_code == 0
    assert "reading photos" in result.stderr
    assert "reading photos" not in result.stdout
    assert json.loads(result.stdout)["summary"]["photos"] == 2


def test_quiet_beats_progress(run, two_photos):
    result = run("scan", str(two_photos), "-f", "json", "--progress", "-q", "--no-cache",
                 "--geocoder", "none")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["summary"]["photos"] == 2


def test_no_progress_without_a_terminal(run, two_photos):
    result = run("scan", str(two_photos), "-f", "json", "--no-cache", "--geocoder", "none")
    assert result.exit_code == 0
    assert result.stderr == ""


def _broken(folder, count):
    folder.mkdir(exist_ok=True)
    for i in range(count):
        (folder / f"bad{i}.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00")


def _unreadable_warnings(stderr):
    return [line for line in stderr.splitlines() if "bad" in line and "warning:" in line]


def test_more_than_five_unreadable_files_are_summed_up(run, two_photos):
    # 8 unreadable files: 5 named, then "... and 3 more"
    _broken(two_photos, 8)
    result = run("scan", str(two_photos), "-f", "json", "--no-cache", "--geocoder", "none")
    assert result.exit_code == 0
    named = _unreadable_warnings(result.stderr)
    assert len(named) == 5
    assert len({re.search(r"bad\d", line).group() for line in named}) == 5
    assert "warning: ... and 3 more unreadable files (see -f json)" in result.stderr
    assert len(json.loads(result.stdout)["errors"]) == 8


def test_five_unreadable_files_are_all_named(run, two_photos):
    _broken(two_photos, 5)
    result = run("scan", str(two_photos), "-f", "json", "--no-cache", "--geocoder", "none")
    assert len(_unreadable_warnings(result.stderr)) == 5
    assert "more unreadable" not in result.stderr


def test_six_unreadable_files_leave_one_more(run, two_photos):
    _broken(two_photos, 6)
    result = run("scan", str(two_photos), "-f", "json", "--no-cache", "--geocoder", "none")
    assert len(_unreadable_warnings(result.stderr)) == 5
    assert "warning: ... and 1 more unreadable files (see -f json)" in result.stderr
