"""Write the example trip in examples/photos: three days in Kyoto, Nara and Osaka, April 2025.

Two devices, as on a real trip:
- an iPhone (HEIC and JPEG) that writes OffsetTimeOriginal (+09:00);
- a FUJIFILM X-T5 whose clock was left on Paris time (UTC+02:00) and that stamps GPS UTC from
  a paired phone; its last photo has no GPS, so only its clock profile can place it in time.

Run from the repository root:  python scripts/make_examples.py
Needs the dev extra (Pillow, pillow-heif). Output is deterministic.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import synth  # noqa: E402  (the fixture writer lives with the tests)

JST = timezone(timedelta(hours=9))
PARIS_CLOCK = timedelta(hours=2)  # the camera's clock: UTC+02:00 (CEST)

# (local JST start, place, lat, lon, [(minutes after start, device)])
PLAN = [
    ("2025-04-02 09:05", 34.98580, 135.75880, [(0, "ip"), (6, "ip"), (21, "ip")]),  # Kyoto Station
    ("2025-04-02 10:15", 34.96710, 135.77270,
     [(0, "ip-heic"), (12, "fuji"), (25, "fuji"), (48, "ip-heic"), (65, "fuji")]),  # Fushimi Inari
    ("2025-04-02 14:00", 34.99490, 135.78500,
     [(0, "ip"), (9, "fuji"), (22, "ip-heic"), (40, "fuji")]),  # Kiyomizu-dera
    ("2025-04-02 18:30", 35.00370, 135.77880, [(0, "ip"), (15, "ip"), (40, "fuji")]),  # Gion
    ("2025-04-03 10:00", 34.68510, 135.84300,
     [(0, "ip"), (10, "fuji"), (25, "ip-heic"), (40, "fuji"), (58, "ip")]),  # Nara Park
    ("2025-04-03 11:35", 34.68900, 135.83980, [(0, "ip"), (14, "fuji"), (25, "ip")]),  # Todai-ji
    ("2025-04-03 16:05", 34.88430, 135.79990, [(0, "ip")]),  # Uji, a single photo: a waypoint
    ("2025-04-04 10:00", 34.68730, 135.52620,
     [(0, "ip"), (8, "fuji"), (20, "ip-heic"), (38, "fuji")]),  # Osaka Castle
    ("2025-04-04 19:00", 34.66870, 135.50130,
     [(0, "ip"), (12, "fuji"), (30, "ip"), (44, "fuji-nogps")]),  # Dotonbori
]
# a phone photo whose GPS was off (airplane mode), between Nara Park and Todai-ji
NO_GPS_PHONE = datetime(2025, 4, 3, 11, 20, tzinfo=JST)


def main(out: Path) -> None:
    rng = random.Random(2025)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    counters = {"ip": 0, "fuji": 0}
    seed = 0
    for start, lat, lon, shots in PLAN:
        begin = datetime.strptime(start, "%Y-%m-%d %H:%M").replace(tzinfo=JST)
        for minutes, device in shots:
            seed += 1
            moment = begin + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
            jitter_lat = lat + rng.uniform(-0.0004, 0.0004)
            jitter_lon = lon + rng.uniform(-0.0004, 0.0004)
            if device.startswith("ip"):
                counters["ip"] += 1
                exif = synth.Exif(
                    make="Apple", model="iPhone 15", datetime_original=moment.replace(tzinfo=None),
                    offset_original="+09:00", lat=jitter_lat, lon=jitter_lon,
                    alt=rng.uniform(20, 80),
                    gps_utc=moment.astimezone(timezone.utc) - timedelta(seconds=1),
                )
                if device == "ip-heic":
                    data = synth.heic_bytes(exif, seed=seed)
                    name = f"IMG_{counters['ip']:04d}.HEIC"
                else:
                    data = synth.jpeg_bytes(exif, seed=seed)
                    name = f"IMG_{counters['ip']:04d}.JPG"
            else:
                counters["fuji"] += 1
                camera_clock = (moment.astimezone(timezone.utc) + PARIS_CLOCK).replace(tzinfo=None)
                located = device != "fuji-nogps"
                exif = synth.Exif(
                    make="FUJIFILM", model="X-T5", datetime_original=camera_clock,
                    lat=jitter_lat if located else None, lon=jitter_lon if located else None,
                    gps_utc=moment.astimezone(timezone.utc) if located else None,
                )
                data = synth.jpeg_bytes(exif, seed=seed, size=(120, 80))
                name = f"DSCF{counters['fuji'] + 4100:04d}.JPG"
            (out / name).write_bytes(data)
    counters["ip"] += 1
    exif = synth.Exif(make="Apple", model="iPhone 15",
                      datetime_original=NO_GPS_PHONE.replace(tzinfo=None), offset_original="+09:00")
    (out / f"IMG_{counters['ip']:04d}.HEIC").write_bytes(synth.heic_bytes(exif, seed=99))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("examples/photos"))
