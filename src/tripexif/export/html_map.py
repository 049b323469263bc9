"""The trip on a self-contained interactive map: one HTML file with Leaflet inlined.

Opens from disk with no server and no CDN (Leaflet's JS and CSS come from the xstatic-leaflet
package); only the map tiles are fetched, from OpenStreetMap unless ``tiles`` says otherwise.
Every user-derived string (file and place names) travels as JSON data and reaches the page
through ``textContent``, never as HTML, so a name like ``<img onerror=...>`` shows as text;
control and bidi characters in them are shown as escapes (``textsafe.inert``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tripexif.export import ITINERARY, Format, Options
from tripexif.export.geojson import split_antimeridian
from tripexif.export.records import clock_span, iso, place_label, shared_name
from tripexif.export.textsafe import inert, json_text
from tripexif.model import Itinerary, Stop

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
DAY_COLOURS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
               "#9a6324", "#469990", "#800000", "#808000", "#000075"]
THUMBNAILS_PER_STOP = 4


def _leaflet() -> tuple[str, str]:
    from pathlib import Path

    from xstatic.pkg import leaflet

    folder = Path(leaflet.BASE_DIR)
    return (folder / "leaflet.js").read_text(encoding="utf-8"), (
        folder / "leaflet.css").read_text(encoding="utf-8")


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no "</script>", no "<!--"), with control
    and bidi characters escaped (json_text)."""
    text = json_text(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _span(stop: Stop) -> str:
    return clock_span(stop) + (f" ({stop.timezone})" if stop.timezone else "")


def map_data(itinerary: Itinerary,
             thumbnail: Callable[[str], bytes | None] | None = None,
             full_paths: bool = False) -> dict[str, Any]:
    days = []
    for n, day in enumerate(itinerary.days):
        points = []
        for stop in day.stops:
            thumbs = []
            if thumbnail is not None and stop.kind == "stop":
                for path in stop.files:
                    data = thumbnail(path)
                    if data:
                        thumbs.append(_data_url(data))
                    if len(thumbs) == THUMBNAILS_PER_STOP:
                        break
            points.append({
                "kind": stop.kind, "index": stop.index, "lat": stop.lat, "lon": stop.lon,
                "place": inert(place_label(stop)),
                "time": _span(stop), "arrival": iso(stop.arrival), "photos": stop.shots,
                "files": [inert(shared_name(f, full_paths)) for f in stop.files[:50]],
                "thumbnails": thumbs,
            })
        line = split_antimeridian([(s.lon, s.lat) for s in day.stops])
        days.append({"date": day.date, "timezone": day.timezone,
                     "colour": DAY_COLOURS[n % len(DAY_COLOURS)], "points": points,
                     "route": [[[lat, lon] for lon, lat in part] for part in line]
                     if len(day.stops) > 1 else []})
    return {"days": days}


def _data_url(jpeg: bytes) -> str:
    import base64

    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def to_html(itinerary: Itinerary, tiles: str = OSM_TILES, attribution: str = OSM_ATTRIBUTION,
            thumbnail: Callable[[str], bytes | None] | None = None,
            title: str = "Trip map", full_paths: bool = False) -> str:
    """The page; ``thumbnail(path)`` gives a photo's EXIF thumbnail to show in popups, and
    file names are shown without their folders unless ``full_paths``."""
    from html import escape

    script, css = _leaflet()
    data = map_data(itinerary, thumbnail, full_paths)
    config = {"tiles": tiles, "attribution": attribution}
    return PAGE.format(
        title=escape(inert(title)), css=css, leaflet=script.replace("</script", "<\\/script"),
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
  line-height: 24px; border: 2px solid #fff; box-shadow: 0 0 3px #0008; }}
.legend {{ background: #fff; padding: 6px 10px; border-radius: 6px; box-shadow: 0 0 4px #0006; }}
.legend label {{ display: block; cursor: pointer; white-space: nowrap; }}
.legend .swatch {{ display: inline-block; width: 12px; height: 12px; margin: 0 6px;
  border-radius: 2px; vertical-align: middle; }}
.popup h3 {{ margin: 0 0 4px; font-size: 15px; }}
.popup .meta {{ color: #555; }}
.popup img {{ height: 64px; margin: 4px 4px 0 0; border-radius: 3px; }}
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
  var map = L.map("map", {{ worldCopyJump: true }});
  L.tileLayer(config.tiles, {{ attribution: config.attribution, maxZoom: 19 }}).addTo(map);
  function el(tag, cls, text) {{
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }}
  function popup(point, day) {{
    var box = el("div", "popup");
    box.appendChild(el("h3", null, point.place));
    box.appendChild(el("div", "meta", day.date + " " + point.time));
    box.appendChild(el("div", "meta", point.photos + (point.photos === 1 ? " photo" : " photos")));
    point.thumbnails.forEach(function (src) {{
      var img = el("img");
      img.alt = "";
      if (src.indexOf("data:image/jpeg;base64,") === 0) img.src = src;
      box.appendChild(img);
    }});
    return box;
  }}
  var bounds = [];
  var groups = [];
  trip.days.forEach(function (day) {{
    var group = L.layerGroup();
    day.route.forEach(function (part) {{
      L.polyline(part, {{ color: day.colour, weight: 3, opacity: 0.8,
                         className: "trip-route" }}).addTo(group);
    }});
    day.points.forEach(function (point) {{
      var marker;
      if (point.kind === "stop") {{
        marker = L.marker([point.lat, point.lon], {{
          icon: L.divIcon({{ className: "", iconSize: [28, 28], iconAnchor: [14, 14],
            html: '<div class="stop-marker" style="background:' + day.colour + '">' +
                  Number(point.index) + "</div>" }}),
          title: point.place, riseOnHover: true }});
      }} else {{
        marker = L.circleMarker([point.lat, point.lon], {{ radius: 4, color: day.colour,
          fillOpacity: 0.9, className: "waypoint-dot" }});
      }}
      marker.bindPopup(popup(point, day));
      marker.addTo(group);
      bounds.push([point.lat, point.lon]);
    }});
    group.addTo(map);
    groups.push(group);
  }});
  var legend = L.control({{ position: "topright" }});
  legend.onAdd = function () {{
    var box = el("div", "legend");
    trip.days.forEach(function (day, i) {{
      var label = el("label");
      var box2 = el("input");
      box2.type = "checkbox";
      box2.checked = true;
      box2.dataset.day = day.date;
      box2.addEventListener("change", function () {{
        if (box2.checked) groups[i].addTo(map); else map.removeLayer(groups[i]);
      }});
      var swatch = el("span", "swatch");
      swatch.style.background = day.colour;
      label.appendChild(box2);
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(day.date));
      box.appendChild(label);
    }});
    L.DomEvent.disableClickPropagation(box);
    return box;
  }};
  legend.addTo(map);
  if (bounds.length) map.fitBounds(bounds, {{ padding: [30, 30], maxZoom: 16 }});
  else map.setView([20, 0], 2);
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
    return to_html(itinerary, tiles, attribution, options.thumbnail,
                   options.title or "Trip map", options.full_paths)


FORMATS = (Format("html", ITINERARY, _render, (".html", ".htm"), ("scan", "map")),)
