"""How fast photos without GPS are placed on a long track (issue 13).

    python benchmarks/bench_place.py                  # 10,000 photos, 1,000,000 fixes
    python benchmarks/bench_place.py -n 1000 --fixes 100000

A 1,000,000-fix track (a fix a second for 11.9 days, a few missing; a random walk with
stops) and
10,000 photo instants spread over it. Measured, best of three: building the index
(Track, sorting the fixes), looking the 10,000 instants up in it (great-circle
interpolation, gaps and jumps checked), and the whole placing stage on 10,000 Photo
records (the track, then the other photos, then each placed photo's local time in the zone
at its position: the zone lookups are most of it). For scale, the same lookups done one
photo at a time with bisect on Python lists. Also: reading a GPX file of those fixes with
gpxpy (the reader), once. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

import numpy as np

from tripexif.clock.times import TimeSettings
from tripexif.clock.zones import ZoneFinder
from tripexif.locate import PlacementSettings
from tripexif.locate.place import place
from tripexif.locate.track import Track
from tripexif.model import Photo, RawTimes
from tripexif.trip.itinerary import ClusterSettings

START = datetime(2024, 4, 2, tzinfo=timezone.utc).timestamp()


def fixes(wanted: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    count = int(wanted / 0.97)  # 2 % are dropped below, then the track is cut to ``wanted``
    times = START + np.arange(count, dtype=np.float64)
    moving = (np.arange(count) // 1800) % 2 == 0  # half an hour on the move, half still
    steps = rng.normal(0, 1.2e-5, (count, 2)) * moving[:, None]
    lats = 35.0 + np.cumsum(steps[:, 0])
    lons = 135.7 + np.cumsum(steps[:, 1])
    keep = rng.random(count) > 0.02  # a few gaps
    return times[keep][:wanted], lats[keep][:wanted], lons[keep][:wanted]


def best(run, repeat: int = 3) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--photos", type=int, default=10_000)
    parser.add_argument("--fixes", type=int, default=1_000_000)
    parser.add_argument("--no-gpx", action="store_true", help="skip reading the GPX file")
    args = parser.parse_args()
    times, lats, lons = fixes(args.fixes)
    rng = random.Random(2)
    instants = np.array(sorted(rng.uniform(times[0], times[-1]) for _ in range(args.photos)))
    settings = PlacementSettings()
    print(f"tripexif placing benchmark: {args.photos:,} photos, {times.size:,} fixes; "
          f"Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs")

    build_s, track = best(lambda: Track(times, lats, lons))
    assert isinstance(track, Track)
    lookup_s, found = best(lambda: track.locate(instants, settings))
    placed = int((found.why == 0).sum())  # type: ignore[attr-defined]

    listed_t, listed_lat = times.tolist(), lats.tolist()

    def one_by_one() -> int:
        hits = 0
        for t in instants.tolist():
            at = bisect.bisect_left(listed_t, t)
            if 0 < at < len(listed_t) and listed_t[at] - listed_t[at - 1] <= 1800:
                f = (t - listed_t[at - 1]) / (listed_t[at] - listed_t[at - 1])
                hits += not math.isnan(listed_lat[at - 1] + f)
        return hits

    loop_s, _ = best(one_by_one)
    photos = [Photo(f"p/{i:05d}.jpg", camera="FUJIFILM X-T5",
                    raw=RawTimes(datetime.fromtimestamp(t, timezone.utc).replace(tzinfo=None),
                                 "+00:00"))
              ._replace(time_utc=datetime.fromtimestamp(t, timezone.utc),
                        time_local=datetime.fromtimestamp(t, timezone.utc),
                        time_source="offset_tag")
              for i, t in enumerate(instants.tolist())]
    finder = ZoneFinder(None)
    stage_s, done = best(lambda: place(photos, settings, TimeSettings(), ClusterSettings(),
                                       finder.name_at, track))
    print(f"  index {times.size:,} fixes (sort):           {build_s * 1000:8.1f} ms")
    print(f"  locate {args.photos:,} photos in it:            {lookup_s * 1000:8.1f} ms "
          f"({placed:,} placed)")
    print(f"  the same one by one (bisect, lists):     {loop_s * 1000:8.1f} ms "
          f"(interpolation only)")
    print(f"  the placing stage, {args.photos:,} Photo records:  {stage_s * 1000:8.1f} ms "
          f"(with each placed photo's zone)")
    if args.no_gpx:
        return
    from tripexif.locate.tracks import read_track

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "long.gpx")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write('<?xml version="1.0"?>\n<gpx version="1.1" creator="bench" '
                     'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n')
            for t, la, lo in zip(times.tolist(), lats.tolist(), lons.tolist(), strict=True):
                stamp = (datetime(1970, 1, 1) + timedelta(seconds=t)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ")
                fh.write(f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><time>{stamp}</time></trkpt>\n')
            fh.write("</trkseg></trk></gpx>\n")
        size = os.path.getsize(path)
        started = time.perf_counter()
        read = read_track(path)
        merged = Track.merged([read.fixes])
        gpx_s = time.perf_counter() - started
    print(f"  read a {size / 1e6:.0f} MB GPX of them (gpxpy) + index: {gpx_s:8.1f} s "
          f"({len(merged):,} fixes)")


if __name__ == "__main__":
    sys.exit(main())
