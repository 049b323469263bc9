"""A generated photo library: weekdays at home in Frankfurt and five trips away, as real
JPEGs (tests/trips.py). What was generated is kept here for the tests to compare with."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from trips import Shot, write

BERLIN = "Europe/Berlin"
HOME = (50.1109, 8.6821)  # a flat in Frankfurt
TOWN = (50.1106, 8.6950)  # the old town, 1 km away
FRA = (50.0379, 8.5622)  # the airport
PLACES = {
    "tokyo_hotel": (35.6812, 139.7671), "asakusa": (35.7148, 139.7967),
    "shibuya": (35.6595, 139.7005), "kyoto_hotel": (35.0037, 135.7788),
    "kinkakuji": (35.0394, 135.7292), "nara": (34.6851, 135.8048),
    "osaka_hotel": (34.7025, 135.4959), "kix": (34.4320, 135.2304),
    "haneda": (35.5494, 139.7798),
    "ba_hotel": (-34.6037, -58.3816), "recoleta": (-34.5875, -58.3935),
    "aep": (-34.5592, -58.4156), "calafate": (-50.3379, -72.2648),
    "glaciar": (-50.4686, -73.0300), "eze": (-34.8222, -58.5358),
    "helsinki": (60.1675, 24.9525), "helsinki_port": (60.1640, 24.9560),
    "tallinn_port": (59.4440, 24.7660), "tallinn": (59.4370, 24.7536),
    "heidelberg": (49.4094, 8.6942), "heidelberg_castle": (49.4106, 8.7153),
    "nadi": (-17.7765, 177.4356), "suva": (-18.1416, 178.4419),
    "nausori": (-18.0433, 178.5592), "apia": (-13.8333, -171.7667),
    "lalomanu": (-14.0500, -171.4333),
}
# (id, expected title, countries, first and last day, nights by town)
TRIPS = [
    ("2024-03-18", "Japan: Tokyo, Kyoto, {nara}, Osaka", ("Japan",), "2024-03-18", "2024-03-25"),
    ("2024-04-08", "Buenos Aires & El Calafate", ("Argentina",), "2024-04-08", "2024-04-14"),
    ("2024-04-26", "Finland, Estonia", ("Finland", "Estonia"), "2024-04-26", "2024-04-28"),
    ("2024-05-04", "Heidelberg", ("Germany",), "2024-05-04", "2024-05-04"),
    ("2024-05-13", "Fiji, Samoa", ("Fiji", "Samoa"), "2024-05-13", "2024-05-18"),
]
TRIP_DAYS = {date.fromisoformat(t[3]) + timedelta(days=k)
             for t in TRIPS for k in range((date.fromisoformat(t[4])
                                            - date.fromisoformat(t[3])).days + 1)}


class Album:
    def __init__(self) -> None:
        self.shots: list[Shot] = []

    def at(self, day: str, clock: str, zone: str, where: tuple[float, float] | str,
           count: int = 1, every: int = 5) -> None:
        lat, lon = PLACES[where] if isinstance(where, str) else where
        start = datetime.fromisoformat(f"{day}T{clock}")
        for k in range(count):
            self.shots.append(Shot(f"p{len(self.shots):04d}.jpg",
                                   start + timedelta(minutes=every * k), zone, lat, lon))

    def flight(self, start_utc: datetime, end_utc: datetime, a: tuple[float, float],
               b: tuple[float, float], zone: str, photos: int) -> None:
        """Photos from the window seat, evenly in time along the great circle, on a phone
        still set to ``zone``."""
        from tripexif.trip.legs import great_circle

        line = great_circle(*a, *b, photos + 1)
        for k in range(1, photos + 1):
            moment = start_utc + (end_utc - start_utc) * k / (photos + 1)
            lat, lon = line[k]
            local = moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
            self.shots.append(Shot(f"p{len(self.shots):04d}.jpg", local, zone, lat,
                                   (lon + 180) % 360 - 180))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("UTC"))


def album() -> Album:
    a = Album()
    # weekdays at home: evening and morning at the flat, lunch in town
    day = date(2024, 3, 4)
    while day <= date(2024, 5, 31):
        if day.weekday() < 5 and day not in TRIP_DAYS and day != date(2024, 5, 20):
            d = day.isoformat()
            a.at(d, "07:30", BERLIN, HOME)
            a.at(d, "13:00", BERLIN, TOWN)
            a.at(d, "21:00", BERLIN, HOME)
        day += timedelta(days=1)
    tokyo, osaka, ba = "Asia/Tokyo", "Asia/Tokyo", "America/Argentina/Buenos_Aires"
    # Japan: flown out with photos from the plane, home again from Osaka
    a.at("2024-03-18", "07:00", BERLIN, HOME, 2)
    a.at("2024-03-18", "11:00", BERLIN, FRA, 2)
    a.flight(utc("2024-03-18T10:30"), utc("2024-03-18T23:30"), FRA, PLACES["haneda"],
             BERLIN, 3)
    a.at("2024-03-19", "09:30", tokyo, "haneda")
    a.at("2024-03-19", "12:00", tokyo, "asakusa", 3)
    a.at("2024-03-19", "21:00", tokyo, "tokyo_hotel", 2)
    a.at("2024-03-20", "08:00", tokyo, "tokyo_hotel", 2)
    a.at("2024-03-20", "14:00", tokyo, "shibuya", 3)
    a.at("2024-03-20", "22:00", tokyo, "tokyo_hotel", 2)
    a.at("2024-03-21", "07:30", tokyo, "tokyo_hotel", 2)
    a.at("2024-03-21", "15:00", tokyo, "kinkakuji", 3)
    a.at("2024-03-21", "20:00", tokyo, "kyoto_hotel", 2)
    # 2024-03-22: no photos (a gap inside the trip)
    a.at("2024-03-23", "08:00", tokyo, "kyoto_hotel", 2)
    a.at("2024-03-23", "12:00", tokyo, "nara", 4)
    a.at("2024-03-23", "20:30", tokyo, "kyoto_hotel", 2)
    a.at("2024-03-24", "08:00", tokyo, "kyoto_hotel", 2)
    a.at("2024-03-24", "20:00", osaka, "osaka_hotel", 2)
    a.at("2024-03-25", "07:30", osaka, "osaka_hotel", 2)
    a.at("2024-03-25", "10:30", osaka, "kix")
    a.at("2024-03-25", "16:30", BERLIN, FRA)
    a.at("2024-03-25", "18:30", BERLIN, HOME, 2)
    # Argentina: an overnight flight there, a domestic flight south, back via Buenos Aires
    a.at("2024-04-08", "19:00", BERLIN, FRA, 2)
    a.at("2024-04-09", "09:00", ba, "ba_hotel", 2)
    a.at("2024-04-09", "15:00", ba, "recoleta", 3)
    a.at("2024-04-09", "22:00", ba, "ba_hotel", 2)
    a.at("2024-04-10", "08:30", ba, "ba_hotel", 2)
    a.at("2024-04-10", "21:30", ba, "ba_hotel", 2)
    a.at("2024-04-11", "07:00", ba, "ba_hotel", 2)
    a.at("2024-04-11", "09:00", ba, "aep")
    a.at("2024-04-11", "15:00", ba, "calafate", 2)
    a.at("2024-04-11", "21:00", ba, "calafate", 2)
    a.at("2024-04-12", "08:00", ba, "calafate", 2)
    a.at("2024-04-12", "13:00", ba, "glaciar", 4)
    a.at("2024-04-12", "21:00", ba, "calafate", 2)
    a.at("2024-04-13", "08:00", ba, "calafate", 2)
    a.at("2024-04-13", "16:00", ba, "eze")
    a.at("2024-04-14", "08:00", BERLIN, FRA)
    a.at("2024-04-14", "10:00", BERLIN, HOME, 2)
    # Helsinki, the ferry to Tallinn
    hel = "Europe/Helsinki"
    a.at("2024-04-26", "13:00", hel, "helsinki", 3)
    a.at("2024-04-26", "22:00", hel, "helsinki", 2)
    a.at("2024-04-27", "08:00", hel, "helsinki", 2)
    a.at("2024-04-27", "10:00", hel, "helsinki_port", 2)
    a.at("2024-04-27", "12:30", "Europe/Tallinn", "tallinn_port", 2)
    a.at("2024-04-27", "15:00", "Europe/Tallinn", "tallinn", 3)
    a.at("2024-04-27", "22:00", "Europe/Tallinn", "tallinn", 2)
    a.at("2024-04-28", "08:30", "Europe/Tallinn", "tallinn", 2)
    # a Saturday in Heidelberg, home for the night
    a.at("2024-05-04", "11:00", BERLIN, "heidelberg", 3)
    a.at("2024-05-04", "14:00", BERLIN, "heidelberg_castle", 3)
    # Fiji, then Samoa across the date line
    fiji, samoa = "Pacific/Fiji", "Pacific/Apia"
    a.at("2024-05-13", "11:00", fiji, "nadi", 3)
    a.at("2024-05-13", "21:00", fiji, "nadi", 2)
    a.at("2024-05-14", "08:00", fiji, "nadi", 2)
    a.at("2024-05-14", "17:00", fiji, "suva", 2)
    a.at("2024-05-14", "21:30", fiji, "suva", 2)
    a.at("2024-05-15", "08:00", fiji, "suva", 2)
    a.at("2024-05-15", "21:00", fiji, "suva", 2)
    a.at("2024-05-16", "08:00", fiji, "suva", 2)
    a.at("2024-05-16", "10:00", fiji, "nausori")
    a.at("2024-05-16", "14:00", samoa, "apia", 2)
    a.at("2024-05-16", "21:00", samoa, "apia", 2)
    a.at("2024-05-17", "08:00", samoa, "apia", 2)
    a.at("2024-05-17", "13:00", samoa, "lalomanu", 3)
    a.at("2024-05-17", "21:00", samoa, "apia", 2)
    a.at("2024-05-18", "09:00", samoa, "apia", 2)
    return a


def make(folder: Path) -> Path:
    return write(folder, album().shots)
