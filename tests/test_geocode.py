"""The offline geocoder: great-circle nearest, population-aware, cached index."""

import gzip
import json

import pytest

from tripexif.geocode import get_geocoder, offline
from tripexif.geocode.offline import OfflineGeocoder


def _data(folder, places):
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"city": name, "latitude": lat, "longitude": lon, "population": pop,
             "country_code": cc, "state": "State"} for name, lat, lon, pop, cc in places]
    with gzip.open(folder / "geocode.gz", "wt") as fh:
        json.dump(rows, fh)
    (folder / "countries.csv").write_text("FJ,Fiji\nNO,Norway\nAQ,Antarctica\nXX,Testland\n")
    return folder


@pytest.fixture
def coder(tmp_path):
    def make(places):
        return OfflineGeocoder(cache_dir=tmp_path / "cache", data_dir=_data(tmp_path / "d", places))

    return make


def test_nearest_across_the_date_line(coder):
    g = coder([("East", -16.5, 179.5, 5000, "FJ"), ("West", -16.5, -179.99, 5000, "FJ")])
    # 2 km from "West" across ±180°, 54 km from "East" on this side: raw lat/lon says East
    assert g.reverse(-16.5, 179.99).name == "West"


def test_nearest_near_the_pole(coder):
    g = coder([("Far side", 89.9, 180.0, 2000, "NO"), ("Same meridian", 89.0, 0.0, 2000, "NO")])
    # 22 km over the pole versus 100 km down the meridian
    assert g.reverse(89.9, 0.0).name == "Far side"


def test_the_town_wins_over_a_nearer_hamlet(coder):
    g = coder([("Hamlet", 45.0, 7.0127, 1100, "XX"), ("Town", 45.0, 6.975, 60000, "XX")])
    # the point is 1.0 km from the hamlet's centre and 2.0 km from the town's
    place = g.reverse(45.0, 7.0)
    assert place.name == "Town"
    assert place.display == "Town, State, Testland"
    assert place.country_code == "XX"


def test_but_a_village_far_from_any_town_is_named_after_itself(coder):
    g = coder([("Village", 45.0, 7.0, 1100, "XX"), ("City", 45.0, 7.4, 900000, "XX")])
    assert g.reverse(45.0, 7.005).name == "Village"  # 0.4 km versus 31 km


def test_far_from_everything(coder):
    g = coder([("Base", -77.85, 166.67, 1200, "AQ")])
    place = g.reverse(-70.0, 100.0)
    assert place.name == "Base"
    assert place.distance_km > 1000


def test_index_is_built_once_and_cached(tmp_path, monkeypatch):
    data = _data(tmp_path / "d", [("Only", 10.0, 10.0, 5000, "XX")])
    first = OfflineGeocoder(cache_dir=tmp_path / "cache", data_dir=data)
    assert first.reverse(10.0, 10.01).name == "Only"

    def no_rebuild(*args):
        raise AssertionError("rebuilt the index instead of loading the cache")

    monkeypatch.setattr(offline, "build_index", no_rebuild)
    again = OfflineGeocoder(cache_dir=tmp_path / "cache", data_dir=data)
    assert again.reverse(10.0, 10.01).name == "Only"


def test_real_data_names(tmp_path):
    g = OfflineGeocoder(cache_dir=tmp_path)
    assert g.reverse(35.0037, 135.7788).display == "Kyoto, Kyoto, Japan"
    assert g.reverse(-18.1416, 178.4419).display == "Suva, Central, Fiji"
    assert g.reverse(78.22, 15.65).name == "Longyearbyen"
    assert g.reverse(-33.8568, 151.2153).display == "Sydney, New South Wales, Australia"


def test_registry():
    assert get_geocoder("none").reverse(1, 2) is None
    assert get_geocoder("Offline").name == "offline"
