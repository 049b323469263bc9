"""Render docs/map.png: the example trip's map in headless Chromium.

    python scripts/screenshot_map.py        # needs the dev extra and Debian's chromium

The page is opened with the network blocked, so the screenshot shows the trip (markers,
routes, legend, a popup) over Leaflet's empty background rather than map tiles.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "trip.html"
        subprocess.run([sys.executable, "-m", "tripexif", "map", str(ROOT / "examples/photos"),
                        "-o", str(page_file), "-q", "--no-cache"], check=True)
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1000, "height": 640})
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith("file:") else route.abort())
            page.goto(page_file.as_uri())
            page.wait_for_selector(".stop-marker")
            page.locator(".stop-marker").nth(4).click()
            page.wait_for_selector(".leaflet-popup-content")
            page.wait_for_timeout(600)  # let the popup finish fading in
            page.screenshot(path=str(ROOT / "docs" / "map.png"))
            browser.close()


if __name__ == "__main__":
    main()
