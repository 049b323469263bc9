"""The HTML map, opened in headless Chromium with the network blocked."""

import json
import os
import shutil
from datetime import datetime, timedelta

import pytest

from tripexif.api import load
from tripexif.clock.times import TimeSettings
from tripexif.export.html_map import to_html
from tripexif.model import Place
from tripexif.trip.itinerary import ClusterSettings, build

from trips import Shot, write

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
XSS = '<img src=x onerror="window.__xss=1">'


class XssGeocoder:
    name = "xss"

    def reverse(self, lat, lon):
        if lat > 35:
            return Place(name=XSS, country="Japan", country_code="JP")
        return Place(name="Fushimi", admin1="Kyoto", country="Japan", country_code="JP")


@pytest.fixture
def itinerary(tmp_path):
    start = datetime(2025, 4, 2, 9, 0)
    shots = []
    places = [(34.9671, 135.7727), (35.0037, 135.7788)]
    for day in range(2):
        for stop, pos in enumerate(places):
            for i in range(2):
                shots.append(Shot(f"d{day}s{stop}p{i}.jpg",
                                  start + timedelta(days=day, hours=3 * stop, minutes=i),
                                  "Asia/Tokyo", *pos))
    shots.append(Shot("passing.jpg", start + timedelta(hours=5), "Asia/Tokyo", 34.8843, 135.80))
    photos = load([str(write(tmp_path / "t", shots))], TimeSettings()).photos
    return build(photos, ClusterSettings(), XssGeocoder())


def test_page_is_self_contained_and_data_is_inert(itinerary):
    page = to_html(itinerary)
    assert "<script src" not in page and "<link" not in page  # nothing from a CDN
    assert XSS not in page  # names only travel as escaped JSON
    data = page.split('id="trip-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data)["days"][0]["points"][1]["place"] == XSS + ", Japan"


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian package chromium)")
def test_map_in_a_real_browser(itinerary, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    page_file = tmp_path / "trip.html"
    page_file.write_text(to_html(itinerary), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            blocked = []

            def block(route):
                if not route.request.url.startswith(("file:", "data:")):
                    blocked.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", block)
            page.goto(page_file.as_uri())
            page.wait_for_function("window.tripMap !== undefined")
            assert errors == []
            # each place's two stops (one a day, at the same spot) are one cluster
            assert page.locator(".stop-cluster").count() == 2
            assert page.locator(".stop-marker").count() == 0
            assert page.locator("path.waypoint-dot").count() == 1
            assert page.locator("path.trip-route").count() == 2
            assert page.locator("path.trip-travel").count() == 1  # evening to next morning
            assert all(u.startswith("https://tile.openstreetmap.org/") for u in blocked)
            # the legend hides a day (day 2's markers sit on top of day 1's)
            page.locator('.legend input[data-day="2025-04-03"]').uncheck()
            assert page.locator(".stop-marker").count() == 2
            assert page.locator(".stop-cluster").count() == 0
            assert page.locator("path.trip-route").count() == 1
            assert page.locator("path.trip-travel").count() == 0
            page.locator(".stop-marker", has_text="2").click()
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for()
            text = popup.inner_text()
            assert XSS in text and "2025-04-02" in text and "2 photos" in text
            assert page.evaluate("window.__xss") is None
            assert page.locator(".leaflet-popup-content img").count() == 0
            assert "OpenStreetMap contributors" in page.locator(
                ".leaflet-control-attribution").inner_text()
            page.locator('.legend input[data-day="2025-04-03"]').check()
            assert page.locator(".stop-cluster").count() == 2
            assert errors == []
        finally:
            browser.close()


def test_map_command(run, tmp_path, make_photo):
    import synth

    make_photo("t/a.jpg", synth.Exif(datetime_original="2025:04:02 09:00:00", lat=35.0, lon=135.7))
    make_photo("t/b.jpg", synth.Exif(datetime_original="2025:04:02 09:05:00", lat=35.0, lon=135.7))
    out = tmp_path / "trip.html"
    result = run("map", str(tmp_path / "t"), "-o", str(out), "--tiles",
                 "https://tiles.example/{z}/{x}/{y}.png", "--tiles-attribution", "© Example")
    assert result.exit_code == 0, result.stderr
    page = out.read_text()
    assert "https://tiles.example/{z}/{x}/{y}.png" in page and "© Example" in page
    assert oct(os.stat(out).st_mode & 0o777) != "0o600"
    result = run("map", str(tmp_path / "t"), "-o", str(tmp_path / "trip.json"))
    assert result.exit_code == 2 and "name it *.html" in result.stderr
    result = run("scan", str(tmp_path / "t"), "-o", str(tmp_path / "scan.html"))
    assert result.exit_code == 0 and "leaflet" in (tmp_path / "scan.html").read_text().lower()
    result = run("map", str(tmp_path / "t"), "-o", str(out), "--title", "Kyoto <b>spring</b>")
    page = out.read_text()
    assert "<title>Kyoto &lt;b&gt;spring&lt;/b&gt;</title>" in page
    data = json.loads(page.split('id="trip-data">', 1)[1].split("</script>", 1)[0])
    assert data["title"] == "Kyoto <b>spring</b>"  # shown by textContent, as text


def test_thumbnails_come_from_exif_only_when_asked(run, corpus, tmp_path):
    folder = corpus / "exif-samples" / "jpg" / "gps"
    plain = tmp_path / "plain.html"
    with_thumbs = tmp_path / "thumbs.html"
    assert run("map", str(folder), "-o", str(plain), "--no-cache").exit_code == 0
    assert run("map", str(folder), "-o", str(with_thumbs), "--thumbnails",
               "--no-cache").exit_code == 0
    assert "data:image/jpeg;base64,/9j/" not in plain.read_text()
    page = with_thumbs.read_text()
    assert page.count("data:image/jpeg;base64,/9j/") >= 2
    biggest = max(path.stat().st_size for path in folder.iterdir())
    assert len(page) < 2 * biggest + 400_000  # thumbnails, never the full images


def test_progress_can_be_forced(run, tmp_path, make_photo):
    make_photo("t/a.jpg")
    result = run("photos", str(tmp_path / "t"), "--progress", "-f", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # stdout stays clean data


def test_map_data_follows_trips_legs_nights_and_placed_photos():
    from tripexif.export.html_map import map_data
    from tripexif.model import Itinerary, Trip

    import built

    pacific = built.pacific()
    fiji, samoa = pacific.days
    flight = built.flight_leg(fiji.stops[-1], samoa.stops[0])
    trips = (Trip("2025-06-01", "Fiji", (fiji,)), Trip("2025-06-02", "Samoa", (samoa,)))
    japan = built.japan()
    data = map_data(japan)
    assert [t["title"] for t in data["trips"]] == ["Japan: Kyoto, Nara"]
    assert data["days"][0]["night"] == "Gion, Kyoto, Japan"
    points = data["days"][1]["points"]
    assert points[1]["photos"] == "12 photos (3 placed)" and points[1]["placed"] == 0.25
    assert points[0]["files"][0]["href"] == "trip/p2025-04-03-1-0.jpg"
    assert data["days"][0]["points"][0]["distance"] is None  # the trip's first stop
    # a flight leg of the trips stage is drawn along its own arc, across ±180 unwrapped
    one = Trip("2025-06-01", "Fiji and Samoa", (fiji, samoa), (flight,))
    data = map_data(Itinerary(pacific.days, trips=(one,)))
    travel = data["days"][1]["travel"]
    assert [t["mode"] for t in travel] == ["flight"] and len(travel[0]["path"]) == len(
        flight.path)
    lons = [lon for _, lon in travel[0]["path"]]
    assert all(abs(b - a) < 10 for a, b in zip(lons, lons[1:], strict=False))
    samoa_lon = data["days"][1]["points"][0]["lon"]
    assert abs(lons[-1] - samoa_lon) < 1e-6 and abs(samoa_lon - lons[0]) < 20
    # two trips: two entries in the legend, each with its day
    data = map_data(Itinerary(pacific.days, trips=trips))
    assert [(t["title"], t["days"]) for t in data["trips"]] == [("Fiji", [0]), ("Samoa", [1])]
    assert data["title"] == "Trips" and data["summary"].startswith("2 trips · 2 days")


def test_days_at_home_are_on_the_map_without_travel_between_them():
    from tripexif.export.html_map import map_data
    from tripexif.export.kml import to_kml
    from tripexif.model import Itinerary

    import built

    japan = built.japan()
    fiji, samoa = built.pacific().days  # trip None: days at home
    data = map_data(Itinerary(japan.days + (fiji, samoa), trips=japan.trips))
    assert [t["title"] for t in data["trips"]] == ["Japan: Kyoto, Nara", "At home"]
    assert [d["travel"] for d in data["days"][2:]] == [[], []]
    assert len({d["colour"] for d in data["days"]}) == 4
    assert "<name>At home</name>" in to_kml(Itinerary(japan.days + (fiji,), trips=japan.trips))
