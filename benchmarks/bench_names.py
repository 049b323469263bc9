"""What naming stops offline costs a scan: ``tripexif scan examples/photos`` with an empty
cache, with the offline place file against ``--geocoder none``, and the place file's own
open and lookup times.

    python benchmarks/bench_names.py            # 15 alternating runs of each
    python benchmarks/bench_names.py -n 30

Each run is a fresh process with a fresh, empty cache folder (``TRIPEXIF_CACHE_DIR``), so
nothing is remembered from an earlier run: no scan index, no cached place names. The two
commands alternate, and the median of each is reported. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(geocoder: str) -> float:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, TRIPEXIF_CACHE_DIR=cache)
        command = [sys.executable, "-m", "tripexif", "scan", "examples/photos", "-q",
                   "--geocoder", geocoder]
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def _in_process() -> tuple[float, float]:
    """Milliseconds to open the place file, and per lookup (median of 1,000 positions)."""
    from tripexif.geocode.offline import DATA, OfflineGeocoder
    from tripexif.geocode.placefile import PlaceFile

    started = time.perf_counter()
    PlaceFile(DATA)
    opened = (time.perf_counter() - started) * 1000
    coder = OfflineGeocoder(data=DATA, at_sea=lambda lat, lon: False)
    times = []
    for i in range(1000):
        lat, lon = -60 + (i * 0.1237) % 120, -180 + (i * 0.731) % 360
        started = time.perf_counter()
        coder.reverse(lat, lon)
        times.append((time.perf_counter() - started) * 1000)
    return opened, statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=15, help="runs of each command")
    args = parser.parse_args()
    _run("offline")  # warm the page cache and the bytecode cache
    _run("none")
    offline, none = [], []
    for _ in range(args.n):
        offline.append(_run("offline"))
        none.append(_run("none"))
    a, b = statistics.median(offline), statistics.median(none)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}; {args.n} runs each, medians")
    print(f"tripexif scan examples/photos, empty cache, --geocoder offline: {a * 1000:6.0f} ms")
    print(f"tripexif scan examples/photos, empty cache, --geocoder none:    {b * 1000:6.0f} ms")
    cost = (a - b) * 1000
    print(f"offline names cost:                                            {cost:6.0f} ms")
    opened, lookup = _in_process()
    print(f"opening the place file: {opened:.2f} ms; one lookup: {lookup:.3f} ms (median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
