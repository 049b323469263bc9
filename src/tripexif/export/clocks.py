"""``tripexif clocks`` output: per camera body, how its clock was worked out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tripexif.clock.zones import format_offset
from tripexif.export import Format, Options
from tripexif.export.textsafe import inert, json_text

if TYPE_CHECKING:
    from rich.console import Console

    from tripexif.clock.report import ClockReport

CLOCKS = "clocks"  # what these exporters take: a sequence of clock.report.ClockReport


def _drift(report: ClockReport) -> str | None:
    """"+1.2 min a day" (the clock gains), "-40 s a day" (it loses)."""
    if report.drift_per_day is None:
        return None
    seconds = report.drift_per_day.total_seconds()
    amount = f"{abs(seconds) / 60:.1f} min" if abs(seconds) >= 60 else f"{abs(seconds):.0f} s"
    return f"{'+' if seconds >= 0 else '-'}{amount} a day"


def record(report: ClockReport) -> dict[str, Any]:
    return {
        "camera": report.label,
        "photos": report.photos,
        "how": report.how,
        "offset": format_offset(report.offsets[0], "-") if report.offsets else None,
        "offsets": [format_offset(o, "-") for o in report.offsets],
        "confidence": report.confidence,
        "drift": _drift(report),
        "drift_seconds_per_day": None if report.drift_per_day is None
        else round(report.drift_per_day.total_seconds(), 1),
        "pin": report.pin,
        "note": report.note,
        "home_time": report.home_time,
        "local": None if report.local is None else format_offset(report.local, "-"),
        "offset_halfway": None if report.middle is None else format_offset(report.middle, "-"),
        "guess": None if report.guess is None else format_offset(report.guess, "-"),
        "guess_pin": report.guess_pin,
    }


def to_json(reports: Sequence[ClockReport]) -> str:
    from tripexif import __version__

    return json_text({"version": 1, "generator": f"tripexif {__version__}",
                      "cameras": [record(r) for r in reports]}, indent=2) + "\n"


def draw(console: Console, reports: Sequence[ClockReport]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, header_style="bold")
    for name in ("camera", "photos", "how", "clock", "confidence", "drift", "pin it with"):
        table.add_column(name, overflow="fold")
    for report in reports:
        how = ", ".join(f"{name} {count}" for name, count in report.how.items())
        pin = report.pin or (f"{report.guess_pin} (if the guess is right)"
                             if report.guess_pin else "")
        table.add_row(*(Text(inert(cell)) for cell in (
            report.label, str(report.photos), how, report.clock_text, report.confidence,
            _drift(report) or "", pin)))
    console.print(table)
    for report in reports:
        if report.note:
            console.print(Text(inert(report.note)))


def to_table(reports: Sequence[ClockReport], options: Options) -> str:
    from tripexif.export.table import rendered

    return rendered(draw, reports, options)


FORMATS = (
    Format("table", CLOCKS, to_table, commands=("clocks",)),
    Format("json", CLOCKS, lambda reports, options: to_json(reports), (".json",), ("clocks",)),
)
