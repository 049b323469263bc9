"""``tripexif clocks``: how each camera's clock was worked out, and how to pin it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from tripexif.cli import PATHS, cli, emit, export_options, load_photos, time_settings
from tripexif.cli.context import Context, handle_errors
from tripexif.cli.params import common_options, format_option, placement_options


@cli.command(epilog="""\b
Examples:
  tripexif clocks ~/Pictures/japan
  tripexif clocks ~/Pictures/japan --track day1.gpx -f json""")
@click.argument("paths", nargs=-1, type=PATHS, metavar="[PATH]...")
@format_option("clocks")
@placement_options
@common_options
@handle_errors
def clocks(paths: tuple[str, ...], fmt: str | None, track: tuple[str, ...],
           max_interpolation: timedelta, max_extrapolation: timedelta, output: str | None,
           null: bool, camera_tz: tuple[tuple[str, str], ...],
           clock_offset: tuple[tuple[str, Any], ...], default_tz: str | None,
           jobs: int | None, no_cache: bool, quiet: bool, progress: bool | None) -> None:
    """Per camera body: its photos, how its clock was worked out (offset tags, GPS, camera
    zone, alignment on the other devices' photos or --track, the user's rule), the offset
    to UTC and how sure it is, drift, and the --clock-offset that would pin it.

    A camera with no GPS and no zone in its files is aligned automatically: its photos are
    matched against the places the phone's photos or the track show, at every offset from
    UTC-14 to UTC+14; a drift of minutes a day over a week or more is followed. A clock
    left unknown shows its best guess and the --clock-offset that would pin it."""
    from tripexif import export
    from tripexif.cli.placing import placing
    from tripexif.clock.report import clock_reports

    chosen = export.choose("clocks", output, fmt, "table")
    ctx = Context(quiet, progress, jobs, no_cache, output)
    place = placing(ctx, track, max_interpolation, max_extrapolation)
    photoset, arguments = load_photos(ctx, paths, null,
                                      time_settings(camera_tz, clock_offset, default_tz), place,
                                      warn=False)
    reports = clock_reports(photoset.photos, photoset.clocks)
    # the table ends with each camera's sentence: not said again on stderr
    shown = {r.note for r in reports if r.note} if chosen.name == "table" else set()
    for message in photoset.warnings:
        if message not in shown:
            ctx.warn(message)
    emit(ctx, chosen, reports, export_options(ctx), arguments, photoset)
