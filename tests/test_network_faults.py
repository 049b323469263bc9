"""The network must not hold a run hostage (issue 11): fault servers on 127.0.0.1 that drip,
flood, cut answers short, ask for absurd waits or answer in the wrong shape, against the
geocoder (geopy's real Nominatim and Photon classes) and Overpass, in the library and on
the command line. Every run keeps its itinerary, with offline names, and says why once.

Nothing here sleeps: waits go to the recording fake clock (``waits``, as in test_online);
the only real waiting is a request's deadline of 0.3 s against a server that drips a byte
every 50 ms (and would finish after 0.6 s, so a client without a deadline gets its answer
and the test fails)."""

import json
import math
import re
import time
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
import test_online
from test_online import GION, INARI, KIYOMIZU, FakeClock, online

from tripexif.geocode import polite
from tripexif.geocode.compose import make_geocoder, make_nearby
from tripexif.geocode.nearby import NearbyFailure, OverpassClient, parse_counting
from tripexif.geocode.online import OnlineFailure, OnlineGeocoder
from tripexif.geocode.polite import Budget, retry_after_s

# test_online's fixtures: the stand-in services, a three-stop trip, the fake clock (autouse)
service, trip, waits = test_online.service, test_online.trip, test_online.waits

OFFLINE = ["Kyoto, Japan", "Kyoto (2), Japan", "Kyoto (3), Japan"]
ONLINE = ["清水寺 <Kiyomizu> & \"temple\", 京都市, 京都府, 日本",
          "伏見稲荷大社, 京都市, 京都府, 日本", "=Gion, 祇園, 京都市, 京都府, 日本"]


def _places(result):
    return [s["place"] for d in json.loads(result.stdout)["days"] for s in d["stops"]]


def _coder(service, clock, warnings=None, **options):
    settings = {"domain": service.domain, "scheme": "http", "timeout": "5", **options}
    return OnlineGeocoder("nominatim", settings, None, clock=clock, sleep=clock.sleep,
                          warn=None if warnings is None else warnings.append)


def _overpass(service, clock, warnings=None, **kwargs):
    return OverpassClient(f"http://{service.domain}/api/interpreter", clock=clock,
                          sleep=clock.sleep,
                          warn=None if warnings is None else warnings.append, **kwargs)


def _scan(run, service, trip, *options):
    return run("scan", str(trip), "-f", "json", "--no-cache", *online(service, "nominatim",
                                                                      *options))


def _warnings(result):
    return [line for line in result.stderr.splitlines() if line.startswith("warning:")]


# --- 1. a deadline for every request, a size limit, a budget for the run -----------------

@pytest.mark.parametrize("mode", ["drip-head", "drip-body", "drip-stream"])
def test_a_dripping_geocoder_is_given_up_at_the_deadline(run, service, trip, mode):
    service.mode = mode
    result = _scan(run, service, trip, "--geocoder-option", "timeout=0.3")
    assert result.exit_code == 0, result.stderr
    assert _places(result) == OFFLINE
    assert _warnings(result) == [
        "warning: geocoder nominatim failed (GeocoderTimedOut: no complete answer within "
        "0.3 s); offline names are used for the rest of this run"]
    assert service.count("/reverse") == 1  # a timeout is not retried


@pytest.mark.parametrize("mode", ["drip-head", "drip-body", "drip-stream"])
def test_a_dripping_overpass_is_given_up_at_the_deadline(run, service, trip, mode):
    service.mode = mode
    clock = FakeClock()
    with pytest.raises(NearbyFailure, match=r"^Overpass failed: no complete answer within 0.3 s$"):
        _overpass(service, clock, timeout=0.3).around(*GION)
    assert service.count("/api/interpreter") == 1 and clock.sleeps == []


def test_the_budget_bounds_a_request_too(run, service, trip):
    """A request may take its timeout, but never more than what is left of the budget."""
    service.mode = "drip-body"
    result = _scan(run, service, trip, "--geocoder-option", "budget=0.3")
    assert _places(result) == OFFLINE
    assert "no complete answer within 0.3 s" in result.stderr


@pytest.mark.parametrize("mode", ["huge", "huge-stream"])
def test_an_answer_over_the_size_limit_fails_its_request(run, service, trip, mode):
    service.mode = mode  # a valid answer of 5 MB, with and without a Content-Length
    result = _scan(run, service, trip)
    assert result.exit_code == 0, result.stderr
    assert _places(result) == OFFLINE
    assert _warnings(result) == [
        "warning: geocoder nominatim failed (GeocoderParseError: an answer over the limit of "
        "4,194,304 bytes); offline names are used for the rest of this run"]
    assert service.count("/reverse") == 1
    service.requests.clear()
    with pytest.raises(NearbyFailure, match="over the limit of 4,194,304 bytes"):
        _overpass(service, FakeClock()).around(*GION)
    assert service.count("/api/interpreter") == 1


def test_the_geocoder_budget_ends_online_naming(service):
    clock = FakeClock()
    coder = _coder(service, clock, min_delay="2", budget="3")
    assert coder.reverse(*KIYOMIZU).name.startswith("清水寺")
    assert coder.reverse(*INARI).name == "伏見稲荷大社"
    with pytest.raises(OnlineFailure, match="^the online time budget of 3 s is spent$"):
        coder.reverse(*GION)  # the 2 s interval would not fit in the 1 s left
    assert clock.sleeps == [2.0] and service.count("/reverse") == 2


def test_the_geocoder_budget_on_the_command_line(run, service, trip, waits):
    result = _scan(run, service, trip, "--geocoder-option", "min_delay=2",
                   "--geocoder-option", "budget=3")
    assert result.exit_code == 0, result.stderr
    assert _places(result) == ONLINE[:2] + ["Kyoto, Japan"]
    assert _warnings(result) == [
        "warning: geocoder nominatim failed (the online time budget of 3 s is spent); "
        "offline names are used for the rest of this run"]
    assert waits.sleeps == [2.0]


def test_a_backoff_that_would_overrun_the_budget_is_not_waited(service):
    service.mode = "500"
    clock = FakeClock()
    with pytest.raises(OnlineFailure, match="the online time budget of 2.5 s is spent"):
        _coder(service, clock, budget="2.5").reverse(*GION)
    assert clock.sleeps == [1.0]  # then 2 s more would not fit in the 1.5 s left


def test_the_nearby_budget_and_a_shared_one(service):
    clock = FakeClock()
    warnings = []
    finder = make_nearby(None, warnings.append, f"http://{service.domain}/api/interpreter",
                         budget=Budget(4, clock), clock=clock, sleep=clock.sleep)
    service.mode = "500"
    assert finder.around(*GION) == []
    assert clock.sleeps == [1.0, 2.0]  # 4 s more would not fit
    assert warnings == ["nearby places are missing: Overpass answered HTTP 500; the online "
                        "time budget of 4 s is spent"]
    # one budget for both services: what the geocoder spent, nearby places cannot
    clock = FakeClock()
    shared = Budget(4, clock)
    service.mode = "ok"
    coder = make_geocoder("nominatim", [f"domain={service.domain}", "scheme=http",
                                        "min_delay=2"], budget=shared, clock=clock,
                          sleep=clock.sleep)
    assert coder.reverse(*GION).name == "=Gion, 祇園"
    assert coder.reverse(*INARI).name == "伏見稲荷大社"
    service.mode = "500"
    finder = make_nearby(None, None, f"http://{service.domain}/api/interpreter",
                         budget=shared, clock=clock, sleep=clock.sleep)
    assert finder.around(*GION) == []
    assert clock.sleeps == [2.0, 1.0]  # 2 s of 4 spent naming: one backoff, not two
    assert shared.spent == 3.0


# --- 2. 503 and 504 are retried like any 5xx ----------------------------------------------

@pytest.mark.parametrize("status", ["502", "503", "504"])
def test_5xx_are_retried_with_backoff(service, status):
    service.mode = status
    clock = FakeClock()
    with pytest.raises(OnlineFailure, match=f"status code {status}"):
        _coder(service, clock).reverse(*GION)
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert service.count("/reverse") == 4


def test_503_honours_retry_after_on_the_command_line(run, service, trip, waits):
    service.mode, service.retry_after = "503", "7"
    result = _scan(run, service, trip, "--geocoder-option", "retries=2")
    assert _places(result) == OFFLINE
    assert waits.sleeps == [7.0, 7.0]
    assert service.count("/reverse") == 3
    assert result.stderr.count("warning: geocoder nominatim failed") == 1


def test_other_4xx_fail_fast(service):
    service.mode = "404"
    clock = FakeClock()
    with pytest.raises(OnlineFailure, match="status code 404"):
        _coder(service, clock).reverse(*GION)
    assert clock.sleeps == [] and service.count("/reverse") == 1


# --- 3. Retry-After: capped, said once, and no wait beyond the budget --------------------

def _http_date(seconds_ahead):
    """A date whole seconds ahead (HTTP dates have no fractions): ``seconds_ahead`` and
    less than 1 s more."""
    return format_datetime(datetime.fromtimestamp(math.ceil(time.time()) + seconds_ahead,
                                                  timezone.utc), usegmt=True)


@pytest.mark.parametrize("retry_after", ["100000", "Fri, 01 Jan 2100 00:00:00 GMT"])
def test_a_wait_beyond_the_budget_gives_up_at_once(run, service, trip, waits, retry_after):
    service.mode, service.retry_after = "429", retry_after
    result = _scan(run, service, trip)
    assert result.exit_code == 0, result.stderr
    assert _places(result) == OFFLINE
    assert waits.sleeps == []
    [warning] = _warnings(result)
    assert "it asked to wait " in warning and "more than the 600 s left of the online time " \
        "budget); offline names are used for the rest of this run" in warning
    assert service.count("/reverse") == 1


@pytest.mark.parametrize("retry_after", ["120", "a date 120 s ahead"])
def test_a_long_wait_is_capped_and_said_once(service, retry_after):
    service.mode = "429"
    service.retry_after = _http_date(120) if retry_after.startswith("a date") else retry_after
    clock = FakeClock()
    warnings = []
    coder = _coder(service, clock, warnings)
    for _ in range(2):  # two stops, three retries each: six waits, one word
        with pytest.raises(OnlineFailure):
            coder.reverse(*GION)
    assert clock.sleeps == [60.0] * 6
    assert len(warnings) == 1 and re.fullmatch(
        r"geocoder nominatim asked to wait 12[01] s; waiting at most 60 s at a time", warnings[0])


@pytest.mark.parametrize("retry_after", ["120", "a date 120 s ahead"])
def test_overpass_long_wait_is_capped_and_said_once(service, retry_after):
    service.mode = "429"
    service.retry_after = _http_date(120) if retry_after.startswith("a date") else retry_after
    clock = FakeClock()
    warnings = []
    client = _overpass(service, clock, warnings)
    for _ in range(2):
        with pytest.raises(NearbyFailure):
            client.around(*GION)
    assert clock.sleeps == [60.0] * 6
    assert len(warnings) == 1 and re.fullmatch(
        r"Overpass asked to wait 12[01] s; waiting at most 60 s at a time", warnings[0])


def test_overpass_wait_beyond_the_budget_gives_up_at_once(service):
    service.mode, service.retry_after = "429", "Fri, 01 Jan 2100 00:00:00 GMT"
    clock = FakeClock()
    with pytest.raises(NearbyFailure, match="more than the 600 s left of the online time"):
        _overpass(service, clock).around(*GION)
    assert clock.sleeps == []


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 7 ", 7.0), ("Thu, 01 Jan 1970 00:02:00 GMT", 20.0),
    ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),  # in the past: no wait
    ("\u00b2", None), ("1.5", None), ("-3", None), ("soon", None), ("", None), (None, None),
    ("Thu, 01 Jan 1970 00:02:00", None),  # a date without its zone is no HTTP date
])
def test_retry_after_values(value, seconds):
    assert retry_after_s(value, now=100.0) == seconds


# --- 4. answers of the wrong shape keep the itinerary ------------------------------------

def _extra(*elements):
    def shape(answer):
        answer["elements"] = [*answer["elements"], *elements]
        return answer
    return shape


GOOD = [("Museum <b>&</b> \"Art\"", "see"), ("View", "see"), ("=Ramen 一蘭", "eat")]
SHAPES = {
    "truncated": ("truncated", None, "nearby places are missing: Overpass failed: an answer "
                  "cut short"),
    "elements not a list": ("ok", lambda a: {**a, "elements": "nope"},
                            "nearby places are missing: Overpass answered 'elements' that "
                            "are not a list"),
    "not an object": ("ok", lambda a: [a], "nearby places are missing: Overpass answered "
                      "something that is not an object"),
    "tags a list": ("ok", _extra({"type": "node", "id": 9, "lat": 35.0, "lon": 135.7,
                                  "tags": ["tourism", "museum"]}),
                    "Overpass answered 1 malformed element(s); they are left out"),
    "lat not a number": ("ok", _extra({"type": "node", "id": 9, "lat": "north", "lon": 135.7,
                                       "tags": {"tourism": "museum", "name": "X"}}),
                         "Overpass answered 1 malformed element(s); they are left out"),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_overpass_answers_of_the_wrong_shape_keep_the_itinerary(run, service, trip, shape):
    service.mode, service.shape, message = SHAPES[shape]
    url = f"http://{service.domain}/api/interpreter"
    result = run("scan", str(trip), "-f", "json", "--no-cache", "--nearby",
                 "--overpass-url", url)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    stops = [s for d in json.loads(result.stdout)["days"] for s in d["stops"]]
    assert [s["place"] for s in stops] == OFFLINE
    [warning] = _warnings(result)
    assert warning.startswith(f"warning: {message}")
    found = [[(p["name"], p["kind"]) for p in s["nearby"]] for s in stops]
    if "malformed element" in message:  # the rest of each answer is kept
        assert found == [GOOD] * 3
        assert service.count("/api/interpreter") == 3
    else:
        assert found == [[]] * 3
        assert service.count("/api/interpreter") == 1  # no more asking after a failure


@pytest.mark.parametrize("element", [
    "a string", None, ["a", "list"],
    {"type": "node", "id": 9, "lat": 35.0, "lon": 135.7, "tags": "museum"},
    {"type": "node", "id": 9, "lat": 35.0, "lon": 135.7,
     "tags": {"tourism": "museum", "name": 5}},
    {"type": "node", "id": 9, "lat": float("nan"), "lon": 135.7,
     "tags": {"tourism": "museum", "name": "X"}},
    {"type": "node", "id": 9, "lat": 91, "lon": 135.7, "tags": {"tourism": "museum", "name": "X"}},
    {"type": "node", "id": 9, "lat": True, "lon": 135.7,
     "tags": {"tourism": "museum", "name": "X"}},
    {"type": "way", "id": 9, "center": [35.0, 135.7], "tags": {"tourism": "museum", "name": "X"}},
    {"type": "way", "id": 9, "center": {"lat": 35.0}, "tags": {"tourism": "museum", "name": "X"}},
    {"type": "node", "id": "9/../x", "lat": 35.0, "lon": 135.7,
     "tags": {"tourism": "museum", "name": "X"}},
    {"type": "<script>", "id": 9, "lat": 35.0, "lon": 135.7,
     "tags": {"tourism": "museum", "name": "X"}},
])
def test_each_malformed_element_is_counted_and_left_out(element):
    good = {"type": "node", "id": 1, "lat": 35.0, "lon": 135.7,
            "tags": {"tourism": "museum", "name": "Good"}}
    unlisted = {"type": "node", "id": 2, "lat": 35.0, "lon": 135.7, "tags": {"shop": "x"}}
    places, malformed = parse_counting({"elements": [good, element, unlisted]}, 35.0, 135.7)
    assert [p.name for p in places] == ["Good"] and malformed == 1
    assert places[0].osm_url == "https://www.openstreetmap.org/node/1"


def _nominatim(answer, **changes):
    return {**answer, **changes}


GEOCODER_SHAPES = {
    "address names a list": ("nominatim", lambda a: _nominatim(
        a, name=None, address={**a["address"], "city": ["Kyoto"]})),
    "country code a number": ("nominatim", lambda a: _nominatim(
        a, address={**a["address"], "country_code": 81})),
    "lat not a number": ("nominatim", lambda a: _nominatim(a, lat="north")),
    "a list of numbers": ("nominatim", lambda a: [1, 2]),
    "a string": ("nominatim", lambda a: "nope"),
    "photon name a number": ("photon", lambda a: {**a, "features": [{
        **a["features"][0], "properties": {**a["features"][0]["properties"], "name": 5}}]}),
    "photon features a string": ("photon", lambda a: {**a, "features": "nope"}),
    "photon no geometry": ("photon", lambda a: {**a, "features": [{"properties": {}}]}),
}


@pytest.mark.parametrize("shape", list(GEOCODER_SHAPES))
def test_geocoder_answers_of_the_wrong_shape_fall_back_offline(run, service, trip, shape):
    name, service.shape = GEOCODER_SHAPES[shape]
    result = run("scan", str(trip), "-f", "json", "--no-cache", *online(service, name))
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert _places(result) == OFFLINE
    [warning] = _warnings(result)
    assert warning.startswith(f"warning: geocoder {name} failed (")
    assert service.count("/reverse") == 1


def test_fetch_gives_no_answer_after_the_deadline_whatever_the_server_does(service):
    """The bounded request on its own: 0.3 s against a drip of 0.6 s."""
    service.mode = "drip-head"
    with pytest.raises(polite.FetchError) as caught:
        polite.fetch(f"http://{service.domain}/reverse?format=json&lat=35.0037&lon=135.7788",
                     headers={}, seconds=0.3)
    assert caught.value.kind == "timeout"
    service.mode = "ok"
    answer = polite.fetch(f"http://{service.domain}/reverse?format=json&lat=35.0037&lon=135.7788",
                          headers={}, seconds=5)
    assert answer.status == 200 and json.loads(answer.body)["name"] == "=Gion, 祇園"


# --- the run's budget from the command line ----------------------------------------------

def test_online_budget_option_bounds_the_geocoder(run, service, trip, waits):
    """--online-budget 4 with 3 s between requests: two stops are named online, then the
    run finishes with offline names and says so once."""
    result = run("scan", str(trip), "-f", "json", "--geocoder", "nominatim",
                 "--geocoder-option", f"domain={service.domain}", "--geocoder-option",
                 "scheme=http", "--geocoder-option", "min_delay=3", "--online-budget", "4")
    assert result.exit_code == 0, result.stderr
    places = [s["place"] for d in json.loads(result.stdout)["days"] for s in d["stops"]]
    assert places[:2] == ONLINE[:2]
    assert "日本" not in places[2]  # the offline name
    assert result.stderr.count("the online time budget of 4 s is spent") == 1
    assert waits.sleeps == [3.0]


def test_online_budget_option_bounds_nearby_places(run, service, trip, waits):
    service.mode = "500"
    result = run("scan", str(trip), "-f", "json", "--nearby", "--overpass-url",
                 f"http://{service.domain}/api/interpreter", "--online-budget", "2")
    assert result.exit_code == 0, result.stderr
    assert waits.sleeps == [1.0]  # the second backoff (2 s) would not fit in 2 s
    assert "the online time budget of 2 s is spent" in result.stderr
