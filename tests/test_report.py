"""The trip report: Markdown sections per day, and a self-contained printable HTML page."""

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from tripexif.export import Options
from tripexif.export.markdown import md_text, to_markdown
from tripexif.export.report import to_report
from tripexif.model import Itinerary, Place, Trip

import built
from trips import Shot, write


def sections(markdown: str, level: str) -> dict[str, str]:
    """The text under each heading of ``level`` ("#", "##"), by heading."""
    found: dict[str, str] = {}
    pattern = rf"^{level} (.+)$"
    parts = re.split(pattern, markdown, flags=re.M)
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        found[title] = body
    return found


def test_markdown_has_a_section_per_day_with_stops_night_and_links():
    text = to_markdown(built.japan())
    trips = sections(text, "#")
    assert list(trips) == ["Japan: Kyoto, Nara"]
    assert "2025-04-02 to 2025-04-03 · 2 days · 1 night · Japan · 44.7 km · 21 photos" in text
    assert "By ground 36.3 km · walk 8.4 km" in text
    days = sections(text, "##")
    assert list(days) == ["Wednesday 2 April 2025 (Asia/Tokyo)",
                          "Thursday 3 April 2025 (Asia/Tokyo)"]
    first, second = days.values()
    items = [line for line in first.splitlines() if line.startswith("- ")]
    assert items == [
        "- **1. Kyoto, Japan** · 09:00–09:10 · 3 photos (1 placed) · start of the trip",
        "- **2. Gion, Kyoto, Japan** · 12:00–12:10 · 3 photos · 4.1 km from the previous stop",
        "- *passing 35.01000, 135.77000* · 14:00 · 1 photo · 1.1 km from the previous stop",
    ]
    assert "[p2025-04-02-1-0.jpg](trip/p2025-04-02-1-0.jpg)" in first
    assert "**Night:** Gion, Kyoto, Japan" in first and "Night" not in second
    # the next day's first stop: its distance from the evening before, not "start"
    assert "- **1. Nara, Japan** · 10:00–10:05 · 2 photos · 36.3 km from the previous" \
        in second
    assert "12 photos (3 placed)" in second
    assert text.count("start of the trip") == 1


def test_markdown_sections_per_trip_and_nearby_places():
    from tripexif.geocode.nearby import NearbyPlace

    japan = built.japan()
    pacific = built.pacific()
    near = (NearbyPlace("Kiyomizu-dera", "place_of_worship", "see", 120, "https://osm/1"),)
    stop = pacific.days[0].stops[0]._replace(nearby=near)
    day = pacific.days[0]._replace(stops=(stop, *pacific.days[0].stops[1:]))
    trip2 = Trip("2025-06-01", "Fiji and Samoa", (day, pacific.days[1]))
    both = Itinerary(japan.days + (day, pacific.days[1]), trips=japan.trips + (trip2,))
    text = to_markdown(both)
    assert list(sections(text, "#")) == ["Japan: Kyoto, Nara", "Fiji and Samoa"]
    assert len(sections(text, "##")) == 4
    assert "  - nearby: Kiyomizu-dera (place of worship, 120 m)" in text
    assert "\n---\n" in text


def test_markdown_escapes_user_text():
    assert md_text("*[x](javascript:alert(1))*") == "\\*\\[x\\](javascript:alert(1))\\*"
    assert md_text("<b>\x1b[2J") == "\\<b\\>\\\\x1b\\[2J"
    assert md_text("# Bar") == "\\# Bar" and md_text("C# Bar") == "C# Bar"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href", "srcset", "action", "data")]


def test_report_html_is_self_contained_with_a_route_per_day():
    thumb = b"\xff\xd8\xff\xe0fake"
    page = to_report(built.japan(), Options(thumbnail=lambda path: thumb))
    parser = Links()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags
    external = [u for u in parser.urls if not u.startswith("data:image/jpeg;base64,")
                and not u.startswith("trip/")]
    assert external == []
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", page)
    assert page.count('<section class="day"') == 2
    assert page.count("<svg") == 2
    assert page.count('<circle class="stop"') == 4 and page.count('<circle class="waypoint"') == 1
    assert page.count('<li class="stop"') == 4
    assert page.count("data:image/jpeg;base64,") == 3 + 3 + 2 + 6  # 6 thumbnails a stop
    assert "<strong>Night:</strong> Gion, Kyoto, Japan" in page
    assert "3 photos (1 placed)" in page
    css = page.split("@media print", 1)[1]
    assert "section.day + section.day" in css and "break-before: page" in css


def test_report_escapes_names():
    itinerary = built.japan()
    day = itinerary.days[0]
    stop = day.stops[0]._replace(place=Place("<img src=x onerror=alert(1)>"))
    text = to_report(Itinerary((day._replace(stops=(stop,)),)))
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_report_across_the_date_line_is_one_route():
    page = to_report(built.pacific())
    # each day's route sits in its own box: no stop drawn outside the SVG's 360×220
    for x, y in re.findall(r'<circle class="stop" cx="([\d.-]+)" cy="([\d.-]+)"', page):
        assert 0 <= float(x) <= 360 and 0 <= float(y) <= 220


@pytest.fixture
def trip_folder(tmp_path):
    start = datetime(2025, 4, 2, 9, 0)
    shots = [Shot(f"d{d}s{s}p{i}.jpg", start + timedelta(days=d, hours=3 * s, minutes=i),
                  "Asia/Tokyo", 34.9671 + 0.03 * s - 0.3 * d, 135.7727 + 0.02 * d)
             for d in range(3) for s in range(2) for i in range(2)]
    return write(tmp_path / "photos" / "japan", shots)


def test_report_formats_by_extension_and_flag(run, tmp_path, trip_folder):
    md = tmp_path / "out" / "trip.md"
    md.parent.mkdir()
    assert run("scan", str(trip_folder), "-o", str(md), "--no-cache", "-q").exit_code == 0
    text = md.read_text()
    assert len(sections(text, "##")) == 3
    assert "(../photos/japan/d0s0p0.jpg)" in text  # relative to the report's folder
    report = tmp_path / "trip.report.html"
    assert run("scan", str(trip_folder), "-o", str(report), "--no-cache", "-q").exit_code == 0
    assert report.read_text().count('<section class="day"') == 3
    assert 'href="photos/japan/d0s0p0.jpg"' in report.read_text()
    html = tmp_path / "trip.html"
    assert run("scan", str(trip_folder), "-f", "report", "-o", str(html), "--no-cache",
               "-q").exit_code == 0
    assert '<section class="day"' in html.read_text()
    assert run("scan", str(trip_folder), "-o", str(html), "--no-cache", "-q").exit_code == 0
    assert "leaflet" in html.read_text().lower()  # .html alone stays the map
    piped = run("scan", str(trip_folder), "-f", "md", "--no-cache", "-q",
                "--title", "Kansai *spring*")
    assert piped.stdout.startswith("# Kansai \\*spring\\*\n")


def test_days_at_home_are_left_out_and_said_so():
    japan = built.japan()
    home_day = built.pacific().days[0]  # trip None: a day at home
    itinerary = Itinerary(japan.days + (home_day,), trips=japan.trips)
    text = to_markdown(itinerary)
    assert len(sections(text, "##")) == 2 and "1 day at home is not in this report." in text
    assert "1 day at home is not in this report." in to_report(itinerary)


def test_no_photos_says_so():
    assert to_markdown(Itinerary(())) == "# Trip\n\nNo located photos.\n"
    assert "<h1>Trip</h1><p>No located photos.</p>" in to_report(Itinerary(()))


def test_report_thumbnails_from_exif(run, corpus, tmp_path):
    report = tmp_path / "trip.report.html"
    folder = corpus / "exif-samples" / "jpg" / "gps"
    assert run("scan", str(folder), "-o", str(report), "--thumbnails", "--no-cache",
               "-q").exit_code == 0
    assert report.read_text().count('src="data:image/jpeg;base64,/9j/') >= 2
    plain = tmp_path / "plain.report.html"
    assert run("scan", str(folder), "-o", str(plain), "--no-cache", "-q").exit_code == 0
    assert "data:image/jpeg" not in plain.read_text()
