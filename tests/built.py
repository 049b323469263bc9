"""Itineraries built value by value (Itinerary, Trip, Day, Stop, Leg, Night), for exporter
tests that need what no stage fills yet (trips, nights, legs, placed photos)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tripexif.export.geometry import great_circle
from tripexif.model import Day, Itinerary, Leg, Night, Photo, Place, Stop, Trip
from tripexif.trip.geo import distance_km

KYOTO = Place("Kyoto", "Kyoto", "Japan", "JP")
GION = Place("Gion", "Kyoto", "Japan", "JP")
NARA = Place("Nara", "Nara", "Japan", "JP")
NADI = Place("Nadi", "Western", "Fiji", "FJ")
APIA = Place("Apia", "Tuamasaga", "Samoa", "WS")


def stop(day: str, index: int, lat: float, lon: float, hour: float, place: Place | None,
         zone: str = "Asia/Tokyo", photos: int = 3, kind: str = "stop", placed: int = 0,
         previous: Stop | None = None, prefix: str = "p", nearby: tuple = ()) -> Stop:
    tz = ZoneInfo(zone)
    start = datetime.fromisoformat(day).replace(tzinfo=tz) + timedelta(hours=hour)
    shots = tuple(
        Photo(f"trip/{prefix}{day}-{index}-{n}.jpg", lat=lat, lon=lon,
              time_local=start + timedelta(minutes=5 * n), timezone=zone,
              time_utc=(start + timedelta(minutes=5 * n)).astimezone(ZoneInfo("UTC")),
              gps_source="stop" if n < placed else None)
        for n in range(photos))
    km = distance_km(previous.lat, previous.lon, lat, lon) if previous else 0.0
    return Stop(day, index, kind, shots[0].time_local, shots[-1].time_local, zone, lat, lon,
                shots, place, km, nearby or None)


def japan() -> Itinerary:
    """Two days in Kyoto and Nara, a night in Gion, with legs (the trips stage's work)."""
    a = stop("2025-04-02", 1, 34.9671, 135.7727, 9, KYOTO, placed=1)
    b = stop("2025-04-02", 2, 35.0037, 135.7788, 12, GION, previous=a)
    w = stop("2025-04-02", 3, 35.01, 135.77, 14, None, photos=1, kind="waypoint", previous=b)
    c = stop("2025-04-03", 1, 34.6851, 135.8048, 10, NARA, photos=2, previous=w)
    d = stop("2025-04-03", 2, 34.6890, 135.8400, 13, NARA, photos=12, placed=3, previous=c)
    night = Night(35.0037, 135.7788, GION, "evening and morning at the same place")
    day1 = Day("2025-04-02", "Asia/Tokyo", (a, b, w), tuple(p for s in (a, b, w)
                                                            for p in s.photos), night,
               "2025-04-02")
    day2 = Day("2025-04-03", "Asia/Tokyo", (c, d), tuple(p for s in (c, d) for p in s.photos),
               None, "2025-04-02")
    legs = (Leg(a, b, b.distance_km, 3600, "walk", "4 km/h"),
            Leg(b, w, w.distance_km, 3600, "walk", "4 km/h"),
            Leg(w, c, c.distance_km, 70000, "ground", "train"),
            Leg(c, d, d.distance_km, 3600, "walk", "4 km/h"))
    trip = Trip("2025-04-02", "Japan: Kyoto, Nara", (day1, day2), legs, ("Japan",))
    return Itinerary((day1, day2), trips=(trip,))


def pacific() -> Itinerary:
    """Fiji, then a flight across the date line to Samoa: no trips (as `build` makes today)."""
    zone_fj, zone_ws = "Pacific/Fiji", "Pacific/Apia"
    a = stop("2025-06-01", 1, -17.7765, 177.4356, 9, NADI, zone_fj)
    b = stop("2025-06-01", 2, -17.80, 177.42, 13, NADI, zone_fj, previous=a)
    c = stop("2025-06-02", 1, -13.8333, -171.7667, 15, APIA, zone_ws, previous=b)
    d = stop("2025-06-02", 2, -13.85, -171.75, 17, APIA, zone_ws, previous=c)
    day1 = Day("2025-06-01", zone_fj, (a, b), a.photos + b.photos)
    day2 = Day("2025-06-02", zone_ws, (c, d), c.photos + d.photos)
    return Itinerary((day1, day2))


def flight_leg(start: Stop, end: Stop) -> Leg:
    return Leg(start, end, distance_km(start.lat, start.lon, end.lat, end.lon), 4 * 3600,
               "flight", "800 km/h", tuple(great_circle(start.lat, start.lon, end.lat, end.lon)))
