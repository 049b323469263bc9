"""The public library API: tripexif.scan / tripexif.read, importable lazily."""

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import tripexif
from tripexif.model import Place

from trips import Shot, write

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TRIPEXIF_CACHE_DIR=str(tmp_path / "cache"))
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_readme_example_runs(tmp_path):
    done = _python("import tripexif; it = tripexif.scan(['examples/photos']); "
                   "print(len(it.days))", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "3\n"


def test_import_is_lazy(tmp_path):
    """`import tripexif` loads no stage until a name is used (the CLI starts fast)."""
    done = _python("import sys, tripexif; print(sorted(m for m in sys.modules "
                   "if m.startswith('tripexif.')))", tmp_path)
    assert done.stdout == "[]\n", done.stderr


@pytest.fixture
def rome(tmp_path):
    start = datetime(2025, 8, 1, 10, 0)
    shots = [Shot(f"a{i}.jpg", start + timedelta(minutes=i), "Europe/Rome", 41.8902, 12.4922)
             for i in range(3)]
    shots += [Shot(f"b{i}.jpg", start + timedelta(hours=3, minutes=i), "Europe/Rome",
                   41.9009, 12.4833) for i in range(2)]
    shots.append(Shot("nogps.jpg", start + timedelta(hours=1), "Europe/Rome", None, None))
    return write(tmp_path / "rome", shots)


def test_scan_builds_the_itinerary(rome, tmp_path):
    itinerary = tripexif.scan([rome], cache=False)
    assert isinstance(itinerary, tripexif.Itinerary)
    [day] = itinerary.days
    assert day.date == "2025-08-01" and day.timezone == "Europe/Rome"
    assert [len(s.photos) for s in day.stops] == [3, 2]
    assert [s.arrival.isoformat() for s in day.stops] == ["2025-08-01T10:00:00+02:00",
                                                          "2025-08-01T13:00:00+02:00"]
    assert day.stops[0].place is not None and day.stops[0].place.country_code == "IT"
    assert [Path(p.path).name for p in itinerary.unlocated] == ["nogps.jpg"]
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("index-*"))


def test_scan_takes_settings_and_any_geocoder(rome):
    class Named:
        name = "mine"

        def __init__(self):
            self.asked = []

        def reverse(self, lat, lon):
            self.asked.append((lat, lon))
            return Place("Here")

    coder = Named()
    itinerary = tripexif.scan(
        str(rome), geocoder=coder, cache=False,
        clustering=tripexif.ClusterSettings(radius_m=5000, max_gap=timedelta(hours=4)))
    assert [s.place.display for s in itinerary.stops] == ["Here"]  # one stop: 1.3 km apart
    assert len(coder.asked) == 1


def test_read_gives_one_record_per_file(rome):
    photos = tripexif.read([rome], cache=False, jobs=1,
                           time=tripexif.TimeSettings(default_tz="Asia/Tokyo"))
    assert sorted(Path(p.path).name for p in photos) == sorted(
        p.name for p in rome.iterdir())
    assert all(p.time_source == "offset_tag" for p in photos)


def test_scan_refuses_a_path_that_does_not_exist(tmp_path):
    with pytest.raises(tripexif.UsageError, match="no such file or folder"):
        tripexif.scan([tmp_path / "nope"], cache=False)


def test_scan_uses_and_closes_the_index(rome, tmp_path, monkeypatch, indexes):
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(tmp_path / "cache"))
    tripexif.scan([rome])
    assert len(indexes) == 1 and indexes[0]._db is None  # used, then closed
    assert list((tmp_path / "cache").glob("index-*.sqlite"))
