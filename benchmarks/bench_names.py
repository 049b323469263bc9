"""What naming stops offline costs a scan: ``tripexif scan examples/photos`` with an empty
cache, with the offline place file against ``--geocoder none``, and the place file's own
open and lookup times.

    python benchmarks/bench_names.py            # 15 alternating runs of each
    python benchmarks/bench_names.py -n 30

Each run is a fresh process with a fresh, empty cache folder (``TRIPEXIF_CACHE_DIR``), so
nothing is remembered from an earlier run: no scan index, no cached place names. The two
commands alternate, and the median of each (wall clock and CPU time) is reported; on a
busy machine the difference of two medians is noisy, so the time spent naming stops is also
measured inside one scan. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(geocoder: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one scan in a fresh process."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, TRIPEXIF_CACHE_DIR=cache)
        command = [sys.executable, "-m", "tripexif", "scan", "examples/photos", "-q",
                   "--geocoder", geocoder]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


def _naming_in_a_scan() -> tuple[int, float]:
    """The stops of the example trip and the milliseconds spent naming them offline in one
    scan (importing the geocoder and opening the place file included, what any scan imports
    not), in this process."""
    from tripexif.api import scan
    from tripexif.trip import itinerary  # noqa: F401 - a scan with --geocoder none has it

    started = time.perf_counter()
    from tripexif.geocode.offline import OfflineGeocoder

    coder = OfflineGeocoder()
    coder.file  # noqa: B018 - opens the place file
    spent = [time.perf_counter() - started]

    class Timed:
        name = "offline"

        def reverse(self, lat: float, lon: float) -> object:
            began = time.perf_counter()
            try:
                return coder.reverse(lat, lon)
            finally:
                spent.append(time.perf_counter() - began)

    found = scan([str(ROOT / "examples" / "photos")], geocoder=Timed(),  # type: ignore
                 cache=False)
    return len(found.stops), sum(spent) * 1000


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
    runs: dict[str, list[tuple[float, float]]] = {"offline": [], "none": []}
    for _ in range(args.n):
        for geocoder in runs:
            runs[geocoder].append(_run(geocoder))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}; {args.n} runs each, "
          "medians")
    medians = {}
    for geocoder, times in runs.items():
        wall = statistics.median(t[0] for t in times) * 1000
        cpu = statistics.median(t[1] for t in times) * 1000
        medians[geocoder] = (wall, cpu)
        print(f"tripexif scan examples/photos, empty cache, --geocoder {geocoder:7}: "
              f"{wall:4.0f} ms wall, {cpu:4.0f} ms CPU")
    wall = medians["offline"][0] - medians["none"][0]
    cpu = medians["offline"][1] - medians["none"][1]
    print(f"offline names cost: {wall:.0f} ms wall, {cpu:.0f} ms CPU")
    stops, naming = _naming_in_a_scan()
    print(f"in one scan: {naming:.1f} ms naming its {stops} stops and waypoints offline "
          "(import and opening the place file included)")
    opened, lookup = _in_process()
    print(f"opening the place file: {opened:.2f} ms; one lookup: {lookup:.3f} ms (median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
