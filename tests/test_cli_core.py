"""The CLI as a thin layer: inputs read once, options that do nothing say so, shared files
without folder paths, the exporter registry, the map on a terminal, threads and the index."""

import json
import os
import pty
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import gpxpy
import pytest

from tripexif import export

from trips import Shot, write


@pytest.fixture
def trip(tmp_path, monkeypatch):
    start = datetime(2025, 8, 1, 10, 0)
    shots = [Shot(f"a{i}.jpg", start + timedelta(minutes=i), "Europe/Rome", 41.8902, 12.4922)
             for i in range(3)]
    shots += [Shot(f"b{i}.jpg", start + timedelta(hours=1, minutes=i), "Europe/Rome",
                   41.8986, 12.4769, device="camera", camera_zone="Europe/Rome")
              for i in range(2)]
    folder = write(tmp_path / "trip", shots)
    monkeypatch.chdir(tmp_path)
    return folder


def _summary(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["summary"]


# --- each file once ------------------------------------------------------------------------

def test_a_folder_and_a_file_inside_it_count_the_file_once(run, trip):
    summary = _summary(run("scan", "-f", "json", str(trip), str(trip / "a0.jpg")))
    assert summary["photos"] == 5 and summary["stops"] == 2 and summary["waypoints"] == 0


def test_find_print0_output_counts_every_photo_once(run, trip):
    """`find DIR -print0` prints DIR itself, then each file in it."""
    listing = subprocess.run(["find", str(trip), "-print0"], capture_output=True,
                             check=True).stdout
    summary = _summary(run("scan", "-f", "json", "-0", "-", input=listing))
    assert summary == _summary(run("scan", "-f", "json", str(trip)))
    assert summary["photos"] == 5


def test_links_to_one_file_count_once(run, trip):
    os.link(trip / "a0.jpg", trip / "hard.jpg")
    os.symlink(trip / "a1.jpg", trip / "soft.jpg")
    assert _summary(run("scan", "-f", "json", str(trip)))["photos"] == 5


# --- options that do nothing ---------------------------------------------------------------

def test_language_with_the_offline_geocoder_names_in_it(run, trip):
    result = run("scan", str(trip), "-f", "json", "--language", "it")
    assert result.exit_code == 0
    assert result.stderr == ""
    stop = json.loads(result.stdout)["days"][0]["stops"][0]
    assert stop["place"] == "Campitelli, Roma, Lazio, Italia"


@pytest.mark.parametrize("option", [["--nearby-count", "3"], ["--nearby-radius", "100"],
                                    ["--overpass-url", "http://127.0.0.1:9/api"]])
def test_nearby_settings_without_nearby_say_so(run, trip, option):
    result = run("scan", str(trip), *option)
    assert result.exit_code == 0
    assert f"{option[0]} does nothing without --nearby" in result.stderr


def test_defaults_say_nothing(run, trip):
    result = run("scan", str(trip), "-f", "json")
    assert "does nothing" not in result.stderr


@pytest.mark.parametrize("option", ["--camera-tz", "--clock-offset"])
def test_a_camera_rule_that_matches_no_photo_lists_the_cameras(run, trip, option):
    value = "Nikon D70=Europe/Rome" if option == "--camera-tz" else "Nikon D70=+01:00"
    result = run("scan", str(trip), "-f", "json", option, value)
    assert result.exit_code == 0
    assert ("no photo is from 'Nikon D70', so its clock rule did nothing; cameras seen: "
            "Apple iPhone 15, FUJIFILM X-T5") in result.stderr
    ok = run("scan", str(trip), "-f", "json", option, value.replace("Nikon D70", "fujifilm x-t5"))
    assert "did nothing" not in ok.stderr


# --- what people share carries file names, not folders ------------------------------------

def test_gpx_names_photos_by_file_name_unless_full_paths(run, trip):
    gpx = gpxpy.parse(run("scan", str(trip), "-f", "gpx").stdout)
    names = [p.name for p in gpx.tracks[0].segments[0].points]
    assert names == ["a0.jpg", "a1.jpg", "a2.jpg", "b0.jpg", "b1.jpg"]
    full = gpxpy.parse(run("scan", str(trip), "-f", "gpx", "--full-paths").stdout)
    assert full.tracks[0].segments[0].points[0].name == str(trip / "a0.jpg")


def test_map_names_photos_by_file_name_unless_full_paths(run, trip):
    def files(*extra):
        page = run("map", str(trip), "-o", "-", *extra).stdout
        blob = page.split('id="trip-data">', 1)[1].split("</script>", 1)[0]
        return [f["name"] for day in json.loads(blob)["days"] for p in day["points"]
                for f in p["files"]]

    assert files() == ["a0.jpg", "a1.jpg", "a2.jpg", "b0.jpg", "b1.jpg"]
    assert str(trip) not in run("map", str(trip), "-o", "-").stdout
    assert files("--full-paths")[0] == str(trip / "a0.jpg")


def test_json_keeps_paths_as_given(run, trip):
    doc = json.loads(run("scan", str(trip), "-f", "json").stdout)
    assert doc["days"][0]["stops"][0]["files"][0] == str(trip / "a0.jpg")


# --- the exporter registry ----------------------------------------------------------------

def test_registry_feeds_choices_extensions_and_dispatch(run, trip):
    assert export.names("scan") == ["table", "csv", "geojson", "gpx", "html", "json", "kml",
                                    "kmz", "md", "report"]
    assert export.names("photos") == ["table", "json", "jsonl", "csv"]
    assert export.names("where") == ["table", "json"]
    assert export.names("map") == ["html"]
    for command in ("scan", "photos", "where", "map"):  # one format per extension
        extensions = export.extensions(command)
        assert len(extensions) == len(set(extensions)), command
    assert run("scan", str(trip), "-o", "t.geojson").exit_code == 0
    assert json.loads(Path("t.geojson").read_text())["type"] == "FeatureCollection"
    assert run("where", str(trip / "a0.jpg"), "-o", "w.json").exit_code == 0
    assert json.loads(Path("w.json").read_text())[0]["answer"] == "located"


def test_a_new_format_is_one_new_file(run, trip, tmp_path, monkeypatch):
    extra = tmp_path / "plugins"
    extra.mkdir()
    (extra / "shout.py").write_text(
        "from tripexif.export import ITINERARY, Format\n"
        "FORMATS = (Format('shout', ITINERARY, lambda it, options: "
        "f'{len(it.stops)} STOPS\\n', ('.shout',), ('scan',)),)\n")
    monkeypatch.setattr(export, "__path__", [*export.__path__, str(extra)])
    monkeypatch.setitem(sys.modules, "tripexif.export.shout", None)
    del sys.modules["tripexif.export.shout"]
    export.registry.cache_clear()
    try:
        assert run("scan", str(trip), "-f", "shout").stdout == "2 STOPS\n"
        assert run("scan", str(trip), "-o", "out.shout").exit_code == 0
        assert Path("out.shout").read_text() == "2 STOPS\n"
    finally:
        sys.modules.pop("tripexif.export.shout", None)
        monkeypatch.undo()
        export.registry.cache_clear()


# --- the map on a terminal ----------------------------------------------------------------

def _on_a_terminal(args, cwd):
    """Run tripexif with stdout on a pseudo-terminal; (exit code, what the terminal got,
    stderr)."""
    main, child = pty.openpty()
    env = dict(os.environ, TRIPEXIF_CACHE_DIR=str(Path(cwd) / "cache"))
    proc = subprocess.Popen([sys.executable, "-m", "tripexif", *args], cwd=cwd, stdout=child,
                            stderr=subprocess.PIPE, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, err = proc.communicate(timeout=60)
    os.close(main)
    return proc.returncode, b"".join(chunks).decode(), err.decode()


def test_map_on_a_terminal_writes_nothing_and_says_how(trip, tmp_path):
    code, shown, err = _on_a_terminal(["map", str(trip)], tmp_path)
    assert code == 2
    assert shown == ""
    assert "write it to a file with -o trip.html" in err
    code, shown, err = _on_a_terminal(["map", str(trip), "-o", "trip.html"], tmp_path)
    assert code == 0, err
    assert (tmp_path / "trip.html").read_text().startswith("<!DOCTYPE html>")


def test_map_to_a_pipe_writes_the_page(run, trip):
    result = run("map", str(trip))  # CliRunner's stdout is not a terminal
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")


# --- threads and the index ----------------------------------------------------------------

def test_progress_runs_no_thread_while_photos_are_read(run, trip, monkeypatch):
    """Reader processes are forked: the process must not run other threads then."""
    from tripexif import api

    threads = []
    real_load = api.load

    def load(*args, **kwargs):
        threads.append(threading.active_count())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(api, "load", load)
    result = run("scan", str(trip), "--progress")
    assert result.exit_code == 0
    assert threads == [1]
    assert "reading photos" in result.stderr


def test_the_cli_closes_the_index(run, trip, indexes):
    for command in ("scan", "photos", "map"):
        assert run(command, str(trip), "-o", "-").exit_code == 0
    assert len(indexes) == 3  # one a run (conftest's fixture lists them)
    assert all(index._db is None for index in indexes)  # closed by the CLI itself


@pytest.mark.parametrize("command", ["scan", "map", "where"])
def test_help_lists_formats_and_tripexifs_own_geocoder_settings(run, command):
    text = " ".join(run(command, "--help").stdout.split())
    assert "min_delay" in text and "retries" in text
    if command != "map":  # map writes only html: it has no -f
        assert "[" + "|".join(export.names(command)) + "]" in text


def _read_fifo(path, into):
    with open(path, "rb") as fh:
        into.append(fh.read())


@pytest.mark.parametrize(("command", "starts"), [("scan", "Friday 1 August 2025"),
                                                  ("map", "<!DOCTYPE html>")])
def test_a_stream_without_an_extension_gets_the_default_format(run, trip, tmp_path, command,
                                                               starts):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=_read_fifo, args=(fifo, got), daemon=True)
    reader.start()
    result = run(command, str(trip), "-o", str(fifo))
    reader.join(20)
    assert result.exit_code == 0, result.stderr
    assert got and got[0].decode().startswith(starts)
    assert fifo.is_fifo()


def test_map_to_a_regular_file_must_be_html(run, trip):
    result = run("map", str(trip), "-o", "trip.txt")
    assert result.exit_code == 2 and "name it *.html" in result.stderr
    assert not Path("trip.txt").exists()


def test_an_index_problem_after_reading_is_said_too(run, trip, monkeypatch):
    """A cache problem that first shows while naming stops (a place-name write) reaches
    stderr like one met while reading; the library returns it in the warnings."""
    import tripexif
    from tripexif.store.index import Index

    def failing(self, key, packed, stored):
        self._say("full", "the cache folder is full: place names are not kept")

    monkeypatch.setattr(Index, "store_place", failing)
    monkeypatch.setenv("TRIPEXIF_CACHE_DIR", str(trip.parent / "fresh-cache"))  # names unknown
    result = run("scan", str(trip), "-f", "json")
    assert result.exit_code == 0
    assert result.stderr.count("the cache folder is full: place names are not kept") == 1
    itinerary = tripexif.scan([trip])
    assert "the cache folder is full: place names are not kept" in itinerary.warnings
