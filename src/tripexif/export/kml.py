"""The trip as KML 2.2 (Google Earth, Google My Maps, GpsPrune...) and as KMZ (the KML in
a zip, with the photos' embedded EXIF thumbnails when asked).

A Folder per trip and per day; a Placemark per stop (name = place, description = local
time range, photos, nearby places; a ``TimeSpan`` in UTC) and per waypoint (a smaller
icon); a LineString per day (flights as great-circle arcs) and one for the travel between
days; a style per day, coloured as on the map. Valid against the OGC KML 2.2 schema.

Names are XML text (made inert, escaped); descriptions are HTML that Google Earth shows in
its balloons, so user text in them is HTML-escaped first and then escaped again as XML: a
place called ``<b>`` reads ``<b>``."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape as html_escape

from tripexif import __version__
from tripexif.export import ITINERARY, Format, Options
from tripexif.export.geometry import day_colours, hops, route
from tripexif.export.records import (
    clock_span,
    document_title,
    iso_utc,
    local_day_title,
    nearby_texts,
    night_text,
    photo_count_text,
    photo_link,
    place_label,
    shared_name,
    trip_summary_text,
    trips_of,
)
from tripexif.export.textsafe import XML_KEEPS, inert
from tripexif.model import Itinerary, Stop

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"
THUMBNAILS_PER_STOP = 4
FILES_PER_STOP = 50


def _text(value: str) -> str:
    """User text as XML character data: controls inert, <&> escaped."""
    # html.escape, not xml.sax.saxutils: that one imports urllib.request, http.client and
    # email (18 ms on every run, as the format registry imports each exporter)
    return html_escape(inert(value, XML_KEEPS), quote=False)


def _html(value: str) -> str:
    """User text inside a description's HTML (then escaped again as XML by ``_text``)."""
    return html_escape(inert(value), quote=True)


def _abgr(colour: str, alpha: str = "ff") -> str:
    """KML colours are aabbggrr: "#c61010" -> "ff1010c6"."""
    return f"{alpha}{colour[5:7]}{colour[3:5]}{colour[1:3]}"


def _lon(lon: float) -> float:
    """KML wants -180..180: an unwrapped longitude is folded back (Google Earth draws each
    segment the short way, across the date line)."""
    return (lon + 180.0) % 360.0 - 180.0


def _coordinates(points: list[tuple[float, float]] | tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{round(_lon(lon), 7)},{round(lat, 7)}" for lat, lon in points)


def _xml_id(text: str) -> str:
    """An XML ID (what kml's ``id`` attributes are): letters, digits, ``-_.`` only."""
    import re

    return re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def _utc(moment: datetime) -> str | None:
    if moment.tzinfo is None:
        return None  # floating: no instant to put on the time slider
    return iso_utc(moment.astimezone(timezone.utc))


class _Writer:
    """Collects the lines of one KML document."""

    def __init__(self, options: Options, thumbnails: dict[str, str] | None) -> None:
        self.options = options
        self.lines: list[str] = []
        # with thumbnails (KMZ): photo path -> its file inside the archive
        self.thumbnails = thumbnails
        self.thumbnail_data: dict[str, bytes] = {}

    def add(self, line: str) -> None:
        self.lines.append(line)

    def description(self, stop: Stop) -> str:
        """The balloon's HTML: time range, photos (thumbnails in a KMZ), nearby places."""
        zone = f" ({stop.timezone})" if stop.timezone else ""
        parts = [f"<p>{_html(f'{stop.arrival:%Y-%m-%d} {clock_span(stop)}{zone}')}<br>"
                 f"{_html(photo_count_text(stop))}</p>"]
        thumbs = self._thumbnails(stop)
        if thumbs:
            parts.append("<p>" + " ".join(
                f'<img src="{name}" width="160" alt="">' for name in thumbs) + "</p>")
        links = [f'<a href="{html_escape(photo_link(path, self.options.base))}">'
                 f"{_html(shared_name(path, self.options.full_paths))}</a>"
                 for path in stop.files[:FILES_PER_STOP]]
        more = len(stop.files) - FILES_PER_STOP
        if more > 0:
            links.append(_html(f"and {more:,} more"))
        parts.append("<p>" + "<br>".join(links) + "</p>")
        near = nearby_texts(stop)
        if near:
            parts.append("<p>Nearby: " + _html(" · ".join(near)) + "</p>")
        return "".join(parts)

    def _thumbnails(self, stop: Stop) -> list[str]:
        make = self.options.thumbnail
        if self.thumbnails is None or make is None or stop.kind != "stop":
            return []
        names = []
        for path in stop.files:
            if path not in self.thumbnails:
                data = make(path)
                if not data:
                    continue
                name = f"files/thumb-{len(self.thumbnails) + 1:05d}.jpg"
                self.thumbnails[path] = name
                self.thumbnail_data[name] = data
            names.append(self.thumbnails[path])
            if len(names) == THUMBNAILS_PER_STOP:
                break
        return names

    def placemark(self, stop: Stop, style: str) -> None:
        name = (f"{stop.index}. " if stop.kind == "stop" else "") + place_label(stop)
        self.add("<Placemark>")
        self.add(f"<name>{_text(name)}</name>")
        self.add(f"<description>{_text(self.description(stop))}</description>")
        begin, end = _utc(stop.arrival), _utc(stop.departure)
        if begin and end:
            self.add(f"<TimeSpan><begin>{begin}</begin><end>{end}</end></TimeSpan>")
        self.add(f"<styleUrl>#{style}</styleUrl>")
        self.add(f"<Point><coordinates>{_coordinates([(stop.lat, stop.lon)])}"
                 "</coordinates></Point>")
        self.add("</Placemark>")

    def line(self, name: str, style: str, points: list[tuple[float, float]] |
             tuple[tuple[float, float], ...]) -> None:
        self.add(f"<Placemark><name>{_text(name)}</name><styleUrl>#{style}</styleUrl>"
                 "<LineString><tessellate>1</tessellate>"
                 f"<coordinates>{_coordinates(points)}</coordinates></LineString></Placemark>")


def _styles(writer: _Writer, colours: list[str]) -> None:
    for n, colour in enumerate(colours, 1):
        writer.add(f'<Style id="day-{n}"><IconStyle><color>{_abgr(colour)}</color>'
                   "<scale>1</scale></IconStyle><LineStyle>"
                   f"<color>{_abgr(colour, 'cc')}</color><width>3</width></LineStyle></Style>")
        writer.add(f'<Style id="day-{n}-waypoint"><IconStyle><color>{_abgr(colour)}</color>'
                   "<scale>0.5</scale></IconStyle><LabelStyle><scale>0</scale></LabelStyle>"
                   "</Style>")
    writer.add('<Style id="travel"><LineStyle><color>aa555555</color><width>2</width>'
               "</LineStyle></Style>")
    writer.add('<Style id="flight"><LineStyle><color>cc7a4a1f</color><width>2</width>'
               "</LineStyle></Style>")


def kml_document(itinerary: Itinerary, options: Options,
                 thumbnails: dict[str, str] | None = None) -> tuple[str, dict[str, bytes]]:
    """The KML text, and (with ``thumbnails``, for a KMZ) the thumbnail files it names."""
    writer = _Writer(options, thumbnails)
    trips = trips_of(itinerary, home=True)
    colours = day_colours(len(itinerary.days))
    colour_of = {day.date: n for n, day in enumerate(itinerary.days, 1)}
    title = document_title(trips, options.title)
    writer.add('<?xml version="1.0" encoding="UTF-8"?>')
    writer.add(f'<kml xmlns="{KML_NS}" xmlns:gx="{GX_NS}">')
    writer.add("<Document>")
    writer.add(f"<name>{_text(title)}</name>")
    writer.add("<open>1</open>")
    writer.add(f"<description>{_text(_html(f'Made by tripexif {__version__}'))}</description>")
    _styles(writer, colours)
    for trip in trips:
        writer.add(f"<Folder id=\"{_xml_id('trip-' + trip.id)}\">")  # an XML ID needs no escaping
        writer.add(f"<name>{_text(trip.title)}</name>")
        writer.add(f"<description>{_text(_html(trip_summary_text(trip)))}</description>")
        for day in trip.days:
            style = f"day-{colour_of.get(day.date, 1)}"
            writer.add("<Folder>")
            zone = day.timezone or "floating time"
            writer.add(f"<name>{_text(local_day_title(day.date))}</name>")
            summary = f"{day.date} · {zone}"
            if day.night is not None:
                summary += f" · Night: {night_text(day.night)}"
            writer.add(f"<description>{_text(_html(summary))}</description>")
            for stop in day.stops:
                writer.placemark(stop, style if stop.kind == "stop" else f"{style}-waypoint")
            if len(day.stops) > 1:
                writer.line(f"Route of {day.date}", style, route(trip, day.stops))
            writer.add("</Folder>")
        travel = hops(trip)
        if travel:
            writer.add("<Folder><name>Travel between days</name>")
            for hop in travel:
                label = f"{hop.start.day} → {hop.end.day}: {place_label(hop.start)} → " \
                        f"{place_label(hop.end)}"
                writer.line(label, "flight" if hop.mode == "flight" else "travel", hop.path)
            writer.add("</Folder>")
        writer.add("</Folder>")
    writer.add("</Document>")
    writer.add("</kml>")
    return "\n".join(writer.lines) + "\n", writer.thumbnail_data


def to_kml(itinerary: Itinerary, options: Options | None = None) -> str:
    return kml_document(itinerary, options or Options())[0]


def to_kmz(itinerary: Itinerary, options: Options | None = None) -> bytes:
    """A zip: ``doc.kml`` first (as Google Earth wants), then ``files/thumb-NNNNN.jpg``, the
    embedded EXIF thumbnails the placemarks show (with ``options.thumbnail``)."""
    import io
    import zipfile

    text, files = kml_document(itinerary, options or Options(), thumbnails={})
    out = io.BytesIO()
    stamp = (1980, 1, 1, 0, 0, 0)  # the same trip makes the same bytes
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("doc.kml", stamp), text.encode("utf-8"),
                         compress_type=zipfile.ZIP_DEFLATED)
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, stamp), data)  # JPEGs: stored
    return out.getvalue()


FORMATS = (
    Format("kml", ITINERARY, lambda itinerary, options: to_kml(itinerary, options),
           (".kml",), ("scan",)),
    Format("kmz", ITINERARY, lambda itinerary, options: to_kmz(itinerary, options),
           (".kmz",), ("scan",), binary=True),
)
