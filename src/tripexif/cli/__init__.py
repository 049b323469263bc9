"""The command line: parse options, call the library, render, map errors to exit codes.

Every command is the same few steps: check the options (Click types, cli/params.py) and the
output target, read the photos (tripexif.api), build what the command shows, and hand it to
an exporter from the registry (tripexif.export)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from tripexif import __version__
from tripexif.cli.context import Context, handle_errors, interrupted, stop_on_signals
from tripexif.cli.params import (
    cluster_options,
    common_options,
    format_option,
    geocoder_options,
    given,
    nearby_options,
    placement_options,
    presentation_options,
    share_options,
    trip_options,
)
from tripexif.errors import UsageError

if TYPE_CHECKING:
    from datetime import timedelta

    from tripexif.api import PhotoSet
    from tripexif.cli.placing import Placing
    from tripexif.clock.times import TimeSettings
    from tripexif.export import Format, Options
    from tripexif.model import Itinerary



class ExistingPath(click.Path):
    """A PATH argument that must exist (exit 2 before any work); ``-`` reads paths from
    standard input. Only a missing path is a usage error: one that exists but cannot be
    read or even looked at (no permission) is listed with its reason, like any other
    unreadable file, and the run goes on."""

    def __init__(self) -> None:
        super().__init__(exists=True, readable=False, allow_dash=True)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if value != "-":
            try:
                os.stat(value)
            except (FileNotFoundError, NotADirectoryError):
                pass  # Click says it does not exist, in its own words
            except OSError:
                return value  # exists, but cannot be looked at: the walk lists why
        return super().convert(value, param, ctx)


PATHS = ExistingPath()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tripexif")
def cli() -> None:
    """Turn a folder of travel photos into a day-by-day trip itinerary.

    Reads each photo's GPS position and capture time, works out the true instant and the
    local day, clusters photos into stops and names them. Nothing leaves your machine unless
    you choose an online geocoder or --nearby.

    \b
    Examples:
      tripexif scan ~/Pictures/japan
      tripexif map ~/Pictures/japan -o trip.html"""


def time_settings(camera_tz: Sequence[tuple[str, str]],
                  clock_offset: Sequence[tuple[str, timedelta]],
                  default_tz: str | None) -> TimeSettings:
    from tripexif.clock.times import TimeSettings

    return TimeSettings(dict(camera_tz), dict(clock_offset), default_tz)


def input_paths(paths: Sequence[str], null: bool) -> list[str]:
    """PATH arguments with ``-`` replaced by the paths read from standard input."""
    from tripexif.reading.walk import read_path_list

    out: list[str] = []
    for path in paths or (".",):
        if path != "-":
            out.append(path)
            continue
        try:
            out.extend(read_path_list(sys.stdin.buffer.read(), null))
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    return out


def load_photos(ctx: Context, paths: Sequence[str], null: bool,
                settings: TimeSettings, place: Placing | None = None,
                warn: bool = True) -> tuple[PhotoSet, list[str]]:
    """Walk, read and time the photos (and place those without GPS, with ``place``); with
    the paths this run was given. The load's warnings are said on stderr unless ``warn`` is
    False (the caller says them)."""
    from tripexif.api import load
    from tripexif.reading.pool import usable_cpus

    arguments = input_paths(paths, null)
    with ctx.progress() as progress:
        photoset = load(arguments, settings, jobs=ctx.jobs or usable_cpus(),
                        index=ctx.index(), progress=progress,
                        **(place.load_options() if place else {}))
    if warn:
        for message in photoset.warnings:
            ctx.warn(message)
    return photoset, arguments


def emit(ctx: Context, fmt: Format, value: Any, options: Options, arguments: list[str],
         photoset: PhotoSet) -> None:
    ctx.emit(fmt.render(value, options), arguments, [p.path for p in photoset.photos])


def export_options(ctx: Context, **settings: Any) -> Options:
    from tripexif.export import Options

    if ctx.target is not None and ctx.target.kind == "file":  # photo links relative to it
        settings.setdefault("base", os.path.dirname(ctx.target.path))
    return Options(width=ctx.table_width(), **settings)


def thumbnail_reader(thumbnails: bool) -> Callable[[str], bytes | None] | None:
    """The EXIF thumbnail reader with --thumbnails, else None."""
    if not thumbnails:
        return None
    from tripexif.reading.thumbnails import embedded_thumbnail

    return embedded_thumbnail


def refuse_binary_on_terminal(fmt: Format, output: str | None) -> None:
    """A binary format (KMZ) is never written to a terminal."""
    if fmt.binary and (output is None or output == "-") and sys.stdout.isatty():
        raise UsageError(f"{fmt.name} is a binary file: write it with -o trip.{fmt.name} "
                         f"(or redirect it: > trip.{fmt.name})")


@cli.command()
@click.argument("paths", nargs=-1, type=PATHS, metavar="[PATH]...")
@format_option("photos")
@placement_options
@common_options
@handle_errors
def photos(paths: tuple[str, ...], fmt: str | None, track: tuple[str, ...],
           max_interpolation: timedelta, max_extrapolation: timedelta,
           output: str | None, null: bool,
           camera_tz: tuple[tuple[str, str], ...], clock_offset: tuple[tuple[str, Any], ...],
           default_tz: str | None, jobs: int | None, no_cache: bool, quiet: bool,
           progress: bool | None) -> None:
    """One record per photo or video: position, times, camera, or why it could not be read.

    A photo without GPS is placed by --track logs and the other photos (gps_source).

    \b
    Examples:
      tripexif photos ~/Pictures/japan
      tripexif photos ~/Pictures/japan -f csv -o photos.csv --track day.gpx
      find . -name '*.HEIC' -print0 | tripexif photos -0 -"""
    from tripexif import export
    from tripexif.cli.placing import placing

    chosen = export.choose("photos", output, fmt, "table")
    ctx = Context(quiet, progress, jobs, no_cache, output)
    place = placing(ctx, track, max_interpolation, max_extrapolation)
    photoset, arguments = load_photos(ctx, paths, null,
                                      time_settings(camera_tz, clock_offset, default_tz), place)
    emit(ctx, chosen, photoset.photos, export_options(ctx), arguments, photoset)


def make_geocoder(ctx: Context, name: str, options: Sequence[tuple[str, str]],
                  language: str | None, budget: Any = None) -> Any:
    from tripexif.geocode.compose import make_geocoder as compose

    if language and name.strip().lower() != "none":  # offline names: also a fallback
        from tripexif.geocode.offline import unknown_language

        problem = unknown_language(language)
        if problem:
            ctx.warn(problem)
    return compose(name, dict(options), language=language, index=ctx.index(), warn=ctx.warn,
                   budget=budget)


def online_budget_for(seconds: float, geocoder: str, nearby: bool = False) -> Any:
    """One budget of online time for the run, shared by the geocoder and --nearby; None
    when the run goes online for nothing (the online clients cost 25 ms to import)."""
    from tripexif.geocode import BUILTIN

    if geocoder.strip().lower() in BUILTIN and not nearby:
        return None
    from tripexif.geocode.polite import Budget

    return Budget(seconds)


@cli.command()
@click.argument("photo_paths", nargs=-1, required=True, type=PATHS, metavar="PHOTO...")
@format_option("where")
@placement_options
@geocoder_options
@common_options
@handle_errors
def where(photo_paths: tuple[str, ...], fmt: str | None, track: tuple[str, ...],
          max_interpolation: timedelta, max_extrapolation: timedelta, geocoder: str,
          geocoder_option: tuple[tuple[str, str], ...], language: str | None,
          online_budget: float, output: str | None, null: bool,
          camera_tz: tuple[tuple[str, str], ...],
          clock_offset: tuple[tuple[str, Any], ...], default_tz: str | None,
          jobs: int | None, no_cache: bool, quiet: bool, progress: bool | None) -> None:
    """Where and when each PHOTO was taken, with a link to the spot on OpenStreetMap.

    Says plainly when a photo has no GPS position; one without is placed by a --track (or
    by the other photos given) when it can be, and says so. Exits 1 when no photo could be
    read.

    \b
    Examples:
      tripexif where IMG_0001.JPG
      tripexif where DSCF4113.RAF --track day.gpx
      tripexif where *.HEIC -f json --geocoder nominatim \\
          --geocoder-option user_agent=me@example.org"""
    from tripexif import export
    from tripexif.export.where import answers

    chosen = export.choose("where", output, fmt, "table")
    ctx = Context(quiet, progress, jobs, no_cache, output)
    coder = make_geocoder(ctx, geocoder, geocoder_option, language,
                          online_budget_for(online_budget, geocoder))
    from tripexif.cli.placing import placing

    photoset, arguments = load_photos(ctx, photo_paths, null,
                                      time_settings(camera_tz, clock_offset, default_tz),
                                      placing(ctx, track, max_interpolation, max_extrapolation))
    records = answers(photoset.photos, coder)
    emit(ctx, chosen, records, export_options(ctx), arguments, photoset)
    if not any(p.ok for p in photoset.photos):
        sys.exit(1)


def make_itinerary(ctx: Context, paths: Sequence[str], null: bool, settings: TimeSettings,
                   clustering: Any, coder: Any, nearby: Any = None,
                   keep_duplicates: bool = False, place: Placing | None = None,
                   trip_choice: Any = None) -> tuple[Itinerary, list[str], PhotoSet]:
    """Load (and place) the photos, build the itinerary (split into trips, then restricted
    to the chosen ones: ``trip_choice``, see cli/params.py trip_options), advise on
    stderr."""
    from tripexif.trip.itinerary import build
    from tripexif.trip.sea import Sea
    from tripexif.trip.trips import select

    photoset, arguments = load_photos(ctx, paths, null, settings, place)
    itinerary = build(photoset.photos, clustering, coder, photoset.warnings, nearby,
                      keep_duplicates=keep_duplicates,
                      trips=trip_choice[0] if trip_choice else None, at_sea=Sea())
    advise(ctx, itinerary, photoset.ignored)
    if trip_choice:
        itinerary = select(itinerary, trip_choice[1])
    return itinerary, arguments, photoset


def home_days(ctx: Context, trip_choice: Any, hidden: bool) -> Any:
    """The trip choice with the days at home kept unless the output hides them (the table,
    the map) and --include-home was not given."""
    settings, selection = trip_choice
    if selection.home_days and not hidden:
        ctx.warn("--include-home does nothing with this format: it lists the days at home "
                 "anyway")
    return settings, selection._replace(home_days=selection.home_days or not hidden)


def advise(ctx: Context, itinerary: Itinerary, ignored: int) -> None:
    """Friendly words on stderr for the cases where the itinerary is empty or thin."""
    total = itinerary.photo_count
    if total == 0:
        ctx.warn("no photos found" + (f" ({ignored} other files ignored)" if ignored else ""))
        return
    located = sum(len(d.track) for d in itinerary.days) + len(itinerary.undated)
    if located == 0 and itinerary.unlocated:
        ctx.warn(f"none of the {len(itinerary.unlocated)} photos has a GPS position: turn on "
                 "location for the camera app, or pair the camera with the phone's GPS")
    from tripexif.export.records import text_path

    for photo in itinerary.errors[:5]:
        ctx.warn(f"{text_path(photo.path)}: {photo.error}")
    if len(itinerary.errors) > 5:
        ctx.warn(f"... and {len(itinerary.errors) - 5} more unreadable files (see -f json)")


def clustering_settings(stop_radius: float, max_gap: timedelta, min_stop_photos: int) -> Any:
    from tripexif.trip.itinerary import ClusterSettings

    return ClusterSettings(stop_radius, max_gap, min_stop_photos)


@cli.command()
@click.argument("paths", nargs=-1, type=PATHS, metavar="[PATH]...")
@format_option("scan")
@trip_options
@cluster_options
@placement_options
@geocoder_options
@nearby_options
@presentation_options
@share_options
@common_options
@handle_errors
def scan(paths: tuple[str, ...], fmt: str | None, stop_radius: float, max_gap: timedelta,
         min_stop_photos: int, keep_duplicates: bool, track: tuple[str, ...],
         max_interpolation: timedelta, max_extrapolation: timedelta, geocoder: str,
         geocoder_option: tuple[tuple[str, str], ...],
         language: str | None, online_budget: float, nearby: bool, nearby_count: int,
         nearby_radius: int,
         overpass_url: str | None, thumbnails: bool, title: str | None, full_paths: bool,
         output: str | None, null: bool,
         camera_tz: tuple[tuple[str, str], ...], clock_offset: tuple[tuple[str, Any], ...],
         default_tz: str | None, jobs: int | None, no_cache: bool, quiet: bool,
         progress: bool | None, trip_choice: Any) -> None:
    """The itinerary: local days, the stops of each day, and their place names; a library
    is split into trips away from home (--trip, --from, --to to show some of them).

    \b
    Examples:
      tripexif scan ~/Pictures/japan
      tripexif scan ~/Pictures --trip 2024-04-03 -o trip.kml   # Google Earth, My Maps
      tripexif scan ~/Pictures/japan -f md | less         # the day-by-day report
      tripexif scan ~/Pictures/japan -o trip.report.html --thumbnails   # printable"""
    from tripexif import export

    chosen = export.choose("scan", output, fmt, "table")
    refuse_binary_on_terminal(chosen, output)
    ctx = Context(quiet, progress, jobs, no_cache, output)
    trip_choice = home_days(ctx, trip_choice, hidden=chosen.name == "table")
    budget = online_budget_for(online_budget, geocoder, nearby)
    coder = make_geocoder(ctx, geocoder, geocoder_option, language, budget)
    finder = None
    if nearby:
        from tripexif.geocode.compose import make_nearby

        finder = make_nearby(ctx.index(), ctx.warn, overpass_url, nearby_radius,
                             nearby_count, language, budget=budget)
    else:
        for option in ("nearby_count", "nearby_radius", "overpass_url"):
            if given(option):
                ctx.warn(f"--{option.replace('_', '-')} does nothing without --nearby")
    from tripexif.cli.placing import placing

    clustering = clustering_settings(stop_radius, max_gap, min_stop_photos)
    itinerary, arguments, photoset = make_itinerary(
        ctx, paths, null, time_settings(camera_tz, clock_offset, default_tz),
        clustering, coder, finder, keep_duplicates,
        placing(ctx, track, max_interpolation, max_extrapolation, clustering), trip_choice)
    options = export_options(ctx, full_paths=full_paths, thumbnail=thumbnail_reader(thumbnails),
                             title=title)
    emit(ctx, chosen, itinerary, options, arguments, photoset)


@cli.command("map")
@click.argument("paths", nargs=-1, type=PATHS, metavar="[PATH]...")
@click.option("--tiles", default=None, metavar="URL",
              help="Tile URL template (default: OpenStreetMap's standard tiles).")
@click.option("--tiles-attribution", default=None, metavar="TEXT",
              help="Attribution the tile provider requires (shown on the map).")
@trip_options
@cluster_options
@placement_options
@geocoder_options
@presentation_options
@share_options
@common_options
@handle_errors
def map_command(paths: tuple[str, ...], tiles: str | None, tiles_attribution: str | None,
                stop_radius: float, max_gap: timedelta,
                min_stop_photos: int, keep_duplicates: bool, track: tuple[str, ...],
                max_interpolation: timedelta, max_extrapolation: timedelta, geocoder: str,
                geocoder_option: tuple[tuple[str, str], ...], language: str | None,
                online_budget: float, thumbnails: bool, title: str | None, full_paths: bool,
                output: str | None, null: bool,
                camera_tz: tuple[tuple[str, str], ...],
                clock_offset: tuple[tuple[str, Any], ...], default_tz: str | None,
                jobs: int | None, no_cache: bool, quiet: bool, progress: bool | None,
                trip_choice: Any) -> None:
    """The trip on an interactive map: one HTML file that opens from disk (-o trip.html).

    \b
    Examples:
      tripexif map ~/Pictures/japan -o trip.html
      tripexif map ~/Pictures/japan -o trip.html --thumbnails --title 'Spring in Kansai'"""
    from tripexif import export

    if output is None and sys.stdout.isatty():
        raise UsageError("the map is an HTML page: write it to a file with -o trip.html "
                         "(or redirect it: tripexif map ... > trip.html)")
    chosen = export.get("map", "html")
    ctx = Context(quiet, progress, jobs, no_cache, output)
    if (ctx.target is not None and ctx.target.kind == "file"
            and not (output or "").lower().endswith(chosen.extensions)):
        raise UsageError(f"-o {output!r}: the map is an HTML file; name it *.html")
    trip_choice = home_days(ctx, trip_choice, hidden=True)
    coder = make_geocoder(ctx, geocoder, geocoder_option, language,
                          online_budget_for(online_budget, geocoder))
    from tripexif.cli.placing import placing

    clustering = clustering_settings(stop_radius, max_gap, min_stop_photos)
    itinerary, arguments, photoset = make_itinerary(
        ctx, paths, null, time_settings(camera_tz, clock_offset, default_tz),
        clustering, coder, keep_duplicates=keep_duplicates,
        place=placing(ctx, track, max_interpolation, max_extrapolation, clustering),
        trip_choice=trip_choice)
    options = export_options(ctx, full_paths=full_paths, tiles=tiles,
                             attribution=tiles_attribution,
                             thumbnail=thumbnail_reader(thumbnails), title=title)
    emit(ctx, chosen, itinerary, options, arguments, photoset)


@cli.command()
@click.option("--clear", is_flag=True,
              help="Delete tripexif's own files in the cache folder (each is listed; "
                   "nothing else there is touched).")
@click.option("--vacuum", is_flag=True,
              help="Drop the scan index's records of files that no longer exist, and compact it.")
@handle_errors
def cache(clear: bool, vacuum: bool) -> None:
    """Show where tripexif keeps its cache (scan index, place-name index) and its size.

    \b
    Examples:
      tripexif cache
      tripexif cache --vacuum"""
    import sqlite3

    from tripexif.errors import TripexifError
    from tripexif.store import folder as cache_folder
    from tripexif.store.index import INDEX_NAME, Index

    folder = cache_folder.cache_dir()
    if clear:
        # only tripexif's own files: the folder may be shared (TRIPEXIF_CACHE_DIR)
        removed = cache_folder.clear(folder)
        for path in removed:
            click.echo(f"removed {path}")
        if not removed:
            click.echo(f"nothing to remove in {folder}")
        return
    files = cache_folder.own_files(folder)
    if vacuum:
        if (folder / INDEX_NAME) not in files:
            click.echo(f"no scan index in {folder}")
            return
        with Index(folder / INDEX_NAME, warn=lambda m: click.echo(f"warning: {m}", err=True)) \
                as index:
            before = index.stats()["bytes"]
            click.echo(f"removed {index.prune_missing()} records of files that no longer "
                       "exist")
            try:
                index.vacuum()
            except sqlite3.Error as exc:
                raise TripexifError(f"cannot compact the scan index: {exc}") from exc
            after = index.stats()["bytes"]
        click.echo(f"compacted the scan index: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
        return
    total = sum(p.stat().st_size for p in files)
    click.echo(f"cache folder: {folder}")
    click.echo(f"size: {total / 1e6:.1f} MB in {len(files)} files")
    if (folder / INDEX_NAME) in files:
        with Index(folder / INDEX_NAME, warn=lambda m: click.echo(f"warning: {m}", err=True)) \
                as index:
            stats = index.stats()
        click.echo(f"scan index: {stats['files']} files, {stats['zones']} zone cells, "
                   f"{stats['places']} place names")
        click.echo(f"index file: {folder / INDEX_NAME}, {stats['bytes'] / 1e6:.1f} MB "
                   "(--vacuum drops records of files that no longer exist and compacts it)")


from tripexif.cli import trips as _trips  # noqa: E402, F401  (the `trips` command)


def main(argv: Sequence[str] | None = None) -> None:
    """The console script; ``main([...])`` runs one command from Python (tests).

    SIGTERM and SIGHUP stop the run as Ctrl-C does (exit 143, 129; see
    cli/context.py ``stop_on_signals``)."""
    try:
        with stop_on_signals():
            cli.main(args=list(argv) if argv is not None else None, prog_name="tripexif")
    except KeyboardInterrupt as exc:
        interrupted(exc)


from tripexif.cli import clocks, geotag  # noqa: E402, F401  (commands that register themselves)
