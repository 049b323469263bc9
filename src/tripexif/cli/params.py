"""Option types and option groups: every value is checked by Click, so every usage error has
one format ("Invalid value for '--x': ...") and exit code 2, before any photo is read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

F = Callable[..., Any]
if TYPE_CHECKING:  # Click's ParamType is generic in its stubs since 8.2, a plain class before
    _Type = click.ParamType[Any, Any]
else:
    _Type = click.ParamType


class Duration(_Type):
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> timedelta:
        if isinstance(value, timedelta):
            return value
        from tripexif.trip.itinerary import parse_duration

        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class Zone(_Type):
    """An IANA time zone name, checked against the zone database."""

    name = "zone"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from tripexif.clock.zones import get_zone
        from tripexif.errors import ConfigError

        try:
            get_zone(str(value))
        except ConfigError as exc:
            self.fail(str(exc), param, ctx)
        return str(value)


class CameraRule(_Type):
    """CAMERA=VALUE, the value checked by ``check`` (a zone, or a clock offset)."""

    def __init__(self, what: str, check: Callable[[str], Any]) -> None:
        self.name = f"camera={what}"
        self.what = what
        self.check = check

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, Any]:
        if isinstance(value, tuple):
            return value
        camera, sep, setting = str(value).rpartition("=")
        if not sep or not camera.strip() or not setting.strip():
            self.fail(f"wants CAMERA={self.what} (CAMERA as `tripexif photos` prints it, "
                      f"or *), got {value!r}", param, ctx)
        try:
            return camera.strip(), self.check(setting.strip())
        except (ValueError, click.BadParameter) as exc:
            self.fail(str(getattr(exc, "message", exc)), param, ctx)


def _zone(text: str) -> str:
    return Zone().convert(text, None, None)


def _offset(text: str) -> timedelta:
    from tripexif.clock.zones import parse_offset

    return parse_offset(text)


class GeocoderName(_Type):
    """offline, none, or a service geopy knows (geopy is imported only for those)."""

    name = "name"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from tripexif.geocode import BUILTIN

        key = str(value).strip().lower()
        if key in BUILTIN:
            return key
        from tripexif.geocode.online import valid_services

        services = valid_services()
        if key not in services:
            self.fail(f"unknown geocoder {value!r}; valid: {', '.join([*BUILTIN, *services])}",
                      param, ctx)
        return key


class Setting(_Type):
    """KEY=VALUE for a geocoder; tripexif's numeric settings are checked here."""

    name = "key=value"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        key, sep, setting = str(value).partition("=")
        key = key.strip()
        if not sep or not key:
            self.fail(f"wants KEY=VALUE, got {value!r}", param, ctx)
        from tripexif.geocode.online import NUMBER_WANTS, check_number

        if key in NUMBER_WANTS:
            try:
                check_number(key, setting)
            except ValueError as exc:
                self.fail(f"{exc}, got {setting!r}", param, ctx)
        return key, setting


class FormatName(_Type):
    """An output format of ``command``, from the exporter registry; the registry is loaded
    only when -f is given or help is shown, not at start-up."""

    name = "format"

    def __init__(self, command: str) -> None:
        self.command = command

    def _names(self) -> list[str]:
        from tripexif import export

        return export.names(self.command)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self._names()) + "]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        names = self._names()
        if value not in names:
            self.fail(f"{value!r} is not one of {', '.join(names)}", param, ctx)
        return str(value)


def _apply(func: F, options: list[Callable[[F], F]]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def format_option(command: str) -> Callable[[F], F]:
    return click.option("-f", "--format", "fmt", type=FormatName(command),
                        help="Output format (default: table, or from -o's extension"
                             + _EXTENSION_HINTS.get(command, "") + ").")


_EXTENSION_HINTS = {
    "scan": ": -o trip.kml is kml; trip.html is the map, trip.report.html the report",
    "photos": ": -o photos.csv is csv, photos.jsonl jsonl",
    "where": ": -o where.json is json",
}


def common_options(func: F) -> F:
    return _apply(func, [
        click.option("-o", "--output", metavar="FILE", default=None,
                     help="Write to FILE (atomically; - is standard output) instead of "
                          "standard output."),
        click.option("-0", "--null", is_flag=True,
                     help="With PATH '-': paths on standard input are NUL-separated."),
        click.option("--camera-tz", multiple=True, type=CameraRule("ZONE", _zone),
                     metavar="CAMERA=ZONE",
                     help="The zone CAMERA's clock was set to (IANA name). Repeatable."),
        click.option("--clock-offset", multiple=True, type=CameraRule("+HH:MM[:SS]", _offset),
                     metavar="CAMERA=+HH:MM[:SS]",
                     help="Add this to CAMERA's clock to get UTC (exiftool -geosync sign). "
                          "Repeatable."),
        click.option("--default-tz", type=Zone(), metavar="ZONE",
                     help="Zone for photos whose zone cannot be worked out."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Processes reading files (default: usable CPUs)."),
        click.option("--no-cache", is_flag=True,
                     help="Read every file again; do not use or update the scan index."),
        click.option("-q", "--quiet", is_flag=True, help="No progress, no warnings."),
        click.option("--progress/--no-progress", default=None,
                     help="Show progress on stderr (default: when stderr is a terminal)."),
    ])


def geocoder_options(func: F) -> F:
    return _apply(func, [
        click.option("--geocoder", type=GeocoderName(), default="offline", show_default=True,
                     help="offline (embedded GeoNames data, no network), none, or a geopy "
                          "service: nominatim, photon, ... (sends stop positions to it)."),
        click.option("--geocoder-option", "geocoder_option", multiple=True, type=Setting(),
                     metavar="KEY=VALUE",
                     help="A setting of an online geocoder: the service's own (user_agent, "
                          "domain, scheme, api_key, timeout, ...) and tripexif's min_delay "
                          "(seconds between requests), retries and budget (its own online "
                          "seconds). Repeatable."),
        click.option("--language", metavar="CODE", envvar="TRIPEXIF_LANGUAGE",
                     help="Place names in this language (ja, ko, fr, ...; default English), "
                          "offline where the place file has them, else the local name in "
                          "that language's script, else English; "
                          "sent to an online geocoder too. Env: TRIPEXIF_LANGUAGE."),
        click.option("--online-budget", type=click.FloatRange(min=0, min_open=True),
                     default=600.0, show_default=True, metavar="SECONDS",
                     help="Online time the run may spend (geocoder and --nearby together); "
                          "then it finishes with offline names and says so."),
    ])


def cluster_options(func: F) -> F:
    return _apply(func, [
        click.option("--stop-radius", type=click.FloatRange(min=1), default=200.0,
                     show_default=True, metavar="METRES",
                     help="Photos within this distance of a stop's centre belong to it."),
        click.option("--max-gap", type=Duration(), default="2h", show_default=True,
                     metavar="DURATION",
                     help="A longer pause between photos starts a new stop (2h, 90m, 1:30)."),
        click.option("--min-stop-photos", type=click.IntRange(min=1), default=2,
                     show_default=True, metavar="N",
                     help="Fewer photos make a waypoint (a place passed through)."),
        click.option("--keep-duplicates", is_flag=True,
                     help="Count every file: by default a RAW+JPEG pair or copies of one "
                          "photo are one shot, counted once (all files still listed)."),
    ])


def nearby_options(func: F) -> F:
    return _apply(func, [
        click.option("--nearby", is_flag=True,
                     help="List places to see and to eat near each stop (OpenStreetMap data "
                          "through Overpass: sends stop positions to it)."),
        click.option("--nearby-count", type=click.IntRange(min=1), default=5, show_default=True,
                     metavar="N", help="Places of each kind per stop (with --nearby)."),
        click.option("--nearby-radius", type=click.IntRange(min=10, max=5000), default=500,
                     show_default=True, metavar="METRES",
                     help="How far around a stop (with --nearby)."),
        click.option("--overpass-url", metavar="URL", default=None,
                     help="Overpass API endpoint, e.g. a self-hosted one (with --nearby)."),
    ])


def share_options(func: F) -> F:
    return click.option("--full-paths", is_flag=True,
                        help="In files people share (GPX, the HTML map), name photos by their "
                             "full path instead of their file name.")(func)


def presentation_options(func: F) -> F:
    """--thumbnails and --title, for what people look at (map, KML/KMZ, the report)."""
    return _apply(func, [
        click.option("--thumbnails", is_flag=True,
                     help="Put the photos' small embedded EXIF thumbnails in the map's popups, "
                          "the KMZ and the report (off by default: they put your pictures "
                          "in the file)."),
        click.option("--title", metavar="TEXT", default=None,
                     help="Title of the map, KML or report (default: the trip's, from its "
                          "places)."),
    ])


def given(name: str) -> bool:
    """Whether the user gave option ``name`` (not its default)."""
    ctx = click.get_current_context()
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def placement_options(func: F) -> F:
    """Positions for photos without GPS (issue 13): track logs and how far to carry them."""
    return _apply(func, [
        click.option("--track", "track", multiple=True, metavar="FILE",
                     type=click.Path(exists=True, dir_okay=True, readable=False),
                     help="A track log to place photos without GPS by: GPX, KML/KMZ, "
                          "GeoJSON, NMEA, Google location history (Records.json, Timeline), "
                          "CSV; told apart by content. A folder takes every track file in "
                          "it. Repeatable."),
        click.option("--max-interpolation", type=Duration(), default="30m", show_default=True,
                     metavar="DURATION",
                     help="Interpolate a position only between fixes (or located photos) at "
                          "most this far apart."),
        click.option("--max-extrapolation", type=Duration(), default="5m", show_default=True,
                     metavar="DURATION",
                     help="Take the nearest fix this long before a track starts, after it "
                          "ends or beside a gap."),
    ])


class HomePlace(_Type):
    """--home: a place name resolved offline, or LAT,LON."""

    name = "place"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        from tripexif.errors import UsageError
        from tripexif.trip.home import parse_home

        try:
            return parse_home(value)
        except UsageError as exc:
            self.fail(str(exc).removeprefix(f"--home {value!r}: "), param, ctx)


TRIP_OPTIONS = ("home", "away_km", "trip_gap", "min_trip_days", "trip", "date_from", "date_to",
                "include_home")


def trip_options(func: F) -> F:
    """The library's trips (--home, --away-km, ...) and what to show of them (--trip,
    --from, --to, --include-home): the command gets one ``trip_choice`` argument, a
    (TripSettings, Selection) pair; Selection.home_days is set by the command."""
    import functools

    day = click.DateTime(["%Y-%m-%d"])

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from tripexif.trip.trips import Selection, TripSettings

        values = {name: kwargs.pop(name) for name in TRIP_OPTIONS}
        start, end = values["date_from"], values["date_to"]
        if start and end and start > end:
            raise click.BadParameter(f"{start:%Y-%m-%d} is after --to {end:%Y-%m-%d}",
                                     param_hint="'--from'")
        settings = TripSettings(values["home"], values["away_km"], values["trip_gap"],
                                values["min_trip_days"])
        selection = Selection(values["trip"], start.date() if start else None,
                              end.date() if end else None, values["include_home"])
        return func(*args, trip_choice=(settings, selection), **kwargs)

    return _apply(wrapper, [
        click.option("--home", type=HomePlace(), metavar="PLACE|LAT,LON",
                     help="Where you live: a town (offline names: 'Kyoto', 'Portland, "
                          "Oregon', 'Paris, FR') or LAT,LON. Default: the place where most "
                          "nights are spent; with no such place the library is one trip."),
        click.option("--away-km", type=click.FloatRange(min=0, min_open=True), default=50.0,
                     show_default=True, metavar="KM",
                     help="A day with a place farther than this from home is away."),
        click.option("--trip-gap", type=click.IntRange(min=0), default=2, show_default=True,
                     metavar="DAYS",
                     help="Days without photos a trip goes on over."),
        click.option("--min-trip-days", type=click.IntRange(min=1), default=1,
                     show_default=True, metavar="DAYS",
                     help="Shorter runs of days away are no trip (1: a day trip is one)."),
        click.option("--trip", metavar="ID|DATE",
                     help="Only this trip: its id (as `tripexif trips` lists it) or a date "
                          "within it (YYYY-MM-DD)."),
        click.option("--from", "date_from", type=day, metavar="DATE",
                     help="Only days from DATE (YYYY-MM-DD)."),
        click.option("--to", "date_to", type=day, metavar="DATE",
                     help="Only days up to DATE (YYYY-MM-DD)."),
        click.option("--include-home", is_flag=True,
                     help="Show the days at home too (the table and the map hide them)."),
    ])
