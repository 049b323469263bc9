"""GPX 1.0 and 1.1 (gpxpy): track points, route points and waypoints that have a time."""

from __future__ import annotations

import re
from datetime import timezone
from typing import Any

from tripexif.locate.tracks import BadTrack, Fix, Parsed

_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def read(data: bytes, name: str) -> Parsed:
    import gpxpy
    import gpxpy.gpx

    if _DTD.search(data[:65536]):
        raise BadTrack("declares a DTD, which a GPX file never needs; not read")
    text = data.decode("utf-8-sig", "replace")
    try:
        document = gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as exc:
        # gpxpy keeps only the parser's message: expat's "... (invalid token): line 3,
        # column 19", or lxml's (when installed) "AttValue: ... expected, line 3, column 20
        # (<string>, line 3)"
        message = str(exc).removeprefix("Error parsing XML: ")
        found = re.search(r",?:? line (\d+), column \d+", message)
        line = int(found.group(1)) if found else None
        raise BadTrack(f"not well-formed XML ({message[: found.start()] if found else message})",
                       line) from exc
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise BadTrack(f"not a readable GPX file ({exc})") from exc
    points: list[Any] = [p for track in document.tracks for segment in track.segments
              for p in segment.points]
    points += [p for route in document.routes for p in route.points]
    points += list(document.waypoints)
    fixes: list[Fix] = []
    untimed = 0
    for point in points:
        if point.time is None:
            untimed += 1
            continue
        moment = point.time
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        fixes.append((moment.timestamp(), point.latitude, point.longitude))
    problems: list[tuple[int | None, str]] = []
    if untimed and fixes:
        problems.append((None, f"{untimed} point{'s' if untimed > 1 else ''} without a time"))
    return Parsed(fixes, problems, "GPX")
