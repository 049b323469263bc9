"""The map and the report in headless Chromium, at 1280×800 and 390×844, on generated trips:
one across the date line (Fiji to Samoa) and one of 21 days. Screenshots go to the test's
output folder (tmp_path). The network is blocked: only tile requests are tried."""

import json
import re
import shutil
from datetime import datetime, timedelta

import pytest

from trips import Shot, write

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="no Chromium installed (Debian package chromium)")
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

# Fiji two days, a flight east across 180° to Samoa, two days there
PACIFIC = [("Pacific/Fiji", -17.7765, 177.4356), ("Pacific/Fiji", -18.1416, 178.4419),
           ("Pacific/Apia", -13.8333, -171.7667), ("Pacific/Apia", -13.9950, -171.9000)]
# 21 days: a week each in Kyoto, Osaka and Tokyo, three stops a day a few hundred metres to
# a few km apart (dense: the fitted map must cluster them)
CITIES = [(34.9950, 135.7650), (34.6937, 135.5023), (35.6812, 139.7671)]


def pacific_shots():
    shots = []
    for day, (zone, lat, lon) in enumerate(PACIFIC):
        start = datetime(2025, 6, 1, 9, 0) + timedelta(days=day)
        for stop in range(2):
            for i in range(2):
                shots.append(Shot(f"p{day}{stop}{i}.jpg",
                                  start + timedelta(hours=4 * stop, minutes=5 * i), zone,
                                  lat + 0.02 * stop, lon + 0.03 * stop))
    return shots


def long_shots():
    shots = []
    for day in range(21):
        lat, lon = CITIES[day // 7]
        start = datetime(2025, 4, 1, 9, 0) + timedelta(days=day)
        for stop in range(3):
            for i in range(2):
                shots.append(Shot(f"d{day:02d}s{stop}p{i}.jpg",
                                  start + timedelta(hours=3 * stop, minutes=4 * i),
                                  "Asia/Tokyo", lat + 0.004 * stop + 0.002 * (day % 7),
                                  lon + 0.006 * stop - 0.003 * (day % 7)))
    return shots


def make_page(run, folder, name, shots, *extra):
    photos = write(folder / "photos", shots)
    page = folder / f"{name}.html"
    result = run("map", str(photos), "-o", str(page), "--no-cache", "-q", *extra)
    assert result.exit_code == 0, result.stderr
    stops = json.loads(run("scan", str(photos), "-f", "json", "--no-cache", "-q").stdout)
    return page, sum(len(d["stops"]) for d in stops["days"]), len(stops["days"])


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        try:
            yield browser
        finally:
            browser.close()


def open_page(chromium, path, size):
    width, height = SIZES[size]
    page = chromium.new_page(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(("file:", "data:")) else route.abort())
    page.goto(path.as_uri())
    page.wait_for_function("window.tripMap !== undefined")
    return page, errors


def every_stop_shown(page):
    """Each stop marker is on the map itself or inside a visible cluster."""
    return page.evaluate("""() => {
        const {cluster, layers} = window.tripMap;
        const markers = layers.flatMap(layer => layer.markers);
        const hidden = markers.filter(m => !cluster.getVisibleParent(m));
        return [markers.length, hidden.length];
    }""")


def settled(page):
    """Wait for the clusters' zoom animation to end (markers move for 0.3 s)."""
    page.wait_for_function("!document.querySelector('.leaflet-cluster-anim')")


def open_a_popup(page):
    """Zoom into clusters until a stop marker shows, click it: its popup's text."""
    for _ in range(8):
        if page.locator(".stop-marker").count():
            break
        zoom_after(page, lambda: page.locator(".stop-cluster").first.click())
        settled(page)
    page.locator(".stop-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    return popup


def legend_share(page, size):
    box = page.locator(".legend").bounding_box()
    width, height = SIZES[size]
    return box["width"] * box["height"] / (width * height)


def zoom_after(page, action):
    """The map's zoom once ``action`` has made it move."""
    page.evaluate("""() => { window.__moved = new Promise(resolve =>
        window.tripMap.map.once('zoomend', () => resolve(window.tripMap.map.getZoom()))); }""")
    action()
    return page.evaluate("() => window.__moved")


@pytest.mark.parametrize("size", list(SIZES))
def test_map_across_the_date_line(run, chromium, tmp_path, size):
    path, stops, days = make_page(run, tmp_path, "pacific", pacific_shots())
    page, errors = open_page(chromium, path, size)
    try:
        assert every_stop_shown(page) == [stops, 0] and stops == 8
        # fitted: Fiji and Samoa in one view, not the world
        west, east = page.evaluate("""() => { const b = window.tripMap.map.getBounds();
            return [b.getWest(), b.getEast()]; }""")
        assert east - west < 60
        assert page.evaluate("""() => { const b = window.tripMap.map.getBounds();
            return window.tripMap.layers.flatMap(l => l.markers)
                .every(m => b.contains(m.getLatLng())); }""")
        # the flight to Samoa is drawn as an arc (dashed), the days' routes as lines
        assert page.locator("path.trip-flight").count() == 1
        arc = page.evaluate("""() => { let n = 0; window.tripMap.layers.forEach(l =>
            l.lines.eachLayer(x => { if (x.options.className.includes('trip-flight'))
                n = x.getLatLngs().length; })); return n; }""")
        assert arc > 8
        assert page.locator("path.trip-route").count() == days
        title = page.locator(".heading h1").inner_text()
        assert title == "Fiji, Samoa"  # the trips stage's title
        if size == "phone":
            assert page.locator(".legend").get_attribute("open") is None  # collapsed
        assert legend_share(page, size) <= 0.25
        page.screenshot(path=str(tmp_path / f"pacific-{size}.png"))
        popup = open_a_popup(page)
        assert "photos" in popup.inner_text() and "2025-06-0" in popup.inner_text()
        assert popup.locator("a").first.get_attribute("href").startswith("photos/p")
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_map_of_a_long_trip(run, chromium, tmp_path, size):
    path, stops, days = make_page(run, tmp_path, "long", long_shots())
    assert days == 21 and stops == 63
    page, errors = open_page(chromium, path, size)
    try:
        assert every_stop_shown(page) == [63, 0]
        colours = page.evaluate("() => window.tripMap.layers.map((l, i) => i)")
        assert len(colours) == 21
        data = json.loads(page.locator("#trip-data").inner_text())
        assert len({d["colour"] for d in data["days"]}) == 21  # no colour used twice
        # six travels between cities' days drawn dashed... one per day after the first
        assert page.locator("path.trip-travel").count() == 20
        clusters = page.locator(".stop-cluster")
        assert clusters.count() >= 1
        page.screenshot(path=str(tmp_path / f"long-{size}.png"))
        if size == "phone":
            assert legend_share(page, size) <= 0.25
            page.locator(".legend summary").click()  # opened, it still keeps to a quarter
            assert page.locator(".legend").get_attribute("open") is not None
            assert legend_share(page, size) <= 0.25
            page.screenshot(path=str(tmp_path / f"long-{size}-legend.png"))
            page.locator(".legend summary").click()
        else:
            assert page.locator(".legend").get_attribute("open") is not None
            assert legend_share(page, size) <= 0.25
            # fitted beside the open legend and under the title: nothing hidden by them
            for panel in (".legend", ".heading"):
                box = page.locator(panel).bounding_box()
                for icon in page.locator(".stop-cluster, .stop-marker").all():
                    spot = icon.bounding_box()
                    assert (spot["x"] > box["x"] + box["width"] or spot["x"] + spot["width"]
                            < box["x"] or spot["y"] > box["y"] + box["height"]
                            or spot["y"] + spot["height"] < box["y"]), panel
        before = page.evaluate("() => window.tripMap.map.getZoom()")
        after = zoom_after(page, lambda: clusters.first.click())
        assert after > before  # a cluster zooms in on a click
        text = open_a_popup(page).inner_text()
        assert "2 photos" in text and "2025-04-" in text
        assert errors == []
    finally:
        page.close()


def test_legend_hides_and_shows_days(run, chromium, tmp_path):
    path, stops, _ = make_page(run, tmp_path, "pacific", pacific_shots())
    page, errors = open_page(chromium, path, "desktop")
    try:
        shown = "() => window.tripMap.cluster.getLayers().length"
        assert page.evaluate(shown) == stops
        page.locator('.legend input[data-day="2025-06-03"]').uncheck()
        assert page.evaluate(shown) == stops - 2
        # the day's route and its arriving flight go with it
        assert page.locator("path.trip-flight").count() == 0
        page.locator('.legend input[data-day="2025-06-03"]').check()
        assert page.evaluate(shown) == stops
        assert page.locator("path.trip-flight").count() == 1
        assert errors == []
    finally:
        page.close()


def test_report_prints_a_page_a_day(run, chromium, tmp_path):
    photos = write(tmp_path / "photos", pacific_shots())
    report = tmp_path / "trip.report.html"
    assert run("scan", str(photos), "-o", str(report), "--no-cache", "-q").exit_code == 0
    page = chromium.new_page(viewport={"width": 900, "height": 1200})
    requests = []
    page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()))
    try:
        page.goto(report.as_uri())
        assert requests == [report.as_uri()]  # nothing else is fetched
        assert page.locator("section.day svg.route").count() == 4
        page.screenshot(path=str(tmp_path / "report.png"))
        for paper in ("A4", "Letter"):  # a page a day: a break before each day after the first
            pdf = page.pdf(format=paper)
            assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 4, paper
    finally:
        page.close()


def test_legend_hides_a_whole_trip(chromium, tmp_path):
    from tripexif.export.html_map import to_html
    from tripexif.model import Itinerary, Trip

    import built

    pacific = built.pacific()
    fiji, samoa = pacific.days
    trips = (Trip("2025-06-01", "Fiji", (fiji,)), Trip("2025-06-02", "Samoa", (samoa,)))
    path = tmp_path / "trips.html"
    path.write_text(to_html(Itinerary(pacific.days, trips=trips)), encoding="utf-8")
    page, errors = open_page(chromium, path, "desktop")
    try:
        shown = "() => window.tripMap.cluster.getLayers().length"
        assert page.evaluate(shown) == 4
        page.locator('.legend input[data-trip="2025-06-02"]').uncheck()
        assert page.evaluate(shown) == 2
        assert not page.locator('.legend input[data-day="2025-06-02"]').is_checked()
        page.locator('.legend input[data-trip="2025-06-02"]').check()
        assert page.evaluate(shown) == 4
        assert errors == []
    finally:
        page.close()


def test_placed_photos_make_a_stop_lighter(chromium, tmp_path):
    from tripexif.export.html_map import to_html

    import built

    path = tmp_path / "japan.html"
    path.write_text(to_html(built.japan()), encoding="utf-8")
    page, errors = open_page(chromium, path, "desktop")
    try:
        # each marker's icon, drawn off-screen as the map draws it
        opacities = page.evaluate("""() => window.tripMap.layers.flatMap(l => l.markers)
            .map(m => { const box = document.createElement('div');
                box.innerHTML = m.options.icon.options.html;
                document.body.appendChild(box);
                const node = box.firstChild;
                const seen = [m.options.day.date, node.textContent,
                              getComputedStyle(node).opacity, node.classList.contains('placed')];
                box.remove();
                return seen; })""")
        # Kyoto: 1 of 3 photos placed; the second Nara stop: 3 of 12; the others none
        assert [(day, n, o) for day, n, o, marked in opacities if marked] == [
            ("2025-04-02", "1", "0.835"), ("2025-04-03", "2", "0.875")]
        assert all(o == "1" for _, _, o, marked in opacities if not marked)
        assert errors == []
    finally:
        page.close()
