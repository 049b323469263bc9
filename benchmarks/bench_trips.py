"""`tripexif trips` on a whole library: 100,000 photos over five years, after the index is warm.

    python benchmarks/bench_trips.py              # 100,000 photos, 2020-2024
    python benchmarks/bench_trips.py -n 20000

The library: weekdays at home in Lyon (morning, lunch in town, evening at home) and six trips
a year to ten destinations around the world (two towns each, flown to with photos from the
plane, a ferry on one), eight stops a day; tiny JPEGs with a plain EXIF block
(tests/synth.py) whose time and position are rewritten in place (benchmarks/bench.py).
Reports the cold run (reading every file, building the index), the warm `trips` and `scan`
runs (best of 3) and their peak memory, and the trips stage alone, in this process. Not a
test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import bench  # noqa: E402  (the EXIF block rewriter and the timers)

import synth  # noqa: E402

HOME = (45.7640, 4.8357)
TOWN = (45.7578, 4.8320)
LYS = (45.7256, 5.0811)  # the airport
DESTINATIONS = [  # two towns each: (lat, lon)
    ((35.6812, 139.7671), (35.0037, 135.7788)),  # Tokyo, Kyoto
    ((40.7580, -73.9855), (42.3601, -71.0589)),  # New York, Boston
    ((41.9028, 12.4964), (43.7696, 11.2558)),  # Rome, Florence
    ((-33.8688, 151.2093), (-37.8136, 144.9631)),  # Sydney, Melbourne
    ((-34.6037, -58.3816), (-50.3379, -72.2648)),  # Buenos Aires, El Calafate
    ((64.1466, -21.9426), (65.6885, -18.1262)),  # Reykjavik, Akureyri
    ((13.7563, 100.5018), (18.7883, 98.9853)),  # Bangkok, Chiang Mai
    ((60.1675, 24.9525), (59.4370, 24.7536)),  # Helsinki, Tallinn (the ferry)
    ((-18.1416, 178.4419), (-13.8333, -171.7667)),  # Suva, Apia (the date line)
    ((-33.9249, 18.4241), (-34.4187, 19.2345)),  # Cape Town, Hermanus
]


class Writer:
    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit
        self.count = 0
        self.template = bench.Template(synth.tiff_block(synth.Exif(
            make="Apple", model="iPhone 15", datetime_original="2025:01:01 00:00:00",
            offset_original="+02:00", lat=1.0, lon=1.0,
            gps_utc=datetime(2025, 1, 1))))
        self.pixels = synth.jpeg_bytes(None, size=(16, 16))[2:]

    def photos(self, local: datetime, lat: float, lon: float, n: int, every: int = 3) -> None:
        for k in range(n):
            if self.count >= self.limit:
                return
            tiff = self.template.render(local + timedelta(minutes=every * k),
                                        lat + (k % 5) * 0.0002, lon + (k % 7) * 0.0002)
            segment = b"Exif\x00\x00" + tiff
            data = (b"\xff\xd8\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment
                    + self.pixels)
            sub = self.folder / local.strftime("%Y/%m")
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"IMG_{self.count:07d}.JPG").write_bytes(data)
            self.count += 1


def _offset_h(lat: float, lon: float, day: date) -> float:
    """The UTC offset at a place on a day, in hours."""
    from zoneinfo import ZoneInfo

    from tripexif.clock.zones import ZoneFinder

    name = ZoneFinder().name_at(lat, lon) or "UTC"
    offset = ZoneInfo(name).utcoffset(datetime(day.year, day.month, day.day, 12))
    return offset.total_seconds() / 3600 if offset else 0.0


def plan(years: int = 5) -> list[tuple[datetime, float, float, float]]:
    """The library's stops: (wall clock at +02:00, lat, lon, photos) where photos is a
    number of photos, or a negative share of the photos left for the stops (-1: a stop of
    a trip, -0.25: lunch in town on a day at home)."""
    from tripexif.trip.geo import distance_km
    from tripexif.trip.legs import great_circle

    out: list[tuple[datetime, float, float, float]] = []
    trip_days = {}
    for year in range(years):
        for k in range(6):
            start = date(2020 + year, 1 + 2 * k, 5 + (year * 3) % 10)
            trip_days[start] = DESTINATIONS[(year * 6 + k) % len(DESTINATIONS)]
    day = date(2020, 1, 1)
    trip: tuple[date, tuple[tuple[float, float], tuple[float, float]]] | None = None
    while day < date(2020 + years, 1, 1):
        if day in trip_days:
            trip = (day, trip_days[day])
        home = datetime(day.year, day.month, day.day, 8) + timedelta(
            hours=2 - _offset_h(*HOME, day))
        if trip is not None and (day - trip[0]).days < 10:
            a, b = trip[1]
            n = (day - trip[0]).days
            if n == 0:  # fly out: home, the airport, photos from the plane at 850 km/h
                out += [(home, *HOME, 2), (home + timedelta(hours=2), *LYS, 2)]
                hours = distance_km(*LYS, *a) / 850
                line = great_circle(*LYS, *a, 6)
                for j in range(1, 6):
                    lat, lon = line[j]
                    out.append((home + timedelta(hours=3 + hours * j / 6), lat,
                                (lon + 180) % 360 - 180, 1))
                out.append((home + timedelta(hours=3.5 + hours), *a, 1))  # off the plane
            elif n >= 2:  # day 1: travelling, no photos
                town = a if n < 6 else b
                at = datetime(day.year, day.month, day.day, 8) + timedelta(
                    hours=2 - _offset_h(*town, day))
                for slot in range(8):  # stops of the day around the town
                    out.append((at + timedelta(hours=1 + slot * 1.5),
                                town[0] + (slot % 4) * 0.01, town[1] + (slot // 4) * 0.01, -1))
            if n == 9:
                trip = None
        elif day.weekday() < 5:
            out += [(home, *HOME, 1), (home + timedelta(hours=5), *TOWN, -0.25),
                    (home + timedelta(hours=13), *HOME, 1)]
        day += timedelta(days=1)
    return out


def make_library(folder: Path, count: int) -> str:
    """Every file is written with the offset +02:00 (the template's) and the wall clock of
    the true instant at that offset, so that instants are right wherever the photo is."""
    stops = plan()
    fixed = sum(n for *_, n in stops if n > 0)
    shares = -sum(n for *_, n in stops if n < 0)
    per_share = max(0.0, (count - fixed) / shares)
    out = Writer(folder, count)
    given = 0.0
    for wall, lat, lon, n in stops:
        if n < 0:  # spread the photos left over the stops, by their share
            before = int(given)
            given += per_share * -n
            n = max(1, int(given) - before)
        out.photos(wall, lat, lon, int(n))
    return f"{out.count:,} JPEGs over 5 years, {sum(1 for s in stops if s[3] == 2) // 2} trips"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="photos in the library")
    args = parser.parse_args()
    tripexif = [str(Path(sys.executable).with_name("tripexif"))]
    work = Path(tempfile.mkdtemp(prefix="tripexif-bench-trips-"))
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}")
        library = work / "Pictures"
        started = time.perf_counter()
        print(f"library: {make_library(library, args.n)} "
              f"(written in {time.perf_counter() - started:.0f} s)")
        env = dict(os.environ, TRIPEXIF_CACHE_DIR=str(work / "cache"))
        trips = tripexif + ["trips", str(library), "-q", "-f", "json"]
        scan = tripexif + ["scan", str(library), "-q", "-f", "json", "-o", str(work / "s.json")]
        cold = bench.timed(trips, env)
        print(f"tripexif trips, cold (reads every file, builds the index): {cold:.1f} s")
        warm = bench.timed(trips, env, repeat=3)
        warm_scan = bench.timed(scan, env, repeat=3)
        print(f"tripexif trips, warm (index): {warm:.2f} s")
        print(f"tripexif scan -f json, warm (index): {warm_scan:.2f} s")
        print(f"peak memory, warm: trips {bench.peak_rss_mb(trips, env):.0f} MB, "
              f"scan -f json {bench.peak_rss_mb(scan, env):.0f} MB")
        listed = subprocess.run(trips, env=env, capture_output=True, text=True, check=True)
        import json

        doc = json.loads(listed.stdout)
        home = doc["home"]["place"] if doc["home"] else None
        print(f"found: {len(doc['trips'])} trips; home: {home}")
        stage = (
            "import time, tripexif; from tripexif.trip.trips import arrange, TripSettings; "
            f"it = tripexif.scan([{str(library)!r}]); "
            "t = time.perf_counter(); arrange(it, TripSettings()); "
            "print(f'{time.perf_counter() - t:.2f}')")
        seconds = subprocess.run([sys.executable, "-c", stage], env=env, capture_output=True,
                                 text=True, check=True).stdout.strip()
        print(f"the trips stage alone (nights, home, trips, legs; in process): {seconds} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
