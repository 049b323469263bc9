"""tripexif speed against ExifTool and a bare exifread loop, measured in the same run.

    python benchmarks/bench.py                 # 3,000 photos + the 250-photo trip
    python benchmarks/bench.py -n 1000 --memory 100000
    python benchmarks/bench.py --exports-only      # the photos table against JSON, 50,000 rows

The library is made of real camera and phone EXIF blocks (maker notes and thumbnails included)
copied from ../shared/corpus when it is present (else tests/synth.py's plain blocks), with
the capture time and GPS position rewritten in place so that the photos form a trip.
Timings are wall-clock seconds on this machine, with a warm page cache (each measured
command is run once before it is timed). Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import exifread

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import synth  # noqa: E402  (the fixture writer lives with the tests)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TEMPLATES = [
    "exif-samples/jpg/gps/DSCN0010.jpg",  # Nikon: maker notes, thumbnail, GPS
    "exiftool/t/images/Apple.jpg",  # iPhone
    "exifr/test/fixtures/IMG_20180725_163423.jpg",  # Google Pixel
    "exiftool/t/images/Google.jpg",  # Pixel 8 with OffsetTimeOriginal
    "exifr/test/fixtures/iptc-agency-photographer-example.jpg",  # Nikon D2X
]
TAGS = ["-GPSLatitude", "-GPSLongitude", "-DateTimeOriginal", "-OffsetTimeOriginal"]


def _app1(path: Path) -> bytes | None:
    data = path.read_bytes()
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        if data[at + 1] == 0xE1 and data[at + 4 : at + 10] == b"Exif\x00\x00":
            return data[at + 10 : at + 2 + length]
        at += 2 + length
    return None


class Template:
    """A real EXIF block and where its time and GPS values sit, to rewrite them in place."""

    def __init__(self, tiff: bytes) -> None:
        self.tiff = bytearray(tiff)
        self.endian = "<" if tiff[:2] == b"II" else ">"
        tags = exifread.process_file(io.BytesIO(tiff), details=False, extract_thumbnail=False)
        self.at = {key.split()[-1]: tags[key].field_offset for key in tags
                   if key in ("EXIF DateTimeOriginal", "GPS GPSLatitude", "GPS GPSLongitude",
                              "GPS GPSLatitudeRef", "GPS GPSLongitudeRef", "GPS GPSTimeStamp",
                              "GPS GPSDate", "EXIF OffsetTimeOriginal")}
        self.usable = {"DateTimeOriginal", "GPSLatitude", "GPSLongitude"} <= set(self.at)

    def render(self, local: datetime, lat: float, lon: float) -> bytes:
        """The block with this local time (UTC+02:00, as the trip is in CEST), position, and
        GPS UTC stamp and OffsetTimeOriginal to match wherever the camera wrote them."""
        block = bytearray(self.tiff)
        block[self.at["DateTimeOriginal"] : self.at["DateTimeOriginal"] + 19] = (
            local.strftime("%Y:%m:%d %H:%M:%S").encode())
        utc = local - timedelta(hours=2)
        if "OffsetTimeOriginal" in self.at:
            block[self.at["OffsetTimeOriginal"] : self.at["OffsetTimeOriginal"] + 6] = b"+02:00"
        if "GPSDate" in self.at:
            block[self.at["GPSDate"] : self.at["GPSDate"] + 10] = utc.strftime("%Y:%m:%d").encode()
        if "GPSTimeStamp" in self.at:
            stamp = [(utc.hour, 1), (utc.minute, 1), (utc.second, 1)]
            packed = b"".join(struct.pack(self.endian + "II", n, d) for n, d in stamp)
            block[self.at["GPSTimeStamp"] : self.at["GPSTimeStamp"] + 24] = packed
        for name, value, refs in (("GPSLatitude", lat, b"NS"), ("GPSLongitude", lon, b"EW")):
            rationals = synth.dms(value)
            packed = b"".join(struct.pack(self.endian + "II", n, d) for n, d in rationals)
            block[self.at[name] : self.at[name] + 24] = packed
            ref_at = self.at.get(name + "Ref")
            if ref_at is not None:
                block[ref_at] = refs[1] if value < 0 else refs[0]
        return bytes(block)


def templates() -> list[Template]:
    found = []
    if CORPUS.exists():
        for rel in TEMPLATES:
            tiff = _app1(CORPUS / rel)
            if tiff:
                template = Template(tiff)
                if template.usable:
                    found.append(template)
    if not found:
        plain = synth.tiff_block(synth.Exif(make="Canon", model="EOS R6",
                                            datetime_original="2025:01:01 00:00:00",
                                            lat=1.0, lon=1.0))
        found.append(Template(plain))
    return found


def make_library(folder: Path, count: int) -> str:
    """``count`` photos of a trip through France, Switzerland and Italy (all UTC+02:00 in
    May): stops of 20 photos, 8 stops a day."""
    folder.mkdir(parents=True, exist_ok=True)
    pixels = synth.jpeg_bytes(None, size=(64, 48))[2:]
    blocks = templates()
    start = datetime(2025, 5, 1, 8, 0)
    for i in range(count):
        stop = i // 20
        day, slot = divmod(stop, 8)
        local = start + timedelta(days=day, hours=slot * 1.5, minutes=(i % 20) * 3)
        lat = 45.0 + (stop % 30) * 0.13 + (i % 5) * 0.0002
        lon = 5.0 + (stop % 40) * 0.15 + (i % 7) * 0.0002
        tiff = blocks[i % len(blocks)].render(local, lat, lon)
        segment = b"Exif\x00\x00" + tiff
        data = b"\xff\xd8\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + pixels
        (folder / f"IMG_{i:06d}.JPG").write_bytes(data)
    kinds = "real camera/phone blocks" if CORPUS.exists() else "synthetic blocks"
    return f"{count} JPEGs from {len(blocks)} {kinds}"


def timed(cmd: list[str], env: dict[str, str] | None = None, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        best = min(best, time.perf_counter() - started)
    return best


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], check=True, env=env,
                         capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


EXIFREAD_LOOP = """
import os, sys, exifread
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), 'rb') as fh:
        exifread.process_file(fh, details=False, extract_thumbnail=False)
"""


def photo_records(count: int) -> list[Any]:
    """``count`` photo records as a scan makes them (built in memory, no files): paths in day
    folders, one in ten without a usable GPS position (a note), three cameras."""
    from zoneinfo import ZoneInfo

    from tripexif.model import Photo

    start = datetime(2025, 5, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
    cameras = ["Apple iPhone 15", "FUJIFILM X-T5", "NIKON D70s"]
    photos = []
    for i in range(count):
        local = start + timedelta(minutes=3 * i)
        located = i % 10 != 0
        photos.append(Photo(
            f"/home/me/Pictures/2025-france/day{i // 400:03d}/IMG_{i:06d}.JPG",
            lat=45.0 + (i % 300) * 0.001 if located else None,
            lon=5.0 + (i % 700) * 0.001 if located else None,
            camera=cameras[i % 3], time_local=local, time_utc=local.astimezone(timezone.utc),
            timezone="Europe/Paris", time_source="offset_tag",
            gps_note=None if located else "latitude beyond ±90°"))
    return photos


def table_against_json(count: int) -> str:
    """The `photos` table and JSON of ``count`` records, rendered by the exporters as the CLI
    calls them (160 columns, as when piped); best of 3."""
    from tripexif import export

    photos = photo_records(count)
    seconds = {}
    for name in ("json", "table"):
        render = export.get("photos", name).render
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            render(photos, export.Options(width=160))
            best = min(best, time.perf_counter() - started)
        seconds[name] = best
    return (f"photos table of {count:,} records: {seconds['table']:.2f} s, JSON "
            f"{seconds['json']:.2f} s ({seconds['table'] / seconds['json']:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=3000, help="photos in the library")
    parser.add_argument("--small", type=int, default=250, help="photos in the small trip")
    parser.add_argument("--memory", type=int, default=0, metavar="N",
                        help="also measure peak memory of a scan of N tiny photos")
    parser.add_argument("--records", type=int, default=50000,
                        help="records in the photos table against JSON measure")
    parser.add_argument("--exports-only", action="store_true",
                        help="only the photos table against JSON")
    args = parser.parse_args()
    if args.exports_only:
        print(table_against_json(args.records))
        return
    tripexif = [str(Path(sys.executable).with_name("tripexif"))]
    exiftool = shutil.which("exiftool")
    work = Path(tempfile.mkdtemp(prefix="tripexif-bench-"))
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}, {platform.platform()}")
        library = work / "library"
        print(f"library: {make_library(library, args.n)}")
        env = dict(os.environ, TRIPEXIF_CACHE_DIR=str(work / "cache"))
        # the place names ship as a file in the package: no data index to build first; a
        # first run with a fresh cache folder is the cold case
        (work / "cache").mkdir()
        subprocess.run(tripexif + ["where", "--no-cache", "-q", str(next(library.iterdir()))],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        names = {p.name for p in (work / "cache").iterdir()}
        out = str(work / "trip.geojson")

        def cold(folder: Path) -> float:
            for p in (work / "cache").iterdir():  # drop the scan index
                if p.name not in names:
                    p.unlink()
            return timed(tripexif + ["scan", str(folder), "-q", "-o", out], env)

        rows: list[tuple[str, float]] = []
        cold(library)  # warm the page cache
        rows.append(("tripexif scan -> GeoJSON, cold (no index)", cold(library)))
        rows.append(("tripexif scan -> GeoJSON, warm (index)",
                     timed(tripexif + ["scan", str(library), "-q", "-o", out], env, repeat=3)))
        loop = [sys.executable, "-c", EXIFREAD_LOOP, str(library)]
        timed(loop)
        rows.append(("bare exifread loop (1 process)", timed(loop)))
        reference = None
        if exiftool:
            cmd = [exiftool, "-fast2", "-n", "-json", *TAGS, str(library)]
            timed(cmd)
            reference = timed(cmd)
            rows.append(("exiftool -fast2 -n -json (4 tags)", reference))
        print(f"\n{'':<44}{'seconds':>9}{'files/s':>10}{'vs ExifTool':>13}")
        for label, seconds in rows:
            ratio = f"{reference / seconds:.1f}x" if reference else "n/a"
            print(f"{label:<44}{seconds:>9.3f}{args.n / seconds:>10.0f}{ratio:>13}")

        small = work / "small"
        make_library(small, args.small)
        cold(small)
        trip = cold(small)
        line = f"\n{args.small}-photo trip end to end (cold, offline names, GeoJSON): {trip:.3f} s"
        if exiftool:
            cmd = [exiftool, "-fast2", "-n", "-json", *TAGS, str(small)]
            timed(cmd)
            line += f"; ExifTool alone: {timed(cmd):.3f} s"
        print(line)

        help_time = timed(tripexif + ["--help"], env, repeat=10)
        click_time = timed([sys.executable, "-c", "import click"], env, repeat=10)
        print(f"start-up: tripexif --help {help_time * 1000:.0f} ms, python -c 'import click' "
              f"{click_time * 1000:.0f} ms ({help_time / click_time:.2f}x)")
        scan = tripexif + ["scan", str(library), "-q", "-o", out, "--no-cache"]
        print(f"peak memory, cold scan of {args.n}: {peak_rss_mb(scan, env):.0f} MB")
        print(table_against_json(args.records))
        if args.memory:
            big = work / "big"
            big.mkdir()
            tiny = synth.jpeg_bytes(synth.Exif(datetime_original="2025:05:01 10:00:00",
                                               lat=48.85, lon=2.35), size=(8, 8))
            for i in range(args.memory):
                (big / f"{i:07d}.jpg").write_bytes(tiny)
            mem = peak_rss_mb(tripexif + ["scan", str(big), "-q", "-f", "json", "--no-cache"], env)
            print(f"peak memory, scan of {args.memory} photos to JSON: {mem:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
