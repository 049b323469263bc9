"""Plain, JSON-ready dicts for photo records, as the CLI contract names the fields."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

from tripexif.model import Day, Home, Itinerary, Leg, Night, Photo, Place, Stop, Trip

PHOTO_FIELDS = (
    "path", "lat", "lon", "alt", "time_local", "time_utc", "timezone", "time_source",
    "camera", "kind", "error",
)
EXTRA_FIELDS = ("time_flag", "gps_note", "skipped", "time_field", "gps_source", "gps_error_m",
                "place_note")


def text_path(path: str) -> str:
    """A file name as text: bytes that are not UTF-8 become ``\\xNN`` escapes (never a crash)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def shared_name(path: str, full_paths: bool = False) -> str:
    """How a file is named in files people share (GPX, the map, reports): its file name, not
    the folders it sits in (which tell who and where the user is), unless ``full_paths``."""
    if not full_paths:
        path = path.rstrip("/").rsplit("/", 1)[-1]
        if "\\" in path and os.sep == "\\":
            path = path.rsplit("\\", 1)[-1]
    return text_path(path)


def to_ms(moment: datetime) -> datetime:
    """``moment`` rounded to the nearest millisecond: every output shows sub-seconds the
    same way (SubSecTimeOriginal "0887" is .089, not a truncated .088)."""
    if moment.microsecond % 1000 == 0:
        return moment
    ms = (moment.microsecond + 500) // 1000
    return moment.replace(microsecond=0) + timedelta(milliseconds=ms)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601: with the local offset when aware, naive when floating; seconds precision
    unless the photo has sub-seconds (then milliseconds, rounded)."""
    if moment is None:
        return None
    moment = to_ms(moment)
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec)


def iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    text = iso(moment.astimezone(timezone.utc))
    return text[:-6] + "Z" if text else None


def photo_record(photo: Photo) -> dict[str, Any]:
    record: dict[str, Any] = {
        "path": text_path(photo.path),
        "lat": _round(photo.lat),
        "lon": _round(photo.lon),
        "alt": None if photo.alt is None else round(photo.alt, 2),
        "time_local": iso(photo.time_local),
        "time_utc": iso_utc(photo.time_utc),
        "timezone": photo.timezone,
        "time_source": photo.time_source,
        "camera": photo.camera,
        "kind": photo.kind,
        "error": photo.error,
        "time_flag": photo.time_flag,
        "gps_note": photo.gps_note,
        "skipped": photo.skipped,
        "time_field": photo.raw.time_field,  # which field gave the wall clock
        # where the position came from: the file's field, or how tripexif placed it
        "gps_source": photo.position_source,
        "gps_error_m": photo.gps_error_m,  # placed: an estimate of how far off it may be
        "place_note": photo.place_note,  # no GPS of its own: how it was placed, or why not
    }
    return record


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 8)


def place_text(stop: Stop) -> str | None:
    return stop.place.display if stop.place else None


def place_label(stop: Stop) -> str:
    """The place for people to read: its name ("Holborn, London, England, United Kingdom",
    "Kyoto (2), Japan"), or its coordinates when it has none."""
    return stop.place.display if stop.place else f"{stop.lat:.5f}, {stop.lon:.5f}"


def passing(stop: Stop) -> bool:
    """A waypoint passed through on the ground (said "passing"); a photo from a plane says
    "in flight" already."""
    return stop.kind == "waypoint" and not (stop.place and stop.place.kind == "flight")


def place_fields(place: Place | None) -> dict[str, Any]:
    """The parts of a stop's place (added): its label, district, admin2 area, local name
    and kind ("in", "near", "sea", "landmark", "flight")."""
    if place is None:
        return {"label": None, "district": None, "admin2": None, "local_name": None,
                "place_kind": None}
    return {"label": place.label, "district": place.district, "admin2": place.admin2,
            "local_name": place.local_name, "place_kind": place.kind}


def clock_span(stop: Stop) -> str:
    """"09:05–09:26" (local; a stop never spans two local days), or "16:05" for one photo."""
    text = f"{stop.arrival:%H:%M}"
    return text + (f"–{stop.departure:%H:%M}" if stop.departure != stop.arrival else "")


def stop_record(stop: Stop) -> dict[str, Any]:
    """A STOP (or WAYPOINT) as the contract names its fields, plus a few extensions."""
    base: dict[str, Any] = {"day": stop.day}
    if stop.kind == "stop":
        base.update(index=stop.index, arrival=iso(stop.arrival), departure=iso(stop.departure))
    else:
        base.update(time=iso(stop.arrival))
    base.update(
        timezone=stop.timezone, lat=_round(stop.lat), lon=_round(stop.lon),
    )
    if stop.kind == "stop":
        base["photos"] = len(stop.photos)
        base["shots"] = stop.shots
    base["placed"] = stop.placed  # files placed by tripexif (no position of their own)
    base.update(
        place=place_text(stop),
        country_code=stop.place.country_code if stop.place else None,
        **place_fields(stop.place),
        files=[text_path(f) for f in stop.files],
        distance_km=round(stop.distance_km, 3),
    )
    if stop.nearby is not None:
        base["nearby"] = [
            {"name": p.name, "category": p.category, "kind": p.kind,
             "distance_m": p.distance_m, "osm_url": p.osm_url}
            for p in stop.nearby
        ]
    return base


def summary_record(itinerary: Itinerary) -> dict[str, Any]:
    instants = [p for d in itinerary.days for p in d.track]
    stops = itinerary.stops
    return {
        "photos": itinerary.photo_count,  # files
        "shots": itinerary.shot_count,  # moments: a RAW+JPEG pair or a copy counts once
        "located": itinerary.located_count,
        "unlocated": itinerary.unlocated_count,
        "errors": len(itinerary.errors),
        "skipped": len(itinerary.skipped),
        "days": len(itinerary.days),
        "stops": sum(1 for s in stops if s.kind == "stop"),
        "waypoints": sum(1 for s in stops if s.kind == "waypoint"),
        "distance_km": round(sum(d.distance_km for d in itinerary.days), 3),
        "start": iso(instants[0].time_local) if instants else None,
        "end": iso(instants[-1].time_local) if instants else None,
    }


def itinerary_record(itinerary: Itinerary) -> dict[str, Any]:
    from tripexif import __version__

    summary = summary_record(itinerary)
    return {
        "version": 1,
        "generator": f"tripexif {__version__}",
        "summary": summary,
        "days": [
            {
                "date": day.date,
                "timezone": day.timezone,
                "distance_km": round(day.distance_km, 3),
                "stops": [stop_record(s) for s in day.stops if s.kind == "stop"],
                "waypoints": [stop_record(s) for s in day.stops if s.kind == "waypoint"],
            }
            for day in itinerary.days
        ],
        "unlocated": [
            {"path": text_path(p.path), "time_local": iso(p.time_local),
             "reason": unlocated_reason(p)}
            for p in itinerary.unlocated
        ],
        "undated": [
            {"path": text_path(p.path), "lat": _round(p.lat), "lon": _round(p.lon),
             "reason": "no capture time in the file"}
            for p in itinerary.undated
        ],
        "errors": [{"path": text_path(p.path), "error": p.error} for p in itinerary.errors],
        "skipped": [{"path": text_path(p.path), "reason": p.skipped} for p in itinerary.skipped],
        "duplicates": [{"files": [text_path(f) for f in shot.files], "why": shot.why}
                       for shot in itinerary.duplicates],
        "warnings": list(itinerary.warnings),
    }


def unlocated_reason(photo: Photo) -> str:
    if photo.gps_note:
        reason = f"GPS position rejected: {photo.gps_note}"
    else:
        reason = "no GPS position in the file"
    return f"{reason}; not placed: {photo.place_note}" if photo.place_note else reason


def place_of(place: Place | None) -> str | None:
    return place.display if place else None


def night_record(night: Night | None) -> dict[str, Any] | None:
    """Where the night after a day was spent; None when nothing says (see trip/nights.py)."""
    if night is None:
        return None
    return {"place": place_of(night.place), "lat": _round(night.lat), "lon": _round(night.lon),
            "evidence": night.evidence}


def home_record(home: Home | None) -> dict[str, Any] | None:
    if home is None:
        return None
    return {"place": place_of(home.place), "lat": _round(home.lat), "lon": _round(home.lon),
            "how": home.how}


def point_ref(stop: Stop) -> dict[str, Any]:
    """A leg's end: which stop or waypoint of which day, and its place."""
    return {"day": stop.day, "kind": stop.kind, "index": stop.index, "place": place_text(stop),
            "lat": _round(stop.lat), "lon": _round(stop.lon)}


def leg_record(leg: Leg) -> dict[str, Any]:
    speed = leg.speed_kmh
    return {
        "from": point_ref(leg.start), "to": point_ref(leg.end),
        "distance_km": round(leg.distance_km, 3), "seconds": round(leg.seconds),
        "speed_kmh": None if speed is None else round(speed, 1),
        "mode": leg.mode, "evidence": leg.evidence,
        # a flight's great-circle arc, [lat, lon] points, longitudes unwrapped across ±180°
        "path": [list(p) for p in leg.path] if leg.mode == "flight" else None,
    }


def nights_by_place(trip: Trip) -> list[dict[str, Any]]:
    """{"place": "Kyoto", "nights": 3}, most nights first; the nights nothing says about
    under "place": null."""
    counts: dict[str | None, int] = {}
    for day in trip.days[:-1]:
        name = None
        if day.night is not None:
            name = day.night.place.name if day.night.place else f"{day.night.lat:.4f}, " \
                                                                 f"{day.night.lon:.4f}"
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (kv[0] is None, -kv[1]))
    return [{"place": name, "nights": count} for name, count in ranked]


def trip_record(trip: Trip, legs: bool = True) -> dict[str, Any]:
    """A trip's summary (and its legs): what `tripexif trips` lists per trip."""
    stops = trip.stops
    record: dict[str, Any] = {
        "id": trip.id, "title": trip.title, "start": trip.start, "end": trip.end,
        "days": [d.date for d in trip.days],
        "nights": trip.nights,
        "nights_by_place": nights_by_place(trip),
        "countries": list(trip.countries),
        "stops": sum(1 for s in stops if s.kind == "stop"),
        "waypoints": sum(1 for s in stops if s.kind == "waypoint"),
        "photos": trip.photo_count,
        "distance_km": round(trip.distance_km, 3),
        "distance_by_mode": {mode: round(km, 3)
                             for mode, km in sorted(trip.distance_by_mode().items())},
    }
    if legs:
        record["legs"] = [leg_record(leg) for leg in trip.legs]
    return record


MODE_WORDS = {"flight": "by air", "ground": "on the ground", "ferry": "by ferry",
              "walk": "on foot"}


def modes_text(trip: Trip) -> str:
    """"18,621 km by air, 586 km on the ground, 5 km on foot", longest first."""
    totals = sorted(trip.distance_by_mode().items(), key=lambda kv: -kv[1])
    return ", ".join(f"{km:,.0f} km {MODE_WORDS.get(mode, mode)}" for mode, km in totals
                     if km >= 0.5)


def nights_text(trip: Trip) -> str:
    """"Kyoto 3 nights, Osaka 1 night" (and how many nothing says about)."""
    parts = []
    for item in nights_by_place(trip):
        count = item["nights"]
        word = "night" if count == 1 else "nights"
        parts.append(f"{item['place'] or 'unknown'} {count} {word}")
    return ", ".join(parts)


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 file", "2 files", "1,234 files": the count with thousands separators."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


HOME_TRIP = "home"  # the id of the days at home, shown with the trips on maps and in KML


def trips_of(itinerary: Itinerary, home: bool = False) -> tuple[Trip, ...]:
    """The itinerary's trips; while no stage splits the days into trips (``trips`` empty),
    one trip of all the days, its id the first date and its title from the places. With
    ``home``, the days at home (in no trip) follow as one more, "At home" (id ``home``)."""
    if itinerary.trips:
        away = {day.date for trip in itinerary.trips for day in trip.days}
        at_home = tuple(d for d in itinerary.days if d.date not in away)
        if home and at_home:
            return (*itinerary.trips, Trip(HOME_TRIP, "At home", at_home))
        return itinerary.trips
    if not itinerary.days:
        return ()
    days = itinerary.days
    countries: list[str] = []
    for stop in itinerary.stops:
        country = stop.place.country if stop.place else None
        if country and country not in countries:
            countries.append(country)
    return (Trip(days[0].date, trip_title(days, countries), days, (), tuple(countries)),)


def document_title(trips: tuple[Trip, ...], title: str | None = None) -> str:
    """A file's title: ``title`` when given, else the one trip's, "Trips" for several."""
    if title:
        return title
    if len(trips) == 1:
        return trips[0].title
    return "Trips" if trips else "Trip"


def trip_title(days: tuple[Day, ...], countries: list[str]) -> str:
    """"Japan: Kyoto, Nara, Osaka": the country (or countries) and the places with the
    most photos, up to four, in the order they were visited."""
    weight: dict[str, int] = {}
    first: dict[str, int] = {}
    for n, stop in enumerate(s for d in days for s in d.stops):
        if stop.place and stop.place.name:
            weight[stop.place.name] = weight.get(stop.place.name, 0) + len(stop.photos)
            first.setdefault(stop.place.name, n)
    top = sorted(sorted(weight, key=lambda name: -weight[name])[:4], key=first.__getitem__)
    head = " & ".join(countries[:2]) + (" …" if len(countries) > 2 else "")
    if top and head:
        return f"{head}: {', '.join(top)}"
    if top or head:
        return head or ", ".join(top)
    first_day, last_day = days[0].date, days[-1].date
    return f"Trip of {first_day}" if first_day == last_day else f"Trip {first_day} to {last_day}"


def trip_countries(trip: Trip) -> tuple[str, ...]:
    """The trip's countries: those the trips stage found, else those of its stops' places."""
    if trip.countries:
        return trip.countries
    seen: list[str] = []
    for stop in trip.stops:
        country = stop.place.country if stop.place else None
        if country and country not in seen:
            seen.append(country)
    return tuple(seen)


def distance_text(km: float) -> str:
    """"1,234.5 km", "3.2 km", and under a kilometre in metres: "14 m" (0 m for none)."""
    if km < 1.0:
        return f"{round(km * 1000):,} m"
    return f"{km:,.1f} km"


def trip_summary_text(trip: Trip) -> str:
    """"2024-04-03 to 2024-04-09 · 7 days · 6 nights · Japan · 412.3 km": one line."""
    dates = trip.start if trip.start == trip.end else f"{trip.start} to {trip.end}"
    parts = [dates, plural(len(trip.days), "day")]
    if trip.nights:
        parts.append(plural(trip.nights, "night"))
    countries = trip_countries(trip)
    if countries:
        parts.append(", ".join(countries))
    parts.append(distance_text(trip.distance_km))
    parts.append(plural(sum(s.shots for s in trip.stops), "photo"))
    return " · ".join(parts)


def night_text(night: Night) -> str:
    """"Gion, Kyoto" (the place), else its coordinates."""
    if night.place is not None:
        return night.place.display
    return f"{night.lat:.5f}, {night.lon:.5f}"


def nearby_texts(stop: Stop) -> list[str]:
    """"Kiyomizu-dera (temple, 120 m)" for each nearby place fetched with --nearby."""
    return [f"{p.name} ({p.category.replace('_', ' ')}, {p.distance_m:,} m)"
            for p in stop.nearby or ()]


def photo_count_text(stop: Stop) -> str:
    """"12 photos", and the share tripexif placed (no GPS of their own): "12 photos (3
    placed)"."""
    text = plural(stop.shots, "photo")
    return text + (f" ({stop.placed:,} placed)" if stop.placed else "")


def photo_link(path: str, base: str | None = None) -> str:
    """A relative URL from the folder ``base`` (the output's; None: the current folder) to
    the photo, percent-encoded, so that a report or map saved beside the photos opens them
    (``photos/IMG%201.jpg``). Bytes that are not UTF-8 are encoded as they are."""
    from urllib.parse import quote

    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base or os.curdir))
    if os.sep != "/":
        relative = relative.replace(os.sep, "/")
    return quote(relative.encode("utf-8", "surrogateescape"), safe="/")


def local_day_title(date: str) -> str:
    """"Thursday 3 April 2025" for "2025-04-03"."""
    moment = datetime.fromisoformat(date)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"
