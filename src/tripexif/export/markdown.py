"""The trip report as Markdown (`-f md`): a day-by-day journal that reads well in a pager
(`tripexif scan ... -f md | less`) and renders on GitHub, in Obsidian, in any Markdown viewer.

A `#` heading per trip with its dates and summary; a `##` heading per day (weekday, date,
zone); each stop and waypoint as a list item (number, place, local time range, photos,
distance from the previous stop), its photos as relative links and its nearby places; the
night. User text is made inert and its Markdown characters escaped, so a place called
``*[x](javascript:...)*`` is shown as typed."""

from __future__ import annotations

import re

from tripexif.export import ITINERARY, Format, Options
from tripexif.export.records import (
    clock_span,
    distance_text,
    local_day_title,
    nearby_texts,
    night_text,
    passing,
    photo_count_text,
    photo_link,
    place_label,
    plural,
    shared_name,
    trip_summary_text,
    trips_of,
)
from tripexif.export.textsafe import inert
from tripexif.model import Day, Itinerary, Stop, Trip

FILES_PER_STOP = 12
# what Markdown reads as markup anywhere, and at the start of a line
_SPECIAL = re.compile(r"([\\`*_\[\]<>~]|^[-=#+](?=\s|$)|(?<=^\d)\.(?=\s))")


def md_text(text: str) -> str:
    """User text for Markdown: controls inert, Markdown's characters backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", inert(text))


def stop_facts(stop: Stop, first: bool) -> list[str]:
    """Time range (with the zone when it is not the day's), photos, distance from the
    previous stop ("—" only for the trip's first)."""
    facts = [clock_span(stop), photo_count_text(stop)]
    facts.append("start of the trip" if first else
                 f"{distance_text(stop.distance_km)} from the previous stop")
    return facts


def _day(day: Day, options: Options, first_stop: Stop | None) -> list[str]:
    lines = [f"## {local_day_title(day.date)} ({md_text(day.timezone or 'floating time')})",
             ""]
    for stop in day.stops:
        zone = f" ({stop.timezone})" if stop.timezone and stop.timezone != day.timezone else ""
        facts = stop_facts(stop, stop is first_stop)
        facts[0] += zone
        if stop.kind == "stop":
            head = f"**{stop.index}. {md_text(place_label(stop))}**"
        else:
            head = f"*{'passing ' if passing(stop) else ''}{md_text(place_label(stop))}*"
        lines.append(f"- {head} · " + " · ".join(md_text(f) for f in facts))
        links = [f"[{md_text(shared_name(path, options.full_paths))}]"
                 f"({photo_link(path, options.base)})" for path in stop.files[:FILES_PER_STOP]]
        more = len(stop.files) - FILES_PER_STOP
        if more > 0:
            links.append(f"and {more:,} more")
        lines.append("  - photos: " + ", ".join(links))
        near = nearby_texts(stop)
        if near:
            lines.append("  - nearby: " + " · ".join(md_text(n) for n in near))
    if not day.stops:
        lines.append("No located photos this day.")
    lines.append("")
    if day.night is not None:
        lines += [f"**Night:** {md_text(night_text(day.night))}", ""]
    stops = sum(1 for s in day.stops if s.kind == "stop")
    lines += [f"*{plural(stops, 'stop')} · {distance_text(day.distance_km)}*", ""]
    return lines


def _trip(trip: Trip, options: Options, title: str | None) -> list[str]:
    lines = [f"# {md_text(title or trip.title)}", "", md_text(trip_summary_text(trip))]
    modes = trip.distance_by_mode()
    if modes:
        lines.append("")
        lines.append("By " + " · ".join(f"{mode} {distance_text(km)}"
                                        for mode, km in sorted(modes.items(),
                                                               key=lambda m: -m[1])))
    lines.append("")
    stops = trip.stops
    first = stops[0] if stops else None
    for day in trip.days:
        lines += _day(day, options, first)
    return lines


def left_out(itinerary: Itinerary) -> list[str]:
    """What the report does not show: photos without a position, days at home."""
    notes = []
    missing = itinerary.unlocated_count
    if missing:
        notes.append(f"{plural(missing, 'photo')} without a position "
                     f"{'is' if missing == 1 else 'are'} not in this report.")
    away = {day.date for trip in itinerary.trips for day in trip.days}
    home = sum(1 for d in itinerary.days if d.date not in away) if itinerary.trips else 0
    if home:
        notes.append(f"{plural(home, 'day')} at home {'is' if home == 1 else 'are'} not in "
                     "this report.")
    return notes


def to_markdown(itinerary: Itinerary, options: Options | None = None) -> str:
    options = options or Options()
    trips = trips_of(itinerary)
    lines: list[str] = []
    for n, trip in enumerate(trips):
        if n:
            lines += ["---", ""]
        lines += _trip(trip, options, options.title if len(trips) == 1 else None)
    if not trips:
        lines += [f"# {md_text(options.title or 'Trip')}", "", "No located photos.", ""]
    for note in left_out(itinerary):
        lines += [f"*{note}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


FORMATS = (Format("md", ITINERARY, lambda itinerary, options: to_markdown(itinerary, options),
                  (".md", ".markdown"), ("scan",)),)
