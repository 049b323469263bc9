"""Render the README's pictures in headless Chromium from the example trip:
docs/map.png (1280×800, a popup open), docs/map-phone.png (390×844, the legend collapsed)
and docs/report.png (the report's first page).

    python scripts/screenshot_map.py        # needs the dev extra and Debian's chromium

Pages are opened with the network blocked, so the map shows the trip (clusters, markers,
routes, legend, a popup) over Leaflet's empty background rather than map tiles.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def tripexif(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "tripexif", *args, "-q", "--no-cache"], check=True)


def local_only(page: Page) -> None:
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(("file:", "data:")) else route.abort())


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        map_file = Path(folder) / "trip.html"
        report_file = Path(folder) / "trip.report.html"
        photos = str(ROOT / "examples/photos")
        tripexif("map", photos, "-o", str(map_file), "--thumbnails")
        tripexif("scan", photos, "-o", str(report_file), "--thumbnails")
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            local_only(page)
            page.goto(map_file.as_uri())
            page.wait_for_function("window.tripMap !== undefined")
            page.locator(".stop-marker").first.click()
            page.wait_for_selector(".leaflet-popup-content")
            page.wait_for_timeout(600)  # let the popup finish fading in
            page.screenshot(path=str(DOCS / "map.png"))
            page.close()
            page = browser.new_page(viewport={"width": 390, "height": 844},
                                    device_scale_factor=2)
            local_only(page)
            page.goto(map_file.as_uri())
            page.wait_for_function("window.tripMap !== undefined")
            page.wait_for_timeout(400)
            page.screenshot(path=str(DOCS / "map-phone.png"), scale="css")
            page.close()
            page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
            local_only(page)
            page.goto(report_file.as_uri())
            page.emulate_media(media="print")
            # the first printed page: what comes before the break ahead of the second day,
            # inside the page's 14 mm margins
            page.add_style_tag(content="section.day ~ section.day, .missing, footer "
                                       "{ display: none; } body { padding: 14mm; }")
            page.screenshot(path=str(DOCS / "report.png"))
            browser.close()


if __name__ == "__main__":
    main()
