"""CSV (or tab- or semicolon-separated) logs with a header naming latitude, longitude and
time columns: ``lat``/``latitude``, ``lon``/``lng``/``long``/``longitude``, and ``time``,
``timestamp``, ``datetime``, ``date_time``, ``utc`` (or ``date`` and ``time`` columns).
A time is ISO 8601 (without an offset: UTC), "YYYY-MM-DD HH:MM:SS", or seconds (or
milliseconds) since the epoch. A row that cannot be read is passed over with its line."""

from __future__ import annotations

import csv as csv_module
import io
import re

from tripexif.locate.tracks import BadTrack, Fix, Parsed, check_position, utc_seconds

LAT = ("lat", "latitude", "gpslatitude", "latitude_deg")
LON = ("lon", "lng", "long", "longitude", "gpslongitude", "longitude_deg")
TIME = ("time", "timestamp", "datetime", "date_time", "utc", "time_utc", "gpstime",
        "date time", "timestamp_utc", "recorded_at")


def _name(cell: str) -> str:
    return re.sub(r"\s*\(.*\)$", "", cell.strip().strip('"').strip().lower())


def _dialect(line: str) -> str:
    return max(",;\t|", key=line.count)


def header_columns(line: str) -> tuple[int, int, int | tuple[int, int]] | None:
    """(lat, lon, time) column numbers of a header line (time may be a (date, time) pair);
    None when it does not name them."""
    cells = [_name(c) for c in line.split(_dialect(line))]

    def find(names: tuple[str, ...]) -> int | None:
        return next((i for i, c in enumerate(cells) if c in names), None)

    lat, lon, moment = find(LAT), find(LON), find(TIME)
    if lat is None or lon is None:
        return None
    if moment is not None and cells[moment] == "time" and "date" in cells:
        return lat, lon, (cells.index("date"), moment)
    if moment is None:
        return None
    return lat, lon, moment


def _time(text: str) -> float:
    value = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        number = float(value)
        return number / 1000.0 if number > 1e11 else number
    return utc_seconds(value.replace("/", "-"))


def read(data: bytes, name: str) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadTrack(f"not UTF-8 text ({exc.reason})") from exc
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    columns = header_columns(lines[first]) if first is not None else None
    if first is None or columns is None:
        raise BadTrack("no header naming latitude, longitude and time columns", 1)
    lat_at, lon_at, time_at = columns
    rows = csv_module.reader(io.StringIO("\n".join(lines[first + 1 :])),
                             delimiter=_dialect(lines[first]))
    fixes: list[Fix] = []
    problems: list[tuple[int | None, str]] = []
    for number, row in enumerate(rows, first + 2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            lat, lon = float(row[lat_at]), float(row[lon_at])
            check_position(lat, lon)
            if isinstance(time_at, tuple):
                moment = _time(f"{row[time_at[0]].strip()}T{row[time_at[1]].strip()}")
            else:
                moment = _time(row[time_at])
        except (ValueError, IndexError) as exc:
            problems.append((number, f"unreadable row ({exc})"))
            continue
        fixes.append((moment, lat, lon))
    return Parsed(fixes, problems, "CSV")
