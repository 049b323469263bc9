"""`tripexif trips PATH...`: the trips away from home in a photo library."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from tripexif.cli import (
    PATHS,
    cli,
    clustering_settings,
    emit,
    export_options,
    make_geocoder,
    make_itinerary,
    online_budget_for,
    time_settings,
)
from tripexif.cli.context import Context, handle_errors
from tripexif.cli.params import (
    cluster_options,
    common_options,
    format_option,
    geocoder_options,
    trip_options,
)

EXAMPLES = """

\b
Examples:
  tripexif trips ~/Pictures                      # home inferred from where you sleep
  tripexif trips ~/Pictures --home 'Lyon, FR'    # or --home 45.76,4.84
  tripexif trips ~/Pictures --from 2024-01-01 -f csv -o trips.csv
  tripexif scan ~/Pictures --trip 2024-04-03     # one trip's itinerary, by id or a date
"""


@cli.command(epilog=EXAMPLES)
@click.argument("paths", nargs=-1, type=PATHS, metavar="[PATH]...")
@format_option("trips")
@trip_options
@cluster_options
@geocoder_options
@common_options
@handle_errors
def trips(paths: tuple[str, ...], fmt: str | None, stop_radius: float, max_gap: timedelta,
          min_stop_photos: int, keep_duplicates: bool, geocoder: str,
          geocoder_option: tuple[tuple[str, str], ...], language: str | None,
          online_budget: float, output: str | None, null: bool,
          camera_tz: tuple[tuple[str, str], ...], clock_offset: tuple[tuple[str, Any], ...],
          default_tz: str | None, jobs: int | None, no_cache: bool, quiet: bool,
          progress: bool | None, trip_choice: Any) -> None:
    """The trips away from home in a photo library: dates, title, nights, distance by mode.

    Home is --home, else the place where most nights are spent (over weeks); a trip is a run
    of days with a place farther than --away-km from home, going on over --trip-gap days
    without photos. With no home found the library is one trip."""
    from tripexif import export

    chosen = export.choose("trips", output, fmt, "table")
    ctx = Context(quiet, progress, jobs, no_cache, output)
    settings, selection = trip_choice
    if selection.home_days:
        ctx.warn("--include-home does nothing with `trips`: days at home are in no trip")
    coder = make_geocoder(ctx, geocoder, geocoder_option, language,
                          online_budget_for(online_budget, geocoder))
    itinerary, arguments, photoset = make_itinerary(
        ctx, paths, null, time_settings(camera_tz, clock_offset, default_tz),
        clustering_settings(stop_radius, max_gap, min_stop_photos), coder,
        keep_duplicates=keep_duplicates, trip_choice=(settings, selection))
    emit(ctx, chosen, itinerary, export_options(ctx), arguments, photoset)
