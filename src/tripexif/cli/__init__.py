"""The command line: parse options, call the library, render, map errors to exit codes."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from tripexif import __version__
from tripexif.errors import TripexifError, UsageError

if TYPE_CHECKING:
    from tripexif.clock.times import TimeSettings


def _camera_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        camera, sep, setting = value.rpartition("=")
        if not sep or not camera.strip() or not setting.strip():
            raise UsageError(f"{option} wants CAMERA=VALUE (CAMERA as `photos` prints it, or *), "
                             f"got {value!r}")
        out[camera.strip()] = setting.strip()
    return out


def time_settings(camera_tz: Sequence[str], clock_offset: Sequence[str],
                  default_tz: str | None) -> TimeSettings:
    from tripexif.clock.times import TimeSettings
    from tripexif.clock.zones import get_zone, parse_offset

    zones = _camera_pairs(camera_tz, "--camera-tz")
    for name in [*zones.values(), *([default_tz] if default_tz else [])]:
        get_zone(name)
    offsets = {}
    for camera, text in _camera_pairs(clock_offset, "--clock-offset").items():
        try:
            offsets[camera] = parse_offset(text)
        except ValueError as exc:
            raise UsageError(f"--clock-offset: {exc}") from exc
    return TimeSettings(zones, offsets, default_tz)


def input_paths(paths: Sequence[str], null: bool) -> list[str]:
    """PATH arguments with ``-`` replaced by the paths read from standard input."""
    from tripexif.read.walk import read_path_list

    out: list[str] = []
    for path in paths or (".",):
        if path == "-":
            out.extend(read_path_list(sys.stdin.buffer.read(), null))
        else:
            out.append(path)
    return out


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("-o", "--output", type=click.Path(dir_okay=True), default=None,
                     help="Write to FILE (atomically) instead of standard output."),
        click.option("-0", "--null", is_flag=True,
                     help="With PATH '-': paths on standard input are NUL-separated."),
        click.option("--camera-tz", multiple=True, metavar="CAMERA=ZONE",
                     help="The zone CAMERA's clock was set to (IANA name). Repeatable."),
        click.option("--clock-offset", multiple=True, metavar="CAMERA=+HH:MM[:SS]",
                     help="Add this to CAMERA's clock to get UTC (exiftool -geosync sign). "
                          "Repeatable."),
        click.option("--default-tz", metavar="ZONE",
                     help="Zone for photos whose zone cannot be worked out."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                     help="Processes reading files (default: usable CPUs)."),
        click.option("--no-cache", is_flag=True,
                     help="Read every file again; do not use or update the scan index."),
        click.option("-q", "--quiet", is_flag=True, help="No progress, no warnings."),
        click.option("--progress/--no-progress", default=None,
                     help="Show progress on stderr (default: when stderr is a terminal)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class Context:
    """What every command needs: the consoles, the warning channel and read settings."""

    def __init__(self, quiet: bool, progress: bool | None, jobs: int | None = None,
                 no_cache: bool = False) -> None:
        self.jobs = jobs
        self.no_cache = no_cache
        self._index: Any = None
        self._err: Any = None
        self.quiet = quiet
        self.force_progress = bool(progress) and not quiet
        self.show_progress = (not quiet) and (progress if progress is not None
                                              else sys.stderr.isatty())

    @property
    def err(self) -> Any:
        """The stderr console, made on first use (rich costs 20 ms to import)."""
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, highlight=False, soft_wrap=True,
                                force_terminal=True if self.force_progress else None)
        return self._err

    def index(self) -> Any:
        """The shared scan index (opened once per run), or None with --no-cache."""
        if self.no_cache:
            return None
        if self._index is None:
            from tripexif.store.index import Index

            self._index = Index()
        return self._index

    def warn(self, message: str) -> None:
        if not self.quiet:
            from rich.text import Text

            from tripexif.cli.render import shown

            line = Text("warning: ", style="yellow")
            line.append_text(shown(message))
            self.err.print(line, highlight=False)

    def rendered(self, draw: Callable[[Any, Any], None], value: Any) -> str:
        """What ``draw(console, value)`` prints, as text. Piped, the width is at least 160
        columns so tables are not folded to 80."""
        import shutil

        from rich.console import Console

        width = None
        if not sys.stdout.isatty() and "COLUMNS" not in os.environ:
            width = max(shutil.get_terminal_size((160, 24)).columns, 160)
        console = Console(highlight=False, soft_wrap=False, width=width)
        with console.capture() as capture:
            draw(console, value)
        return capture.get()


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TripexifError as exc:
            click.echo(f"tripexif: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("tripexif: interrupted", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tripexif")
def cli() -> None:
    """Turn a folder of travel photos into a day-by-day trip itinerary.

    Reads each photo's GPS position and capture time, works out the true instant and the
    local day, clusters photos into stops and names them. Nothing leaves your machine unless
    you choose an online geocoder."""


def emit(output: str | None, text: str,
         inputs: tuple[list[str], list[str]]) -> None:
    from tripexif.export.write import check_target, write_atomic

    if output:
        check_target(output, *inputs)
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def read_paths(arguments: Sequence[str], photoset: Any) -> tuple[list[str], list[str]]:
    """What this run read: the arguments, and each file walked."""
    return list(arguments), [p.path for p in photoset.photos]


def load_photos(ctx: Context, paths: list[str], settings: TimeSettings,
                output: str | None = None) -> Any:
    """Walk, read and time the photos (after checking that -o can be written at all)."""
    if output:
        from tripexif.export.write import check_target

        check_target(output, paths)
    from tripexif.api import load
    from tripexif.read.pool import usable_cpus

    options: dict[str, Any] = {"jobs": ctx.jobs or usable_cpus(), "index": ctx.index()}

    if ctx.show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("reading photos"), BarColumn(), MofNCompleteColumn(),
                      console=ctx.err, transient=True) as bar:
            task = bar.add_task("read", total=None)
            photoset = load(paths, settings, **options,
                            progress=lambda done, total: bar.update(task, completed=done,
                                                                    total=total))
    else:
        photoset = load(paths, settings, **options)
    for message in photoset.warnings:
        ctx.warn(message)
    return photoset


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              help="Output format (default: table, or from -o's extension).")
@common_options
@handle_errors
def photos(paths: tuple[str, ...], fmt: str | None, output: str | None, null: bool,
           camera_tz: tuple[str, ...], clock_offset: tuple[str, ...], default_tz: str | None,
           jobs: int | None, no_cache: bool, quiet: bool, progress: bool | None) -> None:
    """One record per photo or video: position, times, camera, or why it could not be read."""
    from tripexif.export import photos as photo_export
    from tripexif.export.write import format_for

    ctx = Context(quiet, progress, jobs, no_cache)
    fmt = format_for(output, fmt, ["table", "json", "jsonl", "csv"], "table")
    settings = time_settings(camera_tz, clock_offset, default_tz)
    paths_in = input_paths(paths, null)
    photoset = load_photos(ctx, paths_in, settings, output)
    if fmt == "table":
        from tripexif.cli.render import photos_table

        emit(output, ctx.rendered(photos_table, photoset.photos),
             read_paths(paths_in, photoset))
        return
    exporter = {"json": photo_export.to_json, "jsonl": photo_export.to_jsonl,
                "csv": photo_export.to_csv}[fmt]
    emit(output, exporter(photoset.photos), read_paths(paths_in, photoset))


def geocoder_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--language", metavar="CODE",
                        help="Names in this language from an online geocoder (en, ja, ...).")(func)
    func = click.option("--geocoder-option", "geocoder_option", multiple=True,
                        metavar="KEY=VALUE",
                        help="A setting for an online geocoder (user_agent, domain, scheme, "
                             "api_key, timeout, min_delay, ...). Repeatable.")(func)
    return click.option("--geocoder", default="offline", show_default=True,
                        help="offline (embedded GeoNames data, no network), none, or a geopy "
                             "service: nominatim, photon, ... (sends stop positions to it).")(func)


def make_geocoder(name: str, options: Sequence[str], ctx: Context | None = None,
                  language: str | None = None) -> Any:
    """The geocoder to name stops with: cached unless --no-cache; an online one falls back
    to offline names when it fails."""
    from tripexif.geocode import BUILTIN, get_geocoder

    settings = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key:
            raise UsageError(f"--geocoder-option wants KEY=VALUE, got {option!r}")
        settings[key.strip()] = value
    coder = _cached(get_geocoder(name, settings, language), ctx)
    if name.strip().lower() in BUILTIN:
        return coder
    from tripexif.geocode.online import FallbackGeocoder

    backup = _cached(get_geocoder("offline"), ctx)
    return FallbackGeocoder(coder, backup, ctx.warn if ctx else lambda message: None)


def _cached(coder: Any, ctx: Context | None) -> Any:
    scope = getattr(coder, "scope", None)
    if ctx is None or ctx.no_cache or not scope:
        return coder
    from tripexif.geocode.cache import CachedGeocoder

    return CachedGeocoder(coder, ctx.index(), scope)


@cli.command()
@click.argument("photo_paths", nargs=-1, required=True, type=click.Path())
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]),
              help="Output format (default: table, or from -o's extension).")
@geocoder_options
@common_options
@handle_errors
def where(photo_paths: tuple[str, ...], fmt: str | None, geocoder: str,
          geocoder_option: tuple[str, ...], language: str | None, output: str | None,
          null: bool,
          camera_tz: tuple[str, ...], clock_offset: tuple[str, ...], default_tz: str | None,
          jobs: int | None, no_cache: bool, quiet: bool, progress: bool | None) -> None:
    """Where and when each PHOTO was taken, with a link to the spot on OpenStreetMap.

    Says plainly when a photo has no GPS position. Exits 1 when no photo could be read."""
    import json

    from tripexif.export.where import answers
    from tripexif.export.write import format_for

    ctx = Context(quiet, progress, jobs, no_cache)
    fmt = format_for(output, fmt, ["table", "json"], "table")
    settings = time_settings(camera_tz, clock_offset, default_tz)
    coder = make_geocoder(geocoder, geocoder_option, ctx, language)
    paths_in = input_paths(photo_paths, null)
    photoset = load_photos(ctx, paths_in, settings, output)
    records = answers(photoset.photos, coder)
    if fmt == "json":
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        emit(output, text, read_paths(paths_in, photoset))
    else:
        from tripexif.cli.render import where_text

        emit(output, ctx.rendered(where_text, records), read_paths(paths_in, photoset))
    if not any(p.error is None and p.skipped is None for p in photoset.photos):
        sys.exit(1)


def parse_duration(text: str) -> timedelta:
    """"2h", "90m", "1h30m", "45s", "1:30" -> timedelta; UsageError otherwise."""
    import re

    cleaned = text.strip().lower()
    if re.fullmatch(r"\d+:\d{2}", cleaned):
        whole_hours, whole_minutes = cleaned.split(":")
        return timedelta(hours=int(whole_hours), minutes=int(whole_minutes))
    match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?:in)?)?(?:(\d+)s)?",
                         cleaned)
    if not cleaned or not match or not any(match.groups()):
        raise UsageError(f"--max-gap: {text!r} is not a duration like 2h, 90m, 1h30m or 1:30")
    h, m, s = (float(g) if g else 0.0 for g in match.groups())
    return timedelta(hours=h, minutes=m, seconds=s)


def cluster_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--stop-radius", type=click.FloatRange(min=1), default=200.0,
                     show_default=True, metavar="METRES",
                     help="Photos within this distance of a stop's centre belong to it."),
        click.option("--max-gap", default="2h", show_default=True, metavar="DURATION",
                     help="A longer pause between photos starts a new stop."),
        click.option("--min-stop-photos", type=click.IntRange(min=1), default=2,
                     show_default=True, metavar="N",
                     help="Fewer photos make a waypoint (a place passed through)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


SCAN_FORMATS = ["table", "json", "geojson", "gpx", "csv", "html"]


def nearby_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--nearby", is_flag=True,
                     help="List places to see and to eat near each stop (OpenStreetMap data "
                          "through Overpass: sends stop positions to it)."),
        click.option("--nearby-count", type=click.IntRange(min=1), default=5, show_default=True,
                     metavar="N", help="Places of each kind per stop."),
        click.option("--nearby-radius", type=click.IntRange(min=10, max=5000), default=500,
                     show_default=True, metavar="METRES", help="How far around a stop."),
        click.option("--overpass-url", metavar="URL", default=None,
                     help="Overpass API endpoint (e.g. a self-hosted one)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-f", "--format", "fmt", type=click.Choice(SCAN_FORMATS),
              help="Output format (default: table, or from -o's extension).")
@cluster_options
@geocoder_options
@nearby_options
@common_options
@handle_errors
def scan(paths: tuple[str, ...], fmt: str | None, stop_radius: float, max_gap: str,
         min_stop_photos: int, geocoder: str, geocoder_option: tuple[str, ...],
         language: str | None, nearby: bool, nearby_count: int, nearby_radius: int,
         overpass_url: str | None, output: str | None, null: bool, camera_tz: tuple[str, ...],
         clock_offset: tuple[str, ...], default_tz: str | None, jobs: int | None,
         no_cache: bool, quiet: bool, progress: bool | None) -> None:
    """The itinerary: local days, the stops of each day, and their place names."""
    from tripexif.export.write import format_for
    from tripexif.trip.itinerary import ClusterSettings

    ctx = Context(quiet, progress, jobs, no_cache)
    fmt = format_for(output, fmt, SCAN_FORMATS, "table")
    settings = time_settings(camera_tz, clock_offset, default_tz)
    clustering = ClusterSettings(stop_radius, parse_duration(max_gap), min_stop_photos)
    coder = make_geocoder(geocoder, geocoder_option, ctx, language)
    finder = None
    if nearby:
        from tripexif.geocode.nearby import DEFAULT_ENDPOINT, NearbyFinder, OverpassClient

        client = OverpassClient(overpass_url or DEFAULT_ENDPOINT, nearby_radius, nearby_count,
                                language)
        finder = NearbyFinder(client, ctx.index(), ctx.warn)
    paths_in = input_paths(paths, null)
    itinerary, read = make_itinerary(ctx, paths_in, settings, clustering, coder, output, finder)
    emit(output, render_itinerary(ctx, itinerary, fmt), read)


def make_itinerary(ctx: Context, paths_in: list[str], settings: TimeSettings,
                   clustering: Any, coder: Any, output: str | None,
                   nearby: Any = None) -> tuple[Any, tuple[list[str], list[str]]]:
    """Load the photos, build the itinerary, advise on stderr; with what the run read."""
    from tripexif.trip.itinerary import build

    photoset = load_photos(ctx, paths_in, settings, output)
    itinerary = build(photoset.photos, clustering, coder, photoset.warnings, nearby)
    advise(ctx, itinerary, photoset.ignored)
    return itinerary, read_paths(paths_in, photoset)


def render_itinerary(ctx: Context, itinerary: Any, fmt: str) -> str:
    if fmt == "table":
        from tripexif.cli.render import itinerary_table

        return ctx.rendered(itinerary_table, itinerary)
    if fmt == "json":
        from tripexif.export.itinerary_json import to_json

        return to_json(itinerary)
    if fmt == "geojson":
        from tripexif.export.geojson import to_geojson

        return to_geojson(itinerary)
    if fmt == "gpx":
        from tripexif.export.gpx import to_gpx

        return to_gpx(itinerary)
    if fmt == "html":
        from tripexif.export.html_map import to_html

        return to_html(itinerary)
    from tripexif.export.csv_stops import to_csv

    return to_csv(itinerary)


def advise(ctx: Context, itinerary: Any, ignored: int) -> None:
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


@cli.command("map")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--tiles", default=None, metavar="URL",
              help="Tile URL template (default: OpenStreetMap's standard tiles).")
@click.option("--tiles-attribution", default=None, metavar="TEXT",
              help="Attribution the tile provider requires (shown on the map).")
@click.option("--thumbnails", is_flag=True,
              help="Show the photos' small embedded EXIF thumbnails in popups (off by default: "
                   "they put your pictures in the file).")
@cluster_options
@geocoder_options
@common_options
@handle_errors
def map_command(paths: tuple[str, ...], tiles: str | None, tiles_attribution: str | None,
                thumbnails: bool, stop_radius: float, max_gap: str, min_stop_photos: int,
                geocoder: str, geocoder_option: tuple[str, ...], language: str | None,
                output: str | None, null: bool, camera_tz: tuple[str, ...],
                clock_offset: tuple[str, ...], default_tz: str | None, jobs: int | None,
                no_cache: bool, quiet: bool, progress: bool | None) -> None:
    """The trip on an interactive map: one HTML file that opens from disk (-o trip.html)."""
    from tripexif.export.html_map import OSM_ATTRIBUTION, OSM_TILES, to_html
    from tripexif.read.thumbnails import embedded_thumbnail
    from tripexif.trip.itinerary import ClusterSettings

    ctx = Context(quiet, progress, jobs, no_cache)
    if output and not output.lower().endswith((".html", ".htm")):
        raise UsageError(f"-o {output!r}: the map is an HTML file; name it *.html")
    settings = time_settings(camera_tz, clock_offset, default_tz)
    clustering = ClusterSettings(stop_radius, parse_duration(max_gap), min_stop_photos)
    coder = make_geocoder(geocoder, geocoder_option, ctx, language)
    paths_in = input_paths(paths, null)
    itinerary, read = make_itinerary(ctx, paths_in, settings, clustering, coder, output)
    page = to_html(itinerary, tiles or OSM_TILES,
                   tiles_attribution or (OSM_ATTRIBUTION if not tiles else ""),
                   embedded_thumbnail if thumbnails else None)
    emit(output, page, read)


@cli.command()
@click.option("--clear", is_flag=True, help="Delete the cached files.")
@handle_errors
def cache(clear: bool) -> None:
    """Show where tripexif keeps its cache (scan index, place-name index) and its size."""
    import shutil

    from tripexif.store.index import Index, cache_dir

    folder = cache_dir()
    if clear:
        if folder.exists():
            shutil.rmtree(folder)
        click.echo(f"cleared {folder}")
        return
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.exists() else []
    total = sum(p.stat().st_size for p in files)
    click.echo(f"cache folder: {folder}")
    click.echo(f"size: {total / 1e6:.1f} MB in {len(files)} files")
    if any(p.name.startswith("index-") for p in files):
        stats = Index().stats()
        click.echo(f"scan index: {stats['files']} files, {stats['zones']} zone cells, "
                   f"{stats['places']} place names")


def main(argv: Sequence[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="tripexif")
    except KeyboardInterrupt:
        click.echo("tripexif: interrupted", err=True)
        sys.exit(130)

