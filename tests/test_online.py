"""Online names (geopy's real Nominatim and Photon classes) and nearby places (Overpass),
against local stand-ins on 127.0.0.1: request counts, cache, rate limit, failures."""

import csv
import io
import json
import socket
from datetime import datetime, timedelta

import gpxpy
import pytest

from tripexif.geocode.nearby import NearbyFailure, OverpassClient
from tripexif.geocode.online import OnlineFailure, OnlineGeocoder

from fake_services import Service
from trips import Shot, write

KIYOMIZU = (34.9949, 135.7850)
INARI = (34.9671, 135.7727)
GION = (35.0037, 135.7788)


@pytest.fixture
def service():
    server = Service()
    yield server
    server.close()


@pytest.fixture
def trip(tmp_path):
    start = datetime(2025, 4, 2, 9, 0)
    shots = []
    for stop, pos in enumerate((KIYOMIZU, INARI, GION)):
        for i in range(3):  # three photos a stop, a few metres apart
            shots.append(Shot(f"s{stop}-{i}.jpg", start + timedelta(hours=2 * stop, minutes=i),
                              "Asia/Tokyo", pos[0] + i * 0.00001, pos[1]))
    return write(tmp_path / "trip", shots)


def online(service, name="nominatim", *extra):
    return ["--geocoder", name, "--geocoder-option", f"domain={service.domain}",
            "--geocoder-option", "scheme=http", *extra]


def test_one_request_per_stop_then_none_from_the_cache(run, service, trip):
    result = run("scan", str(trip), "-f", "json", *online(service))
    assert result.exit_code == 0, result.stderr
    assert service.count("/reverse") == 3
    places = [s["place"] for d in json.loads(result.stdout)["days"] for s in d["stops"]]
    assert places == ["清水寺 <Kiyomizu> & \"temple\", 京都府, 日本", "伏見稲荷大社, 京都府, 日本",
                      "=Gion, 祇園, 京都府, 日本"]
    again = run("scan", str(trip), "-f", "json", *online(service))
    assert service.count("/reverse") == 3  # zero new requests
    assert again.stdout == result.stdout
    run("scan", str(trip), "-f", "json", "--no-cache", *online(service))
    assert service.count("/reverse") == 6


def test_user_agent_and_language(run, service, trip):
    run("scan", str(trip), "-q", "--language", "ja", *online(service))
    _, params, headers = service.requests[0]
    assert headers["User-Agent"] == "tripexif/0.1.0"
    assert params["accept-language"] == "ja"
    run("scan", str(trip), "-q", "--no-cache", *online(service, "nominatim",
                                                           "--geocoder-option", "user_agent=me"))
    assert service.requests[-1][2]["User-Agent"] == "me"


def test_photon(run, service, trip):
    result = run("scan", str(trip), "-f", "json", "--language", "de", *online(service, "photon"))
    assert result.exit_code == 0, result.stderr
    assert service.count("/reverse") == 3
    assert service.requests[0][1]["lang"] == "de"
    stop = json.loads(result.stdout)["days"][0]["stops"][0]
    assert stop["place"] == "清水寺 <Kiyomizu> & \"temple\", 京都府, 日本"
    assert stop["country_code"] == "JP"


def test_names_survive_every_output(run, service, trip):
    name = "清水寺 <Kiyomizu> & \"temple\", 京都府, 日本"
    run("scan", str(trip), "-q", *online(service))  # fill the cache
    geo = json.loads(run("scan", str(trip), "-f", "geojson", *online(service)).stdout)
    assert geo["features"][0]["properties"]["place"] == name
    gpx = gpxpy.parse(run("scan", str(trip), "-f", "gpx", *online(service)).stdout)
    assert gpx.waypoints[0].name == name
    rows = list(csv.reader(io.StringIO(run("scan", str(trip), "-f", "csv",
                                           *online(service)).stdout)))
    assert rows[1][9] == name and rows[3][9] == "'=Gion, 祇園, 京都府, 日本"
    table = run("scan", str(trip), *online(service)).stdout
    assert "清水寺 <Kiyomizu> & \"temple\"" in table


@pytest.mark.parametrize("mode", ["429", "500", "slow", "malformed", "unreachable"])
def test_failures_keep_the_itinerary_with_offline_names_and_warn_once(run, service, trip, mode):
    service.mode = mode
    options = online(service, "nominatim", "--geocoder-option", "timeout=0.5",
                     "--geocoder-option", "retries=0")
    if mode == "unreachable":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        options[3] = f"domain=127.0.0.1:{port}"
    result = run("scan", str(trip), "-f", "json", *options)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    places = [s["place"] for d in doc["days"] for s in d["stops"]]
    assert places == ["Kyoto, Kyoto, Japan"] * 3
    assert result.stderr.count("warning: geocoder nominatim failed") == 1
    assert service.count("/reverse") <= 1  # no more asking after the first failure


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def _coder(service, clock, **options):
    settings = {"domain": service.domain, "scheme": "http", "timeout": "2", **options}
    return OnlineGeocoder("nominatim", settings, None, clock=clock, sleep=clock.sleep)


def test_rate_limit_is_honoured_without_sleeping(service):
    clock = FakeClock()
    coder = _coder(service, clock, min_delay="1")
    for pos in (KIYOMIZU, INARI, GION):
        coder.reverse(*pos)
        clock.now += 0.25  # the rest of the work between two stops
    assert clock.sleeps == [0.75, 0.75]
    assert service.count("/reverse") == 3


def test_public_nominatim_gets_one_request_a_second():
    coder = OnlineGeocoder("nominatim", {}, None)
    assert coder.limiter.interval == 1.0 and coder.endpoint == "https://nominatim.openstreetmap.org"


def test_429_retries_honour_retry_after(service):
    service.mode = "429"
    clock = FakeClock()
    with pytest.raises(OnlineFailure, match="GeocoderRateLimited"):
        _coder(service, clock).reverse(*GION)
    assert clock.sleeps == [3, 3, 3]  # Retry-After: 3, three retries
    assert service.count("/reverse") == 4


def test_500_retries_back_off(service):
    service.mode = "500"
    clock = FakeClock()
    with pytest.raises(OnlineFailure):
        _coder(service, clock).reverse(*GION)
    assert clock.sleeps == [1.0, 2.0, 4.0]


@pytest.mark.parametrize(("name", "message"), [
    ("nosuchservice", "unknown geocoder 'nosuchservice'; valid: offline, none, "),
    ("bing", "needs more settings"),
])
def test_misconfigured_geocoders_fail_fast(run, trip, name, message):
    result = run("scan", str(trip), "--geocoder", name)
    assert result.exit_code == 1 and message in result.stderr
    assert "nominatim" in result.stderr or name == "bing"


def test_unknown_setting_lists_the_valid_ones(run, trip):
    result = run("scan", str(trip), "--geocoder", "nominatim", "--geocoder-option", "colour=red")
    assert result.exit_code == 1
    assert "has no setting 'colour'; it takes: " in result.stderr and "domain" in result.stderr


def test_nearby_places_one_query_per_stop_and_cached(run, service, trip):
    url = f"http://{service.domain}/api/interpreter"
    result = run("scan", str(trip), "-f", "json", "--nearby", "--overpass-url", url,
                 "--nearby-count", "1")
    assert result.exit_code == 0, result.stderr
    assert service.count("/api/interpreter") == 3
    stop = json.loads(result.stdout)["days"][0]["stops"][0]
    assert [(p["name"], p["kind"], p["category"]) for p in stop["nearby"]] == [
        ("Museum <b>&</b> \"Art\"", "see", "museum"), ("=Ramen 一蘭", "eat", "restaurant")]
    assert stop["nearby"][0]["distance_m"] == 56
    assert stop["nearby"][1]["osm_url"] == "https://www.openstreetmap.org/way/2"
    table = run("scan", str(trip), "--nearby", "--overpass-url", url).stdout
    assert "to see: Museum <b>&</b> \"Art\" (museum, 56 m) · View (viewpoint, 222 m)" in table
    assert service.count("/api/interpreter") == 3  # the second run came from the cache
    geo = json.loads(run("scan", str(trip), "-f", "geojson", "--nearby",
                         "--overpass-url", url).stdout)
    assert geo["features"][0]["properties"]["nearby"][0]["name"] == "Museum <b>&</b> \"Art\""


def test_nearby_language(service):
    client = OverpassClient(f"http://{service.domain}/api/interpreter", language="ja")
    assert client.around(*GION)[0].name == "美術館"


@pytest.mark.parametrize("mode", ["500", "malformed", "slow"])
def test_nearby_failures_leave_the_itinerary_and_warn_once(run, service, trip, mode):
    service.mode = mode
    clock = FakeClock()
    client = OverpassClient(f"http://{service.domain}/api/interpreter", timeout=0.5,
                            clock=clock, sleep=clock.sleep)
    with pytest.raises(NearbyFailure):
        client.around(*GION)
    if mode == "500":
        assert clock.sleeps == [1.0, 2.0, 4.0]
        result = run("scan", str(trip), "-f", "json", "--nearby", "--overpass-url",
                     f"http://{service.domain}/api/interpreter")
        assert result.exit_code == 0
        assert result.stderr.count("nearby places are missing") == 1
        assert len(json.loads(result.stdout)["days"][0]["stops"]) == 3
