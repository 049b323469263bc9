"""XMP sidecars beside a photo (issue 12): their time and position override the photo's own,
and a sidecar is never counted as a photo.

``reading/reader.py`` calls ``sidecar.with_sidecar(path, meta)`` once it is wired; these tests
call it on what ``exif.metadata`` reads from the photo, as the reader does."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from test_xmp import packet

from tripexif.reading import containers, exif, sidecar

import synth
from synth import Exif

WHEN = Exif(datetime_original=datetime(2024, 5, 1, 9, 30), offset_original="+02:00",
            lat=45.0, lon=7.0, alt=300.0)


def photo_meta(path) -> exif.Metadata:
    """What the reader gets from a photo before the sidecar is applied."""
    with open(path, "rb") as fh:
        head = fh.read(512)
        container = containers.locate(fh, os.path.getsize(path), head)
        return exif.metadata(exif.read_tags(container, fh))


def read(path) -> exif.Metadata:
    return sidecar.with_sidecar(str(path), photo_meta(path))


@pytest.fixture
def shot(tmp_path):
    path = tmp_path / "IMG_1234.CR2"  # a JPEG under a RAW name: the format is sniffed
    path.write_bytes(synth.jpeg_bytes(WHEN))
    return path


def test_no_sidecar_changes_nothing(shot):
    assert read(shot) == photo_meta(shot)
    assert sidecar.sidecar_metadata(str(shot)) is None


@pytest.mark.parametrize("name", ["IMG_1234.CR2.xmp", "IMG_1234.xmp", "IMG_1234.XMP",
                                  "IMG_1234.CR2.Xmp"])
def test_sidecar_time_and_position_win(shot, name):
    (shot.parent / name).write_bytes(packet(
        'exif:DateTimeOriginal="2024-05-01T10:45:00+01:00" '
        'exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0E"'))
    meta = read(shot)
    assert (meta.raw.datetime_original, meta.raw.offset_original) == (
        datetime(2024, 5, 1, 10, 45), "+01:00")
    assert (meta.lat, meta.lon, meta.alt) == (pytest.approx(48.86), pytest.approx(2.35), None)
    assert (meta.raw.time_field, meta.raw.gps_field) == ("sidecar", "sidecar")
    assert meta.camera == photo_meta(shot).camera


def test_name_with_extension_before_name_alone(shot):
    """darktable's IMG_1234.CR2.xmp is the photo's own; IMG_1234.xmp may be its JPEG twin's."""
    (shot.parent / "IMG_1234.xmp").write_bytes(packet(
        'exif:DateTimeOriginal="2001-01-01T00:00:00"'))
    (shot.parent / "IMG_1234.CR2.xmp").write_bytes(packet(
        'exif:DateTimeOriginal="2024-05-01T10:45:00"'))
    assert sidecar.sidecar_path(str(shot)) == str(shot.parent / "IMG_1234.CR2.xmp")
    assert read(shot).raw.datetime_original == datetime(2024, 5, 1, 10, 45)


def test_sidecar_with_only_a_position_keeps_the_photos_time(shot):
    (shot.parent / "IMG_1234.xmp").write_bytes(packet(
        'exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0E" exif:GPSAltitude="35/1"'))
    meta = read(shot)
    assert (meta.raw.datetime_original, meta.raw.offset_original, meta.raw.time_field) == (
        datetime(2024, 5, 1, 9, 30), "+02:00", "exif")
    assert (meta.lat, meta.alt, meta.raw.gps_field) == (pytest.approx(48.86), 35.0, "sidecar")


def test_sidecar_with_only_a_time_keeps_the_photos_position(shot):
    (shot.parent / "IMG_1234.xmp").write_bytes(packet(
        elements="<photoshop:DateCreated>2024-05-01T10:45:00+01:00</photoshop:DateCreated>"))
    meta = read(shot)
    assert (meta.lat, meta.lon, meta.raw.gps_field) == (45.0, 7.0, "exif")
    assert meta.raw.time_field == "sidecar"


def test_sidecar_time_without_offset_keeps_the_photos_offset_on_the_same_clock(shot):
    (shot.parent / "IMG_1234.xmp").write_bytes(packet(
        'exif:DateTimeOriginal="2024-05-01T09:30:00.25"'))
    raw = read(shot).raw
    assert (raw.offset_original, raw.offset_lent, raw.time_field) == (None, "+02:00", "sidecar")
    (shot.parent / "IMG_1234.xmp").write_bytes(packet(
        'exif:DateTimeOriginal="2024-05-01T11:30:00"'))
    raw = read(shot).raw
    assert (raw.datetime_original, raw.offset_original, raw.offset_lent) == (
        datetime(2024, 5, 1, 11, 30), None, None)


def test_impossible_sidecar_position_leaves_the_photos(shot):
    (shot.parent / "IMG_1234.xmp").write_bytes(packet(
        'exif:GPSLatitude="0,0.0N" exif:GPSLongitude="0,0.0E"'))
    meta = read(shot)
    assert (meta.lat, meta.raw.gps_field, meta.gps_note) == (45.0, "exif", None)


def test_impossible_sidecar_position_is_noted_when_the_photo_has_none(tmp_path):
    path = tmp_path / "a.jpg"
    path.write_bytes(synth.jpeg_bytes(Exif(datetime_original=datetime(2024, 5, 1, 9))))
    (tmp_path / "a.xmp").write_bytes(packet('exif:GPSLatitude="95,0.0N" '
                                            'exif:GPSLongitude="2,0.0E"'))
    meta = read(path)
    assert meta.lat is None and "beyond ±90°" in (meta.gps_note or "")


@pytest.mark.parametrize("content", [
    b'<!DOCTYPE x [<!ENTITY t "2001-01-01T00:00:00">]>' + packet(
        'exif:DateTimeOriginal="&t;"', wrapper=False),
    b"\x00\xff garbage",
    b"",
    packet('exif:DateTimeOriginal="2001-01-01T00:00:00"', wrapper=False)
    + b" " * containers.MAX_XMP,
])
def test_unreadable_sidecars_are_ignored(shot, content):
    (shot.parent / "IMG_1234.xmp").write_bytes(content)
    assert read(shot) == photo_meta(shot)


def test_a_folder_named_like_a_sidecar_is_ignored(shot):
    (shot.parent / "IMG_1234.xmp").mkdir()
    assert read(shot) == photo_meta(shot)


def test_a_sidecar_added_later_is_found(shot):
    """The folder listing is kept, but checked against the folder's modification time."""
    assert sidecar.sidecar_path(str(shot)) is None
    side = shot.parent / "IMG_1234.xmp"
    side.write_bytes(packet('exif:DateTimeOriginal="2024-05-01T10:45:00"'))
    stamp = os.stat(shot.parent).st_mtime_ns
    os.utime(shot.parent, ns=(stamp + 10**9, stamp + 10**9))  # a coarse clock: force a change
    assert sidecar.sidecar_path(str(shot)) == str(side)


def test_a_sidecar_is_not_its_own_sidecar(tmp_path):
    side = tmp_path / "a.xmp"
    side.write_bytes(packet('exif:DateTimeOriginal="2024-05-01T10:45:00"'))
    assert sidecar.sidecar_path(str(side)) is None


def test_relative_path_after_a_chdir(tmp_path, monkeypatch):
    """A folder listing kept for "." is not another folder's after a chdir, even when both
    folders have the same modification time."""
    first, second = tmp_path / "one", tmp_path / "two"
    for folder in (first, second):
        folder.mkdir()
        (folder / "a.jpg").write_bytes(synth.jpeg_bytes(WHEN))
    (second / "a.xmp").write_bytes(packet('exif:DateTimeOriginal="2024-05-01T10:45:00"'))
    stamp = os.stat(first).st_mtime_ns
    os.utime(second, ns=(stamp, stamp))
    monkeypatch.chdir(first)
    assert sidecar.sidecar_path("a.jpg") is None
    monkeypatch.chdir(second)
    assert sidecar.sidecar_path("a.jpg") == "a.xmp"


def test_sidecars_are_not_counted_as_photos(tmp_path, run):
    """A walked .xmp is sniffed, is no photo format, and is passed over (not even listed as
    skipped); named on the command line, it is listed as skipped."""
    (tmp_path / "IMG_1.jpg").write_bytes(synth.jpeg_bytes(WHEN))
    (tmp_path / "IMG_1.jpg.xmp").write_bytes(packet('exif:DateTimeOriginal="2024-05-01T10:45:00"'))
    (tmp_path / "IMG_1.xmp").write_bytes(packet('exif:DateTimeOriginal="2024-05-01T10:45:00"'))
    result = run("photos", "-f", "jsonl", "--no-cache", str(tmp_path))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [os.path.basename(r["path"]) for r in records] == ["IMG_1.jpg"]
    result = run("photos", "-f", "jsonl", "--no-cache", str(tmp_path / "IMG_1.xmp"))
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["skipped"] and record["time_local"] is None


def test_the_reader_and_the_scan_index_follow_the_sidecar(run, shot):
    """Through the CLI with its scan index: a sidecar added, edited or removed after a run
    is honoured by the next run (the photo itself never changes)."""
    def position():
        result = run("photos", "-f", "json", str(shot.parent))
        assert result.exit_code == 0, result.stderr
        [record] = json.loads(result.stdout)
        return record["lat"], record["lon"]

    assert position() == (45.0, 7.0)
    side = shot.parent / "IMG_1234.CR2.xmp"
    side.write_bytes(packet('exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0E"'))
    assert position() == (48.86, 2.35)
    side.write_bytes(packet('exif:GPSLatitude="41,54.0N" exif:GPSLongitude="12,30.0E"'))
    assert position() == (41.9, 12.5)
    side.unlink()
    assert position() == (45.0, 7.0)


def test_a_photo_named_alone_follows_its_sidecar_through_the_index(run, shot):
    """Named on the command line (no folder walked to list its sidecar)."""
    def position():
        [record] = json.loads(run("photos", "-f", "json", str(shot)).stdout)
        return record["lat"], record["lon"]

    assert position() == (45.0, 7.0)
    (shot.parent / "IMG_1234.xmp").write_bytes(
        packet('exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0E"'))
    assert position() == (48.86, 2.35)


def test_no_sidecar_is_looked_for_in_a_folder_without_xmp_files(run, shot, monkeypatch):
    """The walk lists each folder anyway: without an .xmp file in it, neither the reader
    nor the scan index looks for a sidecar (a stat per photo on every re-scan)."""
    calls = []
    real = sidecar.sidecar_path

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(sidecar, "sidecar_path", counting)
    import tripexif.api

    monkeypatch.setattr(tripexif.api, "sidecar_path", counting)
    assert run("photos", "-f", "json", "-j", "1", str(shot.parent)).exit_code == 0
    assert calls == []
    (shot.parent / "IMG_1234.xmp").write_bytes(packet('exif:GPSLatitude="48,51.6N" '
                                                      'exif:GPSLongitude="2,21.0E"'))
    assert run("photos", "-f", "json", "-j", "1", str(shot.parent)).exit_code == 0
    assert calls  # now looked for
