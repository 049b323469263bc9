"""``tripexif geotag``: the positions photos without GPS would get, and writing them to XMP
sidecars or to ExifTool's CSV import format. Photos are never opened for writing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from tripexif.cli import PATHS, cli, emit, export_options, load_photos, time_settings
from tripexif.cli.context import Context, handle_errors
from tripexif.cli.params import common_options, format_option, placement_options


@cli.command(epilog="""\b
Examples:
  tripexif geotag ~/Pictures/japan --track japan.gpx            # dry run: a table
  tripexif geotag ~/Pictures/japan --track japan.gpx --write-xmp
  tripexif geotag japan -f csv -o geotags.csv && exiftool -csv=geotags.csv japan""")
@click.argument("paths", nargs=-1, type=PATHS, metavar="[PATH]...")
@click.option("--write-xmp", is_flag=True,
              help="Write each placed photo's position to its XMP sidecar (IMG_1234.CR2.xmp, "
                   "or merged into the sidecar it has, keeping its other properties).")
@format_option("geotag")
@placement_options
@common_options
@handle_errors
def geotag(paths: tuple[str, ...], write_xmp: bool, fmt: str | None, track: tuple[str, ...],
           max_interpolation: timedelta, max_extrapolation: timedelta, output: str | None,
           null: bool, camera_tz: tuple[tuple[str, str], ...],
           clock_offset: tuple[tuple[str, Any], ...], default_tz: str | None,
           jobs: int | None, no_cache: bool, quiet: bool, progress: bool | None) -> None:
    """Per photo without GPS: the position it would get (from --track logs, the stops and
    photos of the other devices) and why, or why none. A dry run unless --write-xmp; -f csv
    writes ExifTool's -csv= import format (SourceFile,GPSLatitude,GPSLatitudeRef,...)."""
    from tripexif import export
    from tripexif.cli.placing import placing
    from tripexif.locate.geotag import geotags, write_sidecars

    chosen = export.choose("geotag", output, fmt, "table")
    ctx = Context(quiet, progress, jobs, no_cache, output)
    place = placing(ctx, track, max_interpolation, max_extrapolation)
    photoset, arguments = load_photos(ctx, paths, null,
                                      time_settings(camera_tz, clock_offset, default_tz), place)
    tags = geotags(photoset.photos)
    if write_xmp:
        tags = write_sidecars(tags, ctx.warn)
    emit(ctx, chosen, tags, export_options(ctx), arguments, photoset)
