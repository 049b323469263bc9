"""Messy libraries and hostile names: keep going, stay inert, never write a photo."""

import csv
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import gpxpy
import pytest

from tripexif.api import load
from tripexif.clock.times import TimeSettings
from tripexif.export import write as writer
from tripexif.export.csv_stops import to_csv
from tripexif.export.geojson import to_geojson
from tripexif.export.gpx import to_gpx
from tripexif.export.itinerary_json import to_json
from tripexif.model import Place
from tripexif.reading import containers
from tripexif.reading.reader import read_entry, read_photo
from tripexif.reading.walk import walk
from tripexif.trip.itinerary import ClusterSettings, build

from trips import Shot, write

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "gpx-1.1.xsd"
EVIL = ['=HYPERLINK("x")', "+1+1", "-2", "@SUM(A1)", '<script>alert("x")<\\script>',
        "Tom & Jerry's, \"quoted\"", "two\nlines", "bell\x07"]
EVIL_PLACE = Place(name='=HYPERLINK("x")<img src=x onerror="alert(1)">',
                   admin1="=cmd|' /C calc'!A0",
                   country='Ben & "Jerry", Land', country_code="XX")


class EvilGeocoder:
    name = "evil"

    def reverse(self, lat, lon):
        return EVIL_PLACE


@pytest.fixture
def evil_trip(tmp_path):
    start = datetime(2025, 8, 1, 10, 0)
    shots = [Shot(f"{name}.jpg", start + timedelta(minutes=i), "Europe/Rome", 41.89, 12.49)
             for i, name in enumerate(EVIL)]
    folder = write(tmp_path / "evil", shots)
    photos = load([str(folder)], TimeSettings()).photos
    return build(photos, ClusterSettings(), EvilGeocoder())


def test_csv_cells_are_quoted_and_formulas_neutralised(evil_trip):
    rows = list(csv.reader(io.StringIO(to_csv(evil_trip))))
    assert len(rows) == 2 and len(rows[1]) == 16
    place = rows[1][9]
    assert place == "'" + EVIL_PLACE.display
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")) or cell == ""
            assert not (cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit())


def test_photos_csv_neutralises_file_names(run, evil_trip, tmp_path):
    result = run("photos", "-f", "csv", str(tmp_path / "evil"))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(EVIL)
    names = {row["path"] for row in rows}
    assert all(not n.startswith(("=", "+", "-", "@")) for n in names)


def test_json_and_geojson_keep_names_exactly(evil_trip):
    doc = json.loads(to_json(evil_trip))
    stop = doc["days"][0]["stops"][0]
    assert stop["place"] == EVIL_PLACE.display
    assert sorted(os.path.basename(f)[:-4] for f in stop["files"]) == sorted(EVIL)
    geo = json.loads(to_geojson(evil_trip))
    assert geo["features"][0]["properties"]["place"] == EVIL_PLACE.display


def test_gpx_escapes_names_and_stays_valid(evil_trip):
    text = to_gpx(evil_trip)
    assert "<script>" not in text and "<img" not in text and "&lt;img" in text
    gpx = gpxpy.parse(text)
    assert gpx.waypoints[0].name == EVIL_PLACE.display
    shown = sorted(os.path.basename(p.name)[:-4] for p in gpx.tracks[0].segments[0].points)
    assert shown == sorted(e.replace("\x07", "\\x07") for e in EVIL)
    if SCHEMA.exists():
        import xmlschema

        xmlschema.XMLSchema(str(SCHEMA)).validate(text)


def test_table_shows_markup_as_text(tmp_path, run, monkeypatch):
    folder = write(tmp_path / "t", [Shot("[bold red]x[\\]\nrm.jpg", datetime(2025, 8, 1, 10),
                                         "Europe/Rome", 41.89, 12.49)])
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that the path is not folded at its space
    result = run("photos", str(folder))
    assert "[bold red]x[\\]\\nrm.jpg" in result.stdout


def test_non_utf8_file_names_are_escaped_in_every_format(tmp_path, run):
    folder = tmp_path / "t"
    write(folder, [Shot("x.jpg", datetime(2025, 8, 1, 10), "Europe/Rome", 41.89, 12.49),
                   Shot("y.jpg", datetime(2025, 8, 1, 10, 5), "Europe/Rome", 41.89, 12.49)])
    os.rename(folder / "x.jpg", os.fsencode(folder) + b"/caf\xe9.jpg")
    paths = [r["path"] for r in json.loads(run("photos", "-f", "json", str(folder)).stdout)]
    assert paths[0].endswith("/caf\\xe9.jpg")
    line = run("photos", "-f", "jsonl", str(folder)).stdout.splitlines()[0]
    assert json.loads(line)["path"] == paths[0]
    assert paths[0] in run("photos", "-f", "csv", str(folder)).stdout
    for fmt in ("json", "geojson", "gpx", "csv", "table"):
        result = run("scan", "-f", fmt, str(folder))
        assert result.exit_code == 0
    gpx = gpxpy.parse(run("scan", "-f", "gpx", str(folder)).stdout)
    assert any(p.name.endswith("caf\\xe9.jpg") for p in gpx.tracks[0].segments[0].points)


def test_special_files_are_skipped_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.jpg")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.jpg"))
    try:
        started = time.monotonic()
        photos = {Path(p.path).name: p for p in (read_entry(e) for e in walk([str(tmp_path)]))}
        assert time.monotonic() - started < 5  # opening the pipe for reading would block
    finally:
        sock.close()
    assert photos["pipe.jpg"].skipped == "a named pipe, not a photo file: not read"
    assert photos["sock.jpg"].skipped == "a socket, not a photo file: not read"
    assert read_photo("/dev/zero").skipped == "a device, not a photo file: not read"


def test_file_deleted_during_the_scan(tmp_path, make_photo):
    make_photo("a.jpg")
    entries = list(walk([str(tmp_path)]))
    os.unlink(tmp_path / "a.jpg")
    assert read_entry(entries[0]).error == "file vanished before it could be read"


def test_a_parse_over_its_time_budget_is_abandoned(tmp_path, make_photo, monkeypatch):
    path = make_photo("slow.jpg")

    def forever(*args):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(containers, "locate", forever)
    started = time.monotonic()
    photo = read_photo(str(path), budget=0.3)
    assert time.monotonic() - started < 3
    assert photo.error == "took longer than 0.3 s to read: abandoned"


def _fingerprint(folder):
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns,
                     p.stat().st_mode) for p in sorted(folder.iterdir())}


def test_photos_are_unchanged_by_every_command(tmp_path, run, monkeypatch):
    folder = write(tmp_path / "t", [
        Shot(f"p{i}.jpg", datetime(2025, 8, 1, 10, i), "Europe/Rome", 41.89, 12.49)
        for i in range(4)])
    before = _fingerprint(folder)
    monkeypatch.chdir(tmp_path)
    for args in (["scan", "t"], ["scan", "t", "-f", "gpx"], ["scan", "t", "-o", "out.geojson"],
                 ["scan", "t", "-f", "csv", "--no-cache"], ["photos", "t", "-f", "jsonl"],
                 ["where", "t/p0.jpg"], ["scan", "t", "-o", "t/p1.jpg", "-f", "json"],
                 ["scan", "t", "-o", "t", "-f", "json"]):
        run(*args)
    assert _fingerprint(folder) == before


def test_output_refuses_folders_and_input_photos(tmp_path, run, make_photo):
    photo = make_photo("a.jpg")
    result = run("scan", str(tmp_path), "-f", "json", "-o", str(photo))
    assert result.exit_code == 2 and "refusing to overwrite it" in result.stderr
    notes = tmp_path / "notes.txt"  # not a photo, but read as an input (named)
    notes.write_text("keep me")
    result = run("photos", str(notes), "-f", "json", "-o", str(notes))
    assert result.exit_code == 2 and "is one of the input files" in result.stderr
    assert notes.read_text() == "keep me"
    result = run("scan", str(tmp_path), "-f", "json", "-o", str(tmp_path))
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writer.write_atomic(str(tmp_path / "trip.json"), "{}")
    assert list(tmp_path.iterdir()) == []


# Runs the CLI with a Ctrl-C delivered mid-read, at a known point (after 128 files), as the
# terminal delivers it: SIGINT to the whole process group (the workers ignore it).
CTRL_C_MID_READ = """
import os, signal, sys
from tripexif import api
real = api.read_all
def read_all(entries, jobs, progress=None):
    def tick(done):
        if done >= 128:
            os.killpg(os.getpgrp(), signal.SIGINT)
        if progress:
            progress(done)
    return real(entries, jobs, tick)
api.read_all = read_all
from tripexif.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_without_partial_output(tmp_path, jobs):
    folder = write(tmp_path / "t", [
        Shot(f"p{i:04d}.jpg", datetime(2025, 8, 1, 10) + timedelta(seconds=i), "Europe/Rome",
             41.89, 12.49) for i in range(600)])
    env = dict(os.environ, TRIPEXIF_CACHE_DIR=str(tmp_path / "cache"))
    out = tmp_path / "trip.json"
    proc = subprocess.run(
        [sys.executable, "-c", CTRL_C_MID_READ, "scan", str(folder), "-o", str(out),
         "--no-cache", "-j", jobs], env=env, stderr=subprocess.PIPE, start_new_session=True,
        timeout=60)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == b"tripexif: interrupted\n"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tripexif")] == []


def test_default_commands_make_no_network_connection(tmp_path, run, monkeypatch):
    folder = write(tmp_path / "t", [
        Shot(f"p{i}.jpg", datetime(2025, 8, 1, 10, i), "Europe/Rome", 41.89, 12.49)
        for i in range(3)])

    def refuse(*args, **kwargs):
        raise AssertionError("tripexif tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for args in (["scan", str(folder)], ["scan", str(folder), "-f", "gpx"],
                 ["photos", str(folder)], ["where", str(folder / "p0.jpg")]):
        result = run(*args)
        assert result.exit_code == 0, result.stderr


def test_a_file_named_on_stdin_that_does_not_exist_is_listed(run, tmp_path):
    """Only PATH arguments must exist (a usage error otherwise); a path read from standard
    input may have vanished since `find` listed it: it is listed, the run goes on."""
    result = run("scan", "-f", "json", "-", input=str(tmp_path / "nope") + "\n")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["errors"] == [{"path": str(tmp_path / "nope"), "error": "no such file or folder"}]
    assert "no such file or folder" in result.stderr


def test_ctrl_c_while_the_cli_is_still_loading(tmp_path):
    """A Ctrl-C during the imports (before main exists) is the same one line and 130."""
    code = """
import builtins, sys
real = builtins.__import__
def importing(name, *args, **kwargs):
    if name == "tripexif.cli":
        raise KeyboardInterrupt
    return real(name, *args, **kwargs)
builtins.__import__ = importing
from tripexif._entry import run
sys.argv = ["tripexif", "--help"]
run()
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 130
    assert proc.stderr == b"tripexif: interrupted\n"
