"""Generated trips for itinerary tests: real files with EXIF written by tripexif.synth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import synth


@dataclass(frozen=True)
class Shot:
    """A photo taken at ``local`` wall time in ``zone`` at (lat, lon), by a device."""

    name: str
    local: datetime  # the true local wall time at the place
    zone: str
    lat: float | None
    lon: float | None
    device: str = "phone"  # phone: OffsetTimeOriginal; camera: clock in camera_zone + GPS UTC
    camera_zone: str | None = None
    gps_stamp: bool = True
    drift: timedelta = timedelta(0)  # camera: how far its clock has run ahead (issue 13)
    alt: float | None = None  # metres above sea level (phone photos)

    @property
    def instant(self) -> datetime:
        return self.local.replace(tzinfo=ZoneInfo(self.zone)).astimezone(timezone.utc)


def write(folder: Path, shots: list[Shot]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, shot in enumerate(shots):
        aware = shot.local.replace(tzinfo=ZoneInfo(shot.zone))
        if shot.device == "phone":
            offset = aware.utcoffset() or timedelta(0)
            minutes = int(offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            exif = synth.Exif(
                make="Apple", model="iPhone 15", datetime_original=shot.local,
                offset_original=f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
                lat=shot.lat, lon=shot.lon, alt=shot.alt,
                gps_utc=shot.instant if shot.lat is not None else None,
            )
        elif shot.device == "camera":
            clock = shot.instant.astimezone(ZoneInfo(shot.camera_zone or "UTC")) + shot.drift
            exif = synth.Exif(
                make="FUJIFILM", model="X-T5", datetime_original=clock.replace(tzinfo=None),
                lat=shot.lat, lon=shot.lon,
                gps_utc=shot.instant if shot.gps_stamp and shot.lat is not None else None,
            )
        else:  # "plain": a camera with only its (correct, local) wall clock and GPS position
            exif = synth.Exif(make="Canon", model="Canon EOS R6", datetime_original=shot.local,
                              lat=shot.lat, lon=shot.lon)
        (folder / shot.name).write_bytes(synth.jpeg_bytes(exif, seed=i, size=(16, 16)))
    return folder


# --- trips with a GPS-less camera beside a phone (issue 13) -------------------------------

@dataclass(frozen=True)
class Visit:
    """One stop of a generated trip: where, and from when to when (local wall time)."""

    day: int
    number: int
    lat: float
    lon: float
    arrive: datetime
    leave: datetime


def travel_plan(seed: int, days: int = 5, stops_per_day: int = 4, zone: str = "Asia/Tokyo",
                start: datetime = datetime(2024, 4, 2), centre: tuple[float, float] = (
                    35.0, 135.75)) -> list[Visit]:
    """Visits of 60–110 min, 40–70 min of travel apart (3–20 km), from 08:30 each day; each
    day in another area (~60 km on)."""
    import random

    rng = random.Random(seed)
    plan = []
    for day in range(days):
        lat = centre[0] + 0.5 * day
        lon = centre[1] + 0.2 * day
        moment = start + timedelta(days=day, hours=8, minutes=30 + rng.randrange(0, 30))
        for number in range(stops_per_day):
            stay = timedelta(minutes=rng.randrange(60, 110))
            plan.append(Visit(day, number, lat, lon, moment, moment + stay))
            moment += stay + timedelta(minutes=rng.randrange(40, 70))
            lat += rng.choice((-1, 1)) * rng.uniform(0.03, 0.15)
            lon += rng.choice((-1, 1)) * rng.uniform(0.03, 0.15)
    return plan


def camera_and_phone(plan: list[Visit], seed: int, zone: str = "Asia/Tokyo",
                     camera_zone: str = "Europe/Berlin", phone_share: float = 0.85,
                     phone: bool = True, drift_per_day: timedelta = timedelta(0),
                     ) -> tuple[list[Shot], dict[str, Visit], set[tuple[int, int]]]:
    """Shots of a phone (GPS, offset tags) at most visits, from arrival to departure, and of
    a camera with no GPS whose clock is on ``camera_zone`` (and gains ``drift_per_day``) at
    every visit. Returns the shots, the visit of each camera photo, and the visits the
    phone photographed."""
    import random

    rng = random.Random(seed)
    shots: list[Shot] = []
    truth: dict[str, Visit] = {}
    covered: set[tuple[int, int]] = set()
    first = plan[0].arrive
    for visit in plan:
        length = (visit.leave - visit.arrive).total_seconds()
        if phone and rng.random() < phone_share:
            covered.add((visit.day, visit.number))
            moments = [rng.uniform(0, 240), length - rng.uniform(0, 240)]
            moments += [rng.uniform(0, length) for _ in range(rng.randrange(1, 5))]
            for k, offset in enumerate(sorted(moments)):
                shots.append(Shot(f"phone_{visit.day}_{visit.number}_{k}.jpg",
                                  visit.arrive + timedelta(seconds=round(offset)), zone,
                                  visit.lat + rng.uniform(-4e-4, 4e-4),
                                  visit.lon + rng.uniform(-4e-4, 4e-4)))
        for k in range(rng.randrange(3, 8)):
            local = visit.arrive + timedelta(seconds=round(rng.uniform(60, length - 60)))
            drift = drift_per_day * ((local - first).total_seconds() / 86400)
            name = f"cam_{visit.day}_{visit.number}_{k}.jpg"
            shots.append(Shot(name, local, zone, None, None, device="camera",
                              camera_zone=camera_zone, gps_stamp=False, drift=drift))
            truth[name] = visit
    return shots, truth, covered


def gpx_track(plan: list[Visit], zone: str = "Asia/Tokyo", step: int = 30, seed: int = 0) -> str:
    """A GPX 1.1 track of ``plan``, a fix every ``step`` seconds from each day's first
    arrival to its last departure (the logger is off at night): still at the visits (a few
    metres of jitter), on the straight line between them."""
    import random

    rng = random.Random(seed)
    points = []
    tz = ZoneInfo(zone)
    for here, there in zip(plan, [*plan[1:], None], strict=True):
        start = here.arrive.replace(tzinfo=tz).astimezone(timezone.utc)
        leave = here.leave.replace(tzinfo=tz).astimezone(timezone.utc)
        moment = start
        while moment <= leave:
            points.append((moment, here.lat + rng.uniform(-1e-4, 1e-4),
                           here.lon + rng.uniform(-1e-4, 1e-4)))
            moment += timedelta(seconds=step)
        if there is None or there.day != here.day:
            continue
        arrive = there.arrive.replace(tzinfo=tz).astimezone(timezone.utc)
        while moment < arrive:
            f = (moment - leave) / (arrive - leave)
            points.append((moment, here.lat + f * (there.lat - here.lat),
                           here.lon + f * (there.lon - here.lon)))
            moment += timedelta(seconds=step)
    rows = "".join(f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}"><time>'
                   f'{moment.strftime("%Y-%m-%dT%H:%M:%SZ")}</time></trkpt>\n'
                   for moment, lat, lon in points)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="tests" '
            'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n'
            f"{rows}</trkseg></trk></gpx>\n")
