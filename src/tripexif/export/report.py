"""The trip report as one printable, self-contained HTML page (`-f report`).

The Markdown report's journal (export/markdown.py) laid out for reading and printing: the
trip's title, dates and summary; per day its heading, a small overview of the day's route
drawn as inline SVG (no map tiles, no network), the stops with their time range, photos
(their embedded EXIF thumbnails with ``--thumbnails``), distance from the previous stop and
nearby places, and the night. Photos are linked relatively, so the page opens them when it
sits beside them. It prints on A4 or Letter with a page break before each day after the
first. Nothing in the page is fetched from anywhere: no scripts, fonts or images by URL.

User text is HTML-escaped after being made inert; the page has no script at all."""

from __future__ import annotations

import math
from html import escape

from tripexif import __version__
from tripexif.export import ITINERARY, Format, Options
from tripexif.export.geometry import day_colours, route
from tripexif.export.markdown import left_out, stop_facts
from tripexif.export.records import (
    distance_text,
    document_title,
    local_day_title,
    nearby_texts,
    night_text,
    passing,
    photo_link,
    place_label,
    plural,
    shared_name,
    trip_summary_text,
    trips_of,
)
from tripexif.export.textsafe import inert
from tripexif.model import Day, Itinerary, Stop, Trip
from tripexif.trip.geo import EARTH_RADIUS_KM, unwrap

THUMBNAILS_PER_STOP = 6
FILES_PER_STOP = 12
SVG_WIDTH, SVG_HEIGHT, SVG_PAD = 360, 220, 22


def _h(text: str) -> str:
    return escape(inert(text), quote=True)


def _data_url(jpeg: bytes) -> str:
    import base64

    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def _nice(km: float) -> float:
    """A round length for the scale bar, at most ``km``: 1, 2 or 5 times a power of ten."""
    if km <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(km))
    return max(step * power for step in (1, 2, 5) if step * power <= km)


def route_svg(trip: Trip, day: Day, colour: str) -> str:
    """The day's route as a small SVG: an equirectangular projection around the day's
    middle latitude (longitudes unwrapped), numbered stops, waypoints as dots, a scale."""
    stops = day.stops
    line = route(trip, stops)
    if not line:
        return ""
    lons = unwrap([lon for _, lon in line])
    stop_lons = unwrap([line[0][1]] + [s.lon for s in stops])[1:]
    mid = math.radians(sum(lat for lat, _ in line) / len(line))
    squash = max(math.cos(mid), 0.05)
    xs = [lon * squash for lon in lons]
    ys = [-lat for lat, _ in line]
    # at least ~1 km across, so one stop is not drawn at a street's scale
    span_x, span_y = max(max(xs) - min(xs), 0.009), max(max(ys) - min(ys), 0.009)
    scale = min((SVG_WIDTH - 2 * SVG_PAD) / span_x, (SVG_HEIGHT - 2 * SVG_PAD) / span_y)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def at(lat: float, lon: float) -> tuple[float, float]:
        return (SVG_WIDTH / 2 + (lon * squash - cx) * scale,
                SVG_HEIGHT / 2 + (-lat - cy) * scale)

    parts = [f'<svg class="route" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" role="img" '
             f'aria-label="Route of {day.date}" xmlns="http://www.w3.org/2000/svg">',
             f'<rect width="{SVG_WIDTH}" height="{SVG_HEIGHT}" fill="#f6f7f9"/>']
    if len(line) > 1:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in
                          (at(lat, lon) for (lat, _), lon in zip(line, lons, strict=True)))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                     'stroke-width="2.5" stroke-linejoin="round" opacity="0.85"/>')
    for stop, lon in zip(stops, stop_lons, strict=True):
        x, y = at(stop.lat, lon)
        if stop.kind == "stop":
            parts.append(f'<circle class="stop" cx="{x:.1f}" cy="{y:.1f}" r="9" '
                         f'fill="{colour}" stroke="#fff" stroke-width="1.5"/>'
                         f'<text x="{x:.1f}" y="{y + 3.5:.1f}" text-anchor="middle" '
                         f'font-size="10" font-weight="bold" fill="#fff">{stop.index}</text>')
        else:
            parts.append(f'<circle class="waypoint" cx="{x:.1f}" cy="{y:.1f}" r="3" '
                         f'fill="{colour}"/>')
    # scale bar: a round distance about a quarter of the width (a degree of latitude is
    # 111.2 km on the sphere the distances use)
    km_per_px = math.radians(EARTH_RADIUS_KM) / scale
    bar_km = _nice(km_per_px * SVG_WIDTH / 4)
    if bar_km:
        width = bar_km / km_per_px
        y = SVG_HEIGHT - 8
        parts.append(f'<line x1="8" y1="{y}" x2="{8 + width:.1f}" y2="{y}" stroke="#333" '
                     f'stroke-width="2"/><text x="{12 + width:.1f}" y="{y + 3}" '
                     f'font-size="10" fill="#333">{distance_text(bar_km)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _stop_html(stop: Stop, day: Day, colour: str, first: bool, options: Options) -> str:
    facts = stop_facts(stop, first)
    if stop.timezone and stop.timezone != day.timezone:
        facts[0] += f" ({stop.timezone})"
    number = f'<span class="n" style="background:{colour}">{stop.index}</span>' \
        if stop.kind == "stop" else '<span class="n passing">·</span>'
    place = _h(place_label(stop)) + (" (passing)" if passing(stop) else "")
    out = [f'<li class="{stop.kind}">{number}<div><strong>{place}</strong>'
           f'<div class="facts">{" · ".join(_h(f) for f in facts)}</div>']
    if options.thumbnail is not None and stop.kind == "stop":
        thumbs = []
        for path in stop.files:
            data = options.thumbnail(path)
            if data:
                thumbs.append(f'<a href="{_h(photo_link(path, options.base))}">'
                              f'<img src="{_data_url(data)}" alt="{_h(shared_name(path))}">'
                              "</a>")
            if len(thumbs) == THUMBNAILS_PER_STOP:
                break
        if thumbs:
            out.append('<div class="thumbs">' + "".join(thumbs) + "</div>")
    links = [f'<a href="{_h(photo_link(path, options.base))}">'
             f"{_h(shared_name(path, options.full_paths))}</a>"
             for path in stop.files[:FILES_PER_STOP]]
    more = len(stop.files) - FILES_PER_STOP
    if more > 0:
        links.append(f"and {more:,} more")
    out.append('<div class="files">' + ", ".join(links) + "</div>")
    near = nearby_texts(stop)
    if near:
        out.append('<div class="nearby">Nearby: ' + " · ".join(_h(n) for n in near) + "</div>")
    out.append("</div></li>")
    return "".join(out)


def _day_html(trip: Trip, day: Day, colour: str, first: Stop | None, options: Options) -> str:
    zone = day.timezone or "floating time"
    out = [f'<section class="day" id="day-{day.date}">',
           f'<h2><span class="swatch" style="background:{colour}"></span>'
           f"{_h(local_day_title(day.date))} <small>{_h(zone)}</small></h2>",
           '<div class="daybody">', route_svg(trip, day, colour), '<ol class="stops">']
    out += [_stop_html(stop, day, colour, stop is first, options) for stop in day.stops]
    out.append("</ol></div>")
    if not day.stops:
        out.append("<p>No located photos this day.</p>")
    if day.night is not None:
        out.append(f'<p class="night"><strong>Night:</strong> {_h(night_text(day.night))}</p>')
    stops = sum(1 for s in day.stops if s.kind == "stop")
    out.append(f'<p class="daysum">{_h(plural(stops, "stop"))} · '
               f"{_h(distance_text(day.distance_km))}</p></section>")
    return "\n".join(out)


def _trip_html(trip: Trip, colours: dict[str, str], options: Options,
               title: str | None) -> str:
    out = [f'<article class="trip" id="trip-{_h(trip.id)}">',
           f"<h1>{_h(title or trip.title)}</h1>",
           f'<p class="summary">{_h(trip_summary_text(trip))}</p>']
    modes = trip.distance_by_mode()
    if modes:
        out.append('<p class="summary">By ' + " · ".join(
            f"{_h(mode)} {_h(distance_text(km))}"
            for mode, km in sorted(modes.items(), key=lambda m: -m[1])) + "</p>")
    stops = trip.stops
    first = stops[0] if stops else None
    out += [_day_html(trip, day, colours[day.date], first, options) for day in trip.days]
    out.append("</article>")
    return "\n".join(out)


def to_report(itinerary: Itinerary, options: Options | None = None) -> str:
    options = options or Options()
    trips = trips_of(itinerary)
    colours = dict(zip((d.date for d in itinerary.days), day_colours(len(itinerary.days)),
                       strict=True))
    title = document_title(trips, options.title)
    body = [_trip_html(trip, colours, options, options.title if len(trips) == 1 else None)
            for trip in trips] or ["<h1>" + _h(title) + "</h1><p>No located photos.</p>"]
    body += [f'<p class="missing">{_h(note)}</p>' for note in left_out(itinerary)]
    return PAGE.format(title=_h(title), version=_h(__version__), css=CSS,
                       body="\n".join(body))


CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1f23;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.9rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ddd;
  padding-bottom: .2rem; }
h2 small { color: #666; font-weight: normal; font-size: .85rem; margin-left: .4rem; }
.summary { color: #444; margin: .2rem 0; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  margin-right: .5rem; vertical-align: baseline; }
.daybody { display: flex; gap: 1.2rem; align-items: flex-start; flex-wrap: wrap; }
svg.route { width: 360px; max-width: 100%; height: auto; border: 1px solid #e2e4e8;
  border-radius: 4px; flex: none; }
ol.stops { list-style: none; padding: 0; margin: 0; flex: 1 1 18rem; }
ol.stops li { display: flex; gap: .6rem; margin: 0 0 .7rem; break-inside: avoid; }
ol.stops .n { flex: none; width: 1.6rem; height: 1.6rem; border-radius: 50%; background: #333;
  color: #fff; text-align: center; line-height: 1.6rem; font-size: .8rem; font-weight: bold; }
ol.stops .n.passing { background: #bbb; }
li.waypoint { color: #666; }
.facts { color: #444; font-size: .9rem; }
.files, .nearby { font-size: .8rem; color: #555; overflow-wrap: anywhere; }
.files a { color: #2456a6; }
.thumbs img { height: 64px; margin: .3rem .3rem 0 0; border-radius: 3px; }
.night { margin: .2rem 0; }
.daysum { color: #666; font-size: .85rem; font-style: italic; }
footer { color: #888; font-size: .75rem; margin-top: 2rem; }
@page { margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  section.day + section.day, article.trip + article.trip { break-before: page; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  svg.route { width: 70mm; }
}
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tripexif {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
<footer>Made by tripexif {version} from the photos' own times and positions.</footer>
</body>
</html>
"""


FORMATS = (Format("report", ITINERARY, lambda itinerary, options: to_report(itinerary, options),
                  (".report.html",), ("scan",)),)
