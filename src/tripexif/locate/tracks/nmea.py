"""NMEA 0183 logs: ``RMC`` (date, time, position, status) and ``GGA`` (time and position; its
day is the last RMC's) sentences from any talker (GP, GN, GL, ...). A sentence whose
checksum does not match, a void RMC or a GGA without a fix is passed over. Written by hand:
two sentence types do not need pynmea2."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from tripexif.locate.tracks import Fix, Parsed, check_position

_SENTENCE = re.compile(r"\$([A-Z]{2})(RMC|GGA),([^*]*)\*([0-9A-Fa-f]{2})")


def read(data: bytes, name: str) -> Parsed:
    fixes: list[Fix] = []
    problems: list[tuple[int | None, str]] = []
    day: date | None = None
    waiting: list[tuple[int, str, float, float]] = []  # GGA before the first RMC's date
    for number, raw in enumerate(data.decode("ascii", "replace").splitlines(), 1):
        line = raw.strip()
        if "$" not in line:
            continue
        match = _SENTENCE.search(line)
        if match is None:
            if re.search(r"\$[A-Z]{2}(RMC|GGA),", line):
                problems.append((number, "a cut-off RMC/GGA sentence (no checksum)"))
            continue
        body = line[match.start() + 1 : match.start(4) - 1]
        checksum = 0
        for char in body:
            checksum ^= ord(char)
        if checksum != int(match.group(4), 16):
            problems.append((number, f"checksum {match.group(4)} does not match the "
                                     f"sentence ({checksum:02X})"))
            continue
        fields = match.group(3).split(",")
        try:
            if match.group(2) == "RMC":
                if len(fields) < 9 or fields[1] != "A":
                    continue  # void: no fix
                day = datetime.strptime(fields[8], "%d%m%y").date()
                lat, lon = _angle(fields[2], fields[3]), _angle(fields[4], fields[5])
                check_position(lat, lon)
                moment = _moment(day, fields[0])
                for _, clock, wlat, wlon in waiting:  # the first RMC gives their day too
                    fixes.append((_moment(day, clock), wlat, wlon))
                waiting = []
                fixes.append((moment, lat, lon))
            else:
                if len(fields) < 6 or fields[5] in ("", "0"):
                    continue  # no fix
                lat, lon = _angle(fields[1], fields[2]), _angle(fields[3], fields[4])
                check_position(lat, lon)
                if day is None:
                    waiting.append((number, fields[0], lat, lon))
                else:
                    fixes.append((_moment(day, fields[0]), lat, lon))
        except (ValueError, IndexError) as exc:
            problems.append((number, f"unreadable {match.group(2)} sentence ({exc})"))
    if waiting and not fixes:
        problems.append((waiting[0][0], "GGA sentences but no RMC to give their date"))
    return Parsed(fixes, problems, "NMEA")


def _angle(value: str, hemisphere: str) -> float:
    """"4807.038", "N" (degrees and minutes) -> 48.1173."""
    if not value or hemisphere not in ("N", "S", "E", "W"):
        raise ValueError(f"{value!r} {hemisphere!r} is not a position")
    whole, _, _ = value.partition(".")
    degrees = int(whole[:-2] or "0")
    minutes = float(value[len(whole) - 2 :])
    if minutes >= 60:
        raise ValueError(f"{value!r} has {minutes} minutes")
    result = degrees + minutes / 60.0
    return -result if hemisphere in ("S", "W") else result


def _moment(day: date, clock: str) -> float:
    """The UTC instant of an NMEA "hhmmss.ss" on ``day``."""
    hours, minutes, seconds = int(clock[0:2]), int(clock[2:4]), float(clock[4:])
    if hours > 23 or minutes > 59 or seconds >= 61:
        raise ValueError(f"{clock!r} is not a time of day")
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return (start + timedelta(hours=hours, minutes=minutes, seconds=seconds)).timestamp()
