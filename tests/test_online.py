"""Online names (geopy's real Nominatim and Photon classes) and nearby places (Overpass),
against local stand-ins on 127.0.0.1: request counts, cache, rate limit, failures, privacy.

Nothing here sleeps: every client's waits go to a recording fake clock (``waits``), also on
the command line's path, and a "slow" service is met with a tiny client timeout."""

import csv
import io
import json
import socket
from datetime import datetime, timedelta

import gpxpy
import pytest

from tripexif.errors import UsageError
from tripexif.geocode import polite
from tripexif.geocode.cache import CachedGeocoder
from tripexif.geocode.compose import make_geocoder, make_nearby
from tripexif.geocode.nearby import NearbyFailure, OverpassClient
from tripexif.geocode.online import FallbackGeocoder, OnlineFailure, OnlineGeocoder
from tripexif.store.index import Index

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


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """The clock and sleeper every client made without its own uses (the CLI's too): a fake
    clock that only moves when slept on; ``waits.sleeps`` lists the waits."""
    clock = FakeClock()
    monkeypatch.setattr(polite, "CLOCK", clock)
    monkeypatch.setattr(polite, "SLEEP", clock.sleep)
    return clock


def online(service, name="nominatim", *extra):
    return ["--geocoder", name, "--geocoder-option", f"domain={service.domain}",
            "--geocoder-option", "scheme=http", *extra]


def test_one_request_per_stop_then_none_from_the_cache(run, service, trip):
    result = run("scan", str(trip), "-f", "json", *online(service))
    assert result.exit_code == 0, result.stderr
    assert service.count("/reverse") == 3
    places = [s["place"] for d in json.loads(result.stdout)["days"] for s in d["stops"]]
    assert places == ["清水寺 <Kiyomizu> & \"temple\", 京都市, 京都府, 日本",
                      "伏見稲荷大社, 京都市, 京都府, 日本", "=Gion, 祇園, 京都市, 京都府, 日本"]
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
    assert stop["place"] == "清水寺 <Kiyomizu> & \"temple\", 京都市, 京都府, 日本"
    assert (stop["label"], stop["place_kind"]) == ("清水寺 <Kiyomizu> & \"temple\", 京都市",
                                                   "landmark")
    assert stop["country_code"] == "JP"


def test_names_survive_every_output(run, service, trip):
    name = "清水寺 <Kiyomizu> & \"temple\", 京都市, 京都府, 日本"
    run("scan", str(trip), "-q", *online(service))  # fill the cache
    geo = json.loads(run("scan", str(trip), "-f", "geojson", *online(service)).stdout)
    assert geo["features"][0]["properties"]["place"] == name
    gpx = gpxpy.parse(run("scan", str(trip), "-f", "gpx", *online(service)).stdout)
    assert gpx.waypoints[0].name == name
    rows = list(csv.reader(io.StringIO(run("scan", str(trip), "-f", "csv",
                                           *online(service)).stdout)))
    assert rows[1][9] == name and rows[3][9] == "'=Gion, 祇園, 京都市, 京都府, 日本"
    table = run("scan", str(trip), *online(service)).stdout
    assert "清水寺 <Kiyomizu> & \"temple\"" in table


@pytest.mark.parametrize("mode", ["429", "500", "slow", "malformed", "unreachable"])
def test_failures_keep_the_itinerary_with_offline_names_and_warn_once(run, service, trip, mode,
                                                                      waits):
    service.mode = mode
    timeout = "0.05" if mode == "slow" else "5"  # "slow" never answers: time out at once
    options = online(service, "nominatim", "--geocoder-option", f"timeout={timeout}",
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
    assert places == ["Kyoto, Japan", "Kyoto (2), Japan", "Kyoto (3), Japan"]
    assert result.stderr.count("warning: geocoder nominatim failed") == 1
    assert service.count("/reverse") <= 1  # no more asking after the first failure
    assert waits.sleeps == []  # retries=0: no retry, so no wait


def test_cli_retries_wait_as_the_server_says_without_sleeping(run, service, trip, waits):
    service.mode = "429"  # Retry-After: 3
    result = run("scan", str(trip), "-f", "json",
                 *online(service, "nominatim", "--geocoder-option", "retries=2"))
    assert result.exit_code == 0
    assert waits.sleeps == [3, 3]
    assert service.count("/reverse") == 3  # one stop: the first try and two retries


def test_cli_rate_limit_waits_without_sleeping(run, service, trip, waits):
    result = run("scan", str(trip), "-f", "json",
                 *online(service, "nominatim", "--geocoder-option", "min_delay=1.5"))
    assert result.exit_code == 0
    assert waits.sleeps == [1.5, 1.5]  # three stops; the fake clock moves only when slept on


def _coder(service, clock, **options):
    settings = {"domain": service.domain, "scheme": "http", "timeout": "5", **options}
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


@pytest.mark.parametrize(("name", "code", "message"), [
    ("nosuchservice", 2, "unknown geocoder 'nosuchservice'; valid: offline, none, "),
    ("bing", 1, "needs more settings"),
])
def test_misconfigured_geocoders_fail_fast(run, trip, name, code, message):
    """An unknown name is a usage error; a known service without its settings (an API key)
    is misconfigured (exit 1, as the contract says)."""
    result = run("scan", str(trip), "--geocoder", name)
    assert result.exit_code == code and message in result.stderr
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
    # the stand-in puts the museum 0.0005° north of the (rounded) position it was sent;
    # distances are from the stop's true position
    assert stop["nearby"][0]["distance_m"] == 54
    assert stop["nearby"][1]["osm_url"] == "https://www.openstreetmap.org/way/2"
    table = run("scan", str(trip), "--nearby", "--overpass-url", url).stdout
    assert "to see: Museum <b>&</b> \"Art\" (museum, 54 m) · View (viewpoint, 221 m)" in table
    assert service.count("/api/interpreter") == 3  # the second run came from the cache
    geo = json.loads(run("scan", str(trip), "-f", "geojson", "--nearby",
                         "--overpass-url", url).stdout)
    assert geo["features"][0]["properties"]["nearby"][0]["name"] == "Museum <b>&</b> \"Art\""


def test_nearby_language(service):
    client = OverpassClient(f"http://{service.domain}/api/interpreter", language="ja")
    assert client.around(*GION)[0].name == "美術館"


@pytest.mark.parametrize("mode", ["500", "malformed", "slow"])
def test_nearby_failures_leave_the_itinerary_and_warn_once(run, service, trip, mode, waits):
    service.mode = mode
    clock = FakeClock()
    client = OverpassClient(f"http://{service.domain}/api/interpreter",
                            timeout=0.05 if mode == "slow" else 5, clock=clock, sleep=clock.sleep)
    with pytest.raises(NearbyFailure):
        client.around(*GION)
    if mode == "500":
        assert clock.sleeps == [1.0, 2.0, 4.0]
        result = run("scan", str(trip), "-f", "json", "--nearby", "--overpass-url",
                     f"http://{service.domain}/api/interpreter")
        assert result.exit_code == 0
        assert result.stderr.count("nearby places are missing") == 1
        assert len(json.loads(result.stdout)["days"][0]["stops"]) == 3
        assert waits.sleeps == [1.0, 2.0, 4.0]  # the CLI's client backed off, on the fake


# --- privacy: what leaves the machine is rounded to 4 decimals (~10 m) ------------------

def _decimals(text):
    whole, _, fraction = str(text).partition(".")
    return len(fraction.rstrip("0"))


def _stops(result):
    return [(s["lat"], s["lon"]) for d in json.loads(result.stdout)["days"] for s in d["stops"]]


@pytest.mark.parametrize("name", ["nominatim", "photon"])
def test_geocoders_are_sent_positions_rounded_to_4_decimals(run, service, trip, name):
    result = run("scan", str(trip), "-f", "json", "--no-cache", *online(service, name))
    assert result.exit_code == 0, result.stderr
    stops = _stops(result)
    assert any(_decimals(lat) > 4 or _decimals(lon) > 4 for lat, lon in stops)  # else no test
    sent = [(params["lat"], params["lon"]) for path, params, _ in service.requests]
    assert len(sent) == len(stops) == 3
    for (lat, lon), (stop_lat, stop_lon) in zip(sent, stops, strict=True):
        assert _decimals(lat) <= 4 and _decimals(lon) <= 4, (lat, lon)
        assert abs(float(lat) - stop_lat) <= 0.00005 and abs(float(lon) - stop_lon) <= 0.00005


def test_overpass_is_sent_positions_rounded_to_4_decimals(run, service, trip):
    result = run("scan", str(trip), "-f", "json", "--no-cache", "--geocoder", "none",
                 "--nearby", "--overpass-url", f"http://{service.domain}/api/interpreter")
    assert result.exit_code == 0, result.stderr
    stops = _stops(result)
    queries = [params["data"] for path, params, _ in service.requests]
    assert len(queries) == len(stops) == 3
    for query, (stop_lat, stop_lon) in zip(queries, stops, strict=True):
        around = query.split("(around:")[1:]
        # one per OSM key: tourism, historic, leisure (parks), amenity (places of worship;
        # places to eat)
        assert len(around) == 5
        for part in around:
            radius, lat, lon = part.split(")", 1)[0].split(",")
            assert _decimals(lat) <= 4 and _decimals(lon) <= 4, part
            assert abs(float(lat) - stop_lat) <= 0.00005
            assert abs(float(lon) - stop_lon) <= 0.00005


# --- numeric settings are checked, with a clear message ---------------------------------

@pytest.mark.parametrize("setting", ["timeout=abc", "min_delay=x", "retries=1.5x",
                                     "timeout=-1", "retries=-2"])
def test_bad_numeric_settings_are_usage_errors_on_the_command_line(run, trip, setting):
    key = setting.split("=")[0]
    result = run("scan", str(trip), "--geocoder", "nominatim", "--geocoder-option", setting)
    assert result.exit_code == 2
    assert key in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("setting", "message"), [
    ("timeout=abc", "--geocoder-option timeout=abc: timeout wants a number of seconds above 0"),
    ("timeout=0", "--geocoder-option timeout=0: timeout wants a number of seconds above 0"),
    ("timeout=nan", "--geocoder-option timeout=nan: timeout wants a number of seconds above 0"),
    ("min_delay=x", "--geocoder-option min_delay=x: min_delay wants a number of seconds, "
                    "0 or more"),
    ("min_delay=inf", "--geocoder-option min_delay=inf: min_delay wants a number of seconds, "
                      "0 or more"),
    ("retries=1.5x", "--geocoder-option retries=1.5x: retries wants a whole number, 0 or more"),
    ("retries=1.5", "--geocoder-option retries=1.5: retries wants a whole number, 0 or more"),
    ("retries=-1", "--geocoder-option retries=-1: retries wants a whole number, 0 or more"),
])
def test_bad_numeric_settings_are_usage_errors_in_the_library(setting, message):
    with pytest.raises(UsageError) as caught:
        make_geocoder("nominatim", [setting])
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_good_numeric_settings_are_used():
    coder = make_geocoder("nominatim", {"timeout": " 2.5", "min_delay": "0", "retries": "2.0"})
    assert coder.primary.service.timeout == 2.5
    assert coder.primary.limiter.interval == 0.0 and coder.primary.retries == 2


# --- composition outside the CLI ---------------------------------------------------------

def test_make_geocoder_caches_online_names_and_falls_back_offline(service, tmp_path):
    clock = FakeClock()
    warnings = []
    options = [f"domain={service.domain}", "scheme=http", "min_delay=2"]
    with Index(tmp_path / "index.sqlite") as index:
        coder = make_geocoder("Nominatim", options, index=index, warn=warnings.append,
                              sleep=clock.sleep, clock=clock)
        assert isinstance(coder, FallbackGeocoder)
        assert isinstance(coder.primary, CachedGeocoder) and coder.primary.name == "nominatim"
        assert coder.reverse(*GION).name == "=Gion, 祇園"
        assert coder.reverse(*KIYOMIZU).name.startswith("清水寺")
        assert clock.sleeps == [2.0]  # the injected sleeper paced the two requests
        again = make_geocoder("nominatim", options, index=index, sleep=clock.sleep,
                              clock=clock)
        assert again.reverse(*GION).name == "=Gion, 祇園"
        assert service.count("/reverse") == 2  # the second one came from the index
        service.mode = "500"
        assert coder.reverse(*INARI).name == "Kyoto"  # retried on the fake, then offline
        # the interval before the first try, then backoff 1, 2, 4 (the second try's
        # interval had 1 s left after the first backoff)
        assert clock.sleeps == [2.0, 2.0, 1.0, 1.0, 2.0, 4.0]
        assert len(warnings) == 1 and "geocoder nominatim failed" in warnings[0]


def test_make_geocoder_builtin_and_bad_options(tmp_path):
    assert make_geocoder("none", []).reverse(*GION) is None
    with Index(tmp_path / "index.sqlite") as index:
        assert isinstance(make_geocoder("offline", {}, index=index), CachedGeocoder)
    assert not isinstance(make_geocoder("offline", ()), CachedGeocoder)
    with pytest.raises(UsageError, match="--geocoder-option wants KEY=VALUE, got 'domain'"):
        make_geocoder("nominatim", ["domain"])


def test_make_nearby_with_injected_sleeper(service, tmp_path):
    clock = FakeClock()
    warnings = []
    url = f"http://{service.domain}/api/interpreter"
    with Index(tmp_path / "index.sqlite") as index:
        finder = make_nearby(index, warnings.append, url, 300, 1, "ja", sleep=clock.sleep,
                             clock=clock)
        assert [p.name for p in finder.around(*GION)] == ["美術館", "=Ramen 一蘭"]
        assert "(around:300," in service.requests[0][1]["data"]
        assert [p.name for p in make_nearby(index, None, url, 300, 1, "ja").around(*GION)] \
            == ["美術館", "=Ramen 一蘭"]
        assert service.count("/api/interpreter") == 1  # cached in the index
        service.mode = "500"
        assert finder.around(*INARI) == []
        assert clock.sleeps == [1.0, 2.0, 4.0]
        assert warnings == ["nearby places are missing: Overpass answered HTTP 500"]


def test_an_odd_retry_after_falls_back_to_backoff(service):
    """'²' passes str.isdigit() but is no number: wait by the backoff, never crash."""
    service.mode = "429-odd"
    clock = FakeClock()
    client = OverpassClient(f"http://{service.domain}/api/interpreter", clock=clock,
                            sleep=clock.sleep)
    with pytest.raises(NearbyFailure):
        client.around(*GION)
    assert clock.sleeps == [1.0, 2.0, 4.0]
