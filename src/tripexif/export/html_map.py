"""The trip on a self-contained interactive map: one HTML file with Leaflet inlined.

Opens from disk with no server and no CDN (Leaflet's and Leaflet.markercluster's JS and CSS
come from the xstatic-leaflet and xstatic-leaflet-markercluster packages); only the map tiles
are fetched, from OpenStreetMap unless ``tiles`` says otherwise.

The page opens fitted to the trip, longitudes unwrapped so a trip across the date line is one
view; a title and summary line; numbered stops clustered where they crowd (a cluster zooms
in on a click, and spreads its stops at the last zoom), one colour per day on a continuous
hue ramp, each day's route, the travel from the day before dashed (flights as great-circle
arcs); a legend (collapsed on narrow screens) shows and hides days and trips; popups give
the stop's number, place, local time range, photos (relative links that open them; EXIF
thumbnails with ``--thumbnails``), distance and nearby places. Stops whose photos tripexif
placed (no GPS of their own) are drawn lighter.
Every user-derived string (file and place names) travels as JSON data and reaches the page
through ``textContent``, never as HTML, so a name like ``<img onerror=...>`` shows as text;
control and bidi characters in them are shown as escapes (``textsafe.inert``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from tripexif.export import ITINERARY, Format, Options
from tripexif.export.geometry import centred, day_colours, hops, route
from tripexif.export.records import (
    clock_span,
    distance_text,
    document_title,
    iso,
    nearby_texts,
    night_text,
    photo_count_text,
    photo_link,
    place_label,
    plural,
    shared_name,
    trip_summary_text,
    trips_of,
)
from tripexif.export.textsafe import inert, json_text
from tripexif.model import Itinerary, Stop
from tripexif.trip.geo import unwrap

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
THUMBNAILS_PER_STOP = 4
FILES_PER_STOP = 50


def _package_files(module: str, *names: str) -> list[str]:
    from importlib import import_module
    from pathlib import Path

    folder = Path(import_module(f"xstatic.pkg.{module}").BASE_DIR)
    return [(folder / name).read_text(encoding="utf-8") for name in names]


def _scripts() -> tuple[str, str]:
    """Leaflet's and Leaflet.markercluster's JS and CSS (xstatic packages), to inline."""
    leaflet_js, leaflet_css = _package_files("leaflet", "leaflet.js", "leaflet.css")
    cluster_js, cluster_css, cluster_theme = _package_files(
        "leaflet_markercluster", "leaflet.markercluster.js", "MarkerCluster.css",
        "MarkerCluster.Default.css")
    script = "\n".join(line for text in (leaflet_js, cluster_js) for line in text.splitlines()
                       if not line.startswith("//# sourceMappingURL="))
    return script, "\n".join((leaflet_css, cluster_css, cluster_theme))


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no "</script>", no "<!--"), with control
    and bidi characters escaped (json_text)."""
    text = json_text(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _shifted(path: Sequence[tuple[float, float]], lon: float) -> list[list[float]]:
    """``path`` moved by whole turns so that it starts at longitude ``lon``."""
    turn = 360.0 * round((lon - path[0][1]) / 360.0) if path else 0.0
    return [[round(lat, 6), round(lon_ + turn, 6)] for lat, lon_ in path]


def map_data(itinerary: Itinerary,
             thumbnail: Callable[[str], bytes | None] | None = None,
             full_paths: bool = False, base: str | None = None,
             title: str | None = None) -> dict[str, Any]:
    """What the page draws, as JSON-ready data: the trips, their days (colour, route,
    travel from the day before) and each day's stops and waypoints with what their popups
    say. Longitudes are unwrapped along the trip, so a trip across ±180° is one piece."""
    trips = trips_of(itinerary, home=True)
    stops = [s for trip in trips for s in trip.stops]
    lons = unwrap([s.lon for s in stops])
    shift = centred(lons)
    lon_of = {id(s): lon + shift for s, lon in zip(stops, lons, strict=True)}
    colours = day_colours(len(itinerary.days))
    colour_of = dict(zip((d.date for d in itinerary.days), colours, strict=True))
    days: list[dict[str, Any]] = []
    trip_records: list[dict[str, Any]] = []
    for trip in trips:
        first = trip.stops[0] if trip.stops else None
        arriving = {id(hop.end): hop for hop in hops(trip)}
        numbers = []
        for day in trip.days:
            colour = colour_of.get(day.date, colours[0])
            points = [_point(stop, day.date, stop is first, thumbnail, full_paths, base,
                             lon_of[id(stop)]) for stop in day.stops]
            line = route(trip, day.stops)
            travel = []
            if day.stops and id(day.stops[0]) in arriving:
                hop = arriving[id(day.stops[0])]
                path = _shifted(hop.path, lon_of[id(hop.start)])
                travel.append({"mode": hop.mode, "km": round(hop.distance_km, 1),
                               "path": path})
            moment = datetime.fromisoformat(day.date)
            places = []
            for stop in day.stops:
                name = stop.place.name if stop.place else None
                if stop.kind == "stop" and name and name not in places:
                    places.append(name)
            days.append({
                "date": day.date, "label": f"{moment:%a} {moment.day} {moment:%b}",
                "places": inert(", ".join(places[:2])), "timezone": day.timezone,
                "night": inert(night_text(day.night)) if day.night else None,
                "colour": colour, "trip": len(trip_records), "points": points,
                "route": _shifted(line, lon_of[id(day.stops[0])]) if len(line) > 1 else [],
                "travel": travel,
            })
            numbers.append(len(days) - 1)
        trip_records.append({"id": trip.id, "title": inert(trip.title),
                             "summary": inert(trip_summary_text(trip)), "days": numbers})
    heading = document_title(trips, title)
    summary = trip_records[0]["summary"] if len(trips) == 1 else " · ".join(
        part for part in (plural(len(trips), "trip"), plural(len(days), "day"),
                          distance_text(sum(t.distance_km for t in trips))) if part)
    return {"title": inert(heading), "summary": summary if trips else "No located photos",
            "trips": trip_records, "days": days}


def _point(stop: Stop, date: str, first: bool,
           thumbnail: Callable[[str], bytes | None] | None, full_paths: bool,
           base: str | None, lon: float) -> dict[str, Any]:
    thumbs = []
    if thumbnail is not None and stop.kind == "stop":
        for path in stop.files:
            data = thumbnail(path)
            if data:
                thumbs.append(_data_url(data))
            if len(thumbs) == THUMBNAILS_PER_STOP:
                break
    time = clock_span(stop) + (f" ({stop.timezone})" if stop.timezone else "")
    return {
        "kind": stop.kind, "index": stop.index, "lat": round(stop.lat, 7),
        "lon": round(lon, 7), "place": inert(place_label(stop)),
        "time": f"{date} {time}", "arrival": iso(stop.arrival),
        "photos": photo_count_text(stop), "placed": round(stop.placed / len(stop.photos), 2)
        if stop.photos else 0,
        "distance": None if first else distance_text(stop.distance_km),
        "files": [{"name": inert(shared_name(f, full_paths)), "href": photo_link(f, base)}
                  for f in stop.files[:FILES_PER_STOP]],
        "more": max(0, len(stop.files) - FILES_PER_STOP),
        "nearby": [inert(text) for text in nearby_texts(stop)],
        "thumbnails": thumbs,
    }


def _data_url(jpeg: bytes) -> str:
    import base64

    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def to_html(itinerary: Itinerary, tiles: str = OSM_TILES, attribution: str = OSM_ATTRIBUTION,
            thumbnail: Callable[[str], bytes | None] | None = None,
            title: str | None = None, full_paths: bool = False,
            base: str | None = None) -> str:
    """The page; ``thumbnail(path)`` gives a photo's EXIF thumbnail to show in popups, and
    file names are shown without their folders unless ``full_paths``; photo links are
    relative to the folder ``base`` (the page's; None: the current folder)."""
    from html import escape

    script, css = _scripts()
    data = map_data(itinerary, thumbnail, full_paths, base, title)
    config = {"tiles": tiles, "attribution": attribution}
    return PAGE.format(
        title=escape(data["title"]), css=css, leaflet=script.replace("</script", "<\\/script"),
        data=_script_json(data), config=_script_json(config),
    )


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tripexif">
<title>{title}</title>
<style>{css}</style>
<style>
html, body, #map {{ height: 100%; margin: 0; }}
body {{ font: 14px/1.4 system-ui, sans-serif; }}
.stop-marker {{ border-radius: 50%; color: #fff; font-weight: bold; text-align: center;
  line-height: 22px; width: 22px; height: 22px; border: 2px solid #fff;
  box-shadow: 0 0 3px #0008; font-size: 12px; }}
.stop-marker.placed {{ border-style: dashed; }}
.stop-cluster {{ border-radius: 16px; color: #fff; font-weight: bold; text-align: center;
  min-width: 40px; height: 28px; line-height: 28px; padding: 0 7px; box-sizing: border-box;
  border: 3px double #fff; font-size: 12px; white-space: nowrap; cursor: pointer;
  box-shadow: 0 0 5px #000c; transform: translate(0, 0); }}
.panel {{ background: #fffe; padding: 6px 10px; border-radius: 6px;
  box-shadow: 0 0 4px #0006; }}
.heading h1 {{ font-size: 16px; margin: 0; }}
.heading p {{ margin: 0; color: #444; font-size: 12px; }}
.legend {{ max-height: 45vh; overflow: auto; }}
.legend summary {{ cursor: pointer; font-weight: bold; }}
.legend label {{ display: block; cursor: pointer; white-space: nowrap; }}
.legend .trip {{ font-weight: bold; margin-top: 4px; }}
.legend .swatch {{ display: inline-block; width: 12px; height: 12px; margin: 0 6px;
  border-radius: 2px; vertical-align: middle; }}
.legend .places {{ color: #666; }}
.popup h3 {{ margin: 0 0 4px; font-size: 15px; }}
.popup .meta {{ color: #555; }}
.popup .files {{ max-height: 7em; overflow: auto; font-size: 12px; }}
.popup .files a {{ display: block; }}
.popup img {{ height: 64px; margin: 4px 4px 0 0; border-radius: 3px; }}
@media (max-width: 600px) {{
  .heading {{ max-width: 60vw; }}
  .heading h1 {{ font-size: 13px; white-space: nowrap; overflow: hidden;
    text-overflow: ellipsis; }}
  .heading p {{ display: none; }}
  .legend {{ max-height: 25vh; max-width: 55vw; font-size: 12px; }}
  .legend .places {{ display: none; }}
}}
</style>
</head>
<body>
<div id="map"></div>
<script>{leaflet}</script>
<script type="application/json" id="trip-data">{data}</script>
<script type="application/json" id="map-config">{config}</script>
<script>
(function () {{
  "use strict";
  var trip = JSON.parse(document.getElementById("trip-data").textContent);
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var map = L.map("map", {{ zoomSnap: 0.25 }});
  L.tileLayer(config.tiles, {{ attribution: config.attribution, maxZoom: 19 }}).addTo(map);
  function el(tag, cls, text) {{
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }}
  function popup(point) {{
    var box = el("div", "popup");
    box.appendChild(el("h3", null, (point.kind === "stop" ? point.index + ". " : "") +
                       point.place));
    box.appendChild(el("div", "meta", point.time));
    box.appendChild(el("div", "meta", point.photos +
                       (point.distance ? " · " + point.distance + " from the previous stop"
                                       : "")));
    point.thumbnails.forEach(function (src) {{
      var img = el("img");
      img.alt = "";
      if (src.indexOf("data:image/jpeg;base64,") === 0) img.src = src;
      box.appendChild(img);
    }});
    if (point.nearby.length) box.appendChild(el("div", "meta", "Nearby: " +
                                                point.nearby.join(" · ")));
    var files = el("div", "files");
    point.files.forEach(function (file) {{
      var link = el("a", null, file.name);
      // a relative link to the photo (never a scheme: the path is percent-encoded)
      if (file.href.indexOf(":") < 0) link.setAttribute("href", file.href);
      link.target = "_blank";
      link.rel = "noopener";
      files.appendChild(link);
    }});
    if (point.more) files.appendChild(el("div", null, "and " + point.more + " more"));
    box.appendChild(files);
    return box;
  }}
  var cluster = L.markerClusterGroup({{
    maxClusterRadius: 36, spiderfyOnMaxZoom: true, showCoverageOnHover: false,
    iconCreateFunction: function (group) {{
      // a cluster names its stops: "1, 2, 3" or "1–5" of one day, else how many
      var children = group.getAllChildMarkers();
      var days = {{}};
      children.forEach(function (m) {{ days[m.options.day.date] = m.options.day; }});
      var keys = Object.keys(days);
      var numbers = children.map(function (m) {{ return m.options.point.index; }})
        .sort(function (a, b) {{ return a - b; }});
      var text = keys.length > 1 ? children.length + " stops" : numbers.length <= 3
        ? numbers.join(", ") : numbers[0] + "–" + numbers[numbers.length - 1];
      var node = el("div", "stop-cluster", text);
      node.style.background = keys.length === 1 ? days[keys[0]].colour : "#333";
      node.title = children.map(function (m) {{
        return m.options.day.label + " #" + m.options.point.index;
      }}).join(", ");
      return L.divIcon({{ html: node.outerHTML, className: "", iconSize: null,
                         iconAnchor: [22, 16] }});
    }}
  }});
  var bounds = [];
  var layers = trip.days.map(function (day) {{
    var lines = L.layerGroup();
    var markers = [];
    day.travel.forEach(function (hop) {{
      L.polyline(hop.path, {{ color: day.colour, weight: hop.mode === "flight" ? 2 : 3,
        opacity: 0.7, dashArray: hop.mode === "flight" ? "2 7" : "8 8",
        className: "trip-travel trip-" + hop.mode }})
        .bindTooltip(hop.mode === "flight" ? "flight, " + hop.km + " km" : hop.km + " km",
                     {{ sticky: true }}).addTo(lines);
    }});
    if (day.route.length) L.polyline(day.route, {{ color: day.colour, weight: 3,
      opacity: 0.85, className: "trip-route" }}).addTo(lines);
    day.points.forEach(function (point) {{
      var marker;
      if (point.kind === "stop") {{
        var node = el("div", "stop-marker" + (point.placed > 0 ? " placed" : ""),
                      String(Number(point.index)));
        node.style.background = day.colour;
        // the more of its photos tripexif placed (no GPS of their own), the lighter
        if (point.placed > 0) node.style.opacity = String(1 - 0.5 * point.placed);
        marker = L.marker([point.lat, point.lon], {{
          icon: L.divIcon({{ className: "", iconSize: [26, 26], iconAnchor: [13, 13],
                            html: node.outerHTML }}),
          title: point.index + ". " + point.place, riseOnHover: true,
          day: day, point: point }});
        markers.push(marker);
      }} else {{
        marker = L.circleMarker([point.lat, point.lon], {{ radius: 4, color: day.colour,
          fillOpacity: 0.9, className: "waypoint-dot" }});
        marker.addTo(lines);
      }}
      marker.bindPopup(popup(point), {{ maxWidth: 280 }});
      bounds.push([point.lat, point.lon]);
    }});
    lines.addTo(map);
    cluster.addLayers(markers);
    return {{ lines: lines, markers: markers, shown: true }};
  }});
  cluster.addTo(map);
  function show(i, on) {{
    var layer = layers[i];
    if (layer.shown === on) return;
    layer.shown = on;
    if (on) {{ layer.lines.addTo(map); cluster.addLayers(layer.markers); }}
    else {{ map.removeLayer(layer.lines); cluster.removeLayers(layer.markers); }}
  }}
  var heading = L.control({{ position: "topleft" }});
  heading.onAdd = function () {{
    var box = el("div", "panel heading");
    box.appendChild(el("h1", null, trip.title));
    box.appendChild(el("p", null, trip.summary));
    return box;
  }};
  heading.addTo(map);
  var legend = L.control({{ position: "topright" }});
  legend.onAdd = function () {{
    var box = el("details", "panel legend");
    box.open = window.innerWidth > 600;
    box.appendChild(el("summary", null, "Days"));
    trip.trips.forEach(function (t) {{
      var dayBoxes = [];
      if (trip.trips.length > 1) {{
        var label = el("label", "trip");
        var check = el("input");
        check.type = "checkbox";
        check.checked = true;
        check.dataset.trip = t.id;
        check.addEventListener("change", function () {{
          dayBoxes.forEach(function (b) {{ b.checked = check.checked; show(+b.dataset.n,
                                                                            check.checked); }});
        }});
        label.appendChild(check);
        label.appendChild(document.createTextNode(" " + t.title));
        box.appendChild(label);
      }}
      t.days.forEach(function (n) {{
        var day = trip.days[n];
        var label = el("label");
        var check = el("input");
        check.type = "checkbox";
        check.checked = true;
        check.dataset.day = day.date;
        check.dataset.n = n;
        check.addEventListener("change", function () {{ show(n, check.checked); }});
        dayBoxes.push(check);
        var swatch = el("span", "swatch");
        swatch.style.background = day.colour;
        label.appendChild(check);
        label.appendChild(swatch);
        label.appendChild(document.createTextNode(day.label + " "));
        label.appendChild(el("span", "places", day.places));
        label.title = day.date + (day.night ? " · night: " + day.night : "");
        box.appendChild(label);
      }});
    }});
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  }};
  legend.addTo(map);
  // fitted beside the title and the open legend, never under them
  var side = legend.getContainer().offsetWidth;
  var top = heading.getContainer().offsetTop + heading.getContainer().offsetHeight;
  var wide = side + 40 < map.getSize().x / 2;
  if (bounds.length) map.fitBounds(bounds, {{ maxZoom: 16,
    paddingTopLeft: [40, top + 20], paddingBottomRight: [wide ? side + 60 : 40, 40] }});
  else map.setView([20, 0], 2);
  window.tripMap = {{ map: map, cluster: cluster, layers: layers }};
}})();
</script>
</body>
</html>
"""


def _render(itinerary: Itinerary, options: Options) -> str:
    tiles = options.tiles or OSM_TILES
    attribution = options.attribution
    if attribution is None:
        attribution = OSM_ATTRIBUTION if tiles == OSM_TILES else ""
    return to_html(itinerary, tiles, attribution, options.thumbnail, options.title,
                   options.full_paths, options.base)


FORMATS = (Format("html", ITINERARY, _render, (".html", ".htm"), ("scan", "map")),)
