"""One moment counted once: RAW+JPEG pairs and copies of a photo are one shot (issue 12).

RAW files are written as TIFF-structured files (the EXIF TIFF block, then stand-in sensor
data), as NEF, ARW, CR2 and DNG files are; the reader takes them by their TIFF magic."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import gpxpy
import pytest

import tripexif
from tripexif.model import Photo, RawTimes
from tripexif.trip import shots

import synth

KYOTO = (35.0116, 135.7681)
T0 = datetime(2024, 4, 2, 9, 10)


def nikon(when: datetime = T0, model: str = "Z 6", gps: bool = True,
          subsec: str | None = "25") -> synth.Exif:
    return synth.Exif(make="NIKON", model=model, datetime_original=when, subsec=subsec,
                      offset_original="+09:00", lat=KYOTO[0] if gps else None,
                      lon=KYOTO[1] if gps else None)


def raw(path: Path, exif: synth.Exif) -> Path:
    """A TIFF-based RAW file (.NEF, .ARW, ...) with ``exif``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(synth.tiff_block(exif) + bytes(4096))
    return path


def jpeg(path: Path, exif: synth.Exif, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(synth.jpeg_bytes(exif, seed=seed, size=(16, 16)))
    return path


def scan_json(run, *args: str) -> dict:
    result = run("scan", "-f", "json", "--no-cache", "--geocoder", "none", "-q", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def only_stop(doc: dict) -> dict:
    [day] = doc["days"]
    [stop] = day["stops"]
    return stop


@pytest.fixture
def trip(tmp_path, monkeypatch):
    """A RAW+JPEG pair and a JPEG ten minutes later, at one place; paths relative to t/."""
    monkeypatch.chdir(tmp_path)
    raw(tmp_path / "t" / "DSC_0001.NEF", nikon())
    jpeg(tmp_path / "t" / "DSC_0001.JPG", nikon())
    jpeg(tmp_path / "t" / "DSC_0002.JPG", nikon(T0 + timedelta(minutes=10)), seed=1)
    return tmp_path / "t"


def test_raw_and_jpeg_are_one_shot_all_files_listed(run, trip):
    doc = scan_json(run, "t")
    stop = only_stop(doc)
    assert (stop["photos"], stop["shots"]) == (3, 2)
    assert stop["files"] == ["t/DSC_0001.JPG", "t/DSC_0001.NEF", "t/DSC_0002.JPG"]
    assert stop["arrival"] == "2024-04-02T09:10:00.250+09:00"
    summary = doc["summary"]
    assert {k: summary[k] for k in ("photos", "shots", "located", "unlocated", "stops")} == {
        "photos": 3, "shots": 2, "located": 2, "unlocated": 0, "stops": 1}
    assert doc["duplicates"] == [
        {"files": ["t/DSC_0001.JPG", "t/DSC_0001.NEF"], "why": "raw+jpeg"}]


def test_a_lone_pair_is_one_shot_so_a_waypoint(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw(tmp_path / "t" / "DSC_0001.ARW", nikon())
    jpeg(tmp_path / "t" / "DSC_0001.JPG", nikon())
    doc = scan_json(run, "--min-stop-photos", "2", "t")
    [day] = doc["days"]
    assert day["stops"] == []
    [waypoint] = day["waypoints"]
    assert waypoint["files"] == ["t/DSC_0001.JPG", "t/DSC_0001.ARW"]
    assert (doc["summary"]["stops"], doc["summary"]["waypoints"]) == (0, 1)
    assert (doc["summary"]["photos"], doc["summary"]["shots"]) == (2, 1)


def test_keep_duplicates_counts_every_file(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw(tmp_path / "t" / "DSC_0001.ARW", nikon())
    jpeg(tmp_path / "t" / "DSC_0001.JPG", nikon())
    doc = scan_json(run, "--min-stop-photos", "2", "--keep-duplicates", "t")
    stop = only_stop(doc)
    assert (stop["photos"], stop["shots"]) == (2, 2)
    assert (doc["summary"]["photos"], doc["summary"]["shots"]) == (2, 2)
    assert doc["summary"]["located"] == 2
    assert doc["duplicates"] == []


def test_map_keeps_duplicates_when_asked(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw(tmp_path / "t" / "DSC_0001.ARW", nikon())
    jpeg(tmp_path / "t" / "DSC_0001.JPG", nikon())
    kinds = {}
    for flag in ((), ("--keep-duplicates",)):
        result = run("map", "--no-cache", "--geocoder", "none", "-q", *flag, "-o", "m.html",
                     "t")
        assert result.exit_code == 0, result.output
        page = (tmp_path / "m.html").read_text()
        kinds[flag] = [k for k in ("waypoint", "stop") if f'"kind":"{k}"' in
                       page.replace(" ", "")]
    assert kinds == {(): ["waypoint"], ("--keep-duplicates",): ["stop"]}


def test_copies_in_two_folders_are_one_shot(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = jpeg(tmp_path / "a" / "IMG_1.jpg", nikon())
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "IMG_1.jpg").write_bytes(first.read_bytes())
    jpeg(tmp_path / "a" / "IMG_2.jpg", nikon(T0 + timedelta(minutes=5)), seed=1)
    doc = scan_json(run, "a", "b")
    stop = only_stop(doc)
    assert (stop["photos"], stop["shots"]) == (3, 2)
    assert stop["files"] == ["a/IMG_1.jpg", "b/IMG_1.jpg", "a/IMG_2.jpg"]
    assert doc["duplicates"] == [{"files": ["a/IMG_1.jpg", "b/IMG_1.jpg"], "why": "copy"}]


def test_a_copied_pair_is_one_shot_for_both_reasons(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw(tmp_path / "a" / "DSC_0001.NEF", nikon())
    jpeg(tmp_path / "a" / "DSC_0001.JPG", nikon())
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "DSC_0001.JPG").write_bytes((tmp_path / "a" / "DSC_0001.JPG").read_bytes())
    doc = scan_json(run, "--min-stop-photos", "1", "a", "b")
    assert doc["duplicates"] == [{
        "files": ["a/DSC_0001.JPG", "b/DSC_0001.JPG", "a/DSC_0001.NEF"],
        "why": "raw+jpeg+copy"}]
    assert (only_stop(doc)["photos"], only_stop(doc)["shots"]) == (3, 1)


def _same_size(a: bytes, b: bytes) -> tuple[bytes, bytes]:
    """Pad the shorter (after the JPEG's end) to the other's size."""
    size = max(len(a), len(b))
    return a.ljust(size, b"\0"), b.ljust(size, b"\0")


def _near_miss(kind: str, t: Path) -> None:
    if kind == "other camera":
        raw(t / "DSC_0001.NEF", nikon(model="Z 7"))
        jpeg(t / "DSC_0001.JPG", nikon())
    elif kind == "2 s apart":
        raw(t / "DSC_0001.NEF", nikon(T0 + timedelta(seconds=2)))
        jpeg(t / "DSC_0001.JPG", nikon())
    elif kind == "other stem":
        raw(t / "DSC_0001.NEF", nikon())
        jpeg(t / "DSC_0002.JPG", nikon())
    elif kind == "other folder":
        raw(t / "raw" / "DSC_0001.NEF", nikon())
        jpeg(t / "DSC_0001.JPG", nikon())
    elif kind == "other size":
        data = synth.jpeg_bytes(nikon(), size=(16, 16))
        (t / "a").mkdir(parents=True)
        (t / "b").mkdir()
        (t / "a" / "IMG_1.jpg").write_bytes(data)
        (t / "b" / "IMG_1.jpg").write_bytes(data + b"\0")
    elif kind == "same size, other bytes":
        one, two = _same_size(synth.jpeg_bytes(nikon(), seed=0, size=(16, 16)),
                              synth.jpeg_bytes(nikon(), seed=5, size=(16, 16)))
        assert one != two
        (t / "a").mkdir(parents=True)
        (t / "b").mkdir()
        (t / "a" / "IMG_1.jpg").write_bytes(one)
        (t / "b" / "IMG_1.jpg").write_bytes(two)
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["other camera", "2 s apart", "other stem", "other folder",
                                  "other size", "same size, other bytes"])
def test_near_misses_are_two_shots(run, tmp_path, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    _near_miss(kind, tmp_path / "t")
    doc = scan_json(run, "--min-stop-photos", "2", "t")
    assert doc["duplicates"] == []
    stop = only_stop(doc)
    assert (stop["photos"], stop["shots"]) == (2, 2)
    assert (doc["summary"]["photos"], doc["summary"]["shots"]) == (2, 2)


def test_the_located_file_gives_the_shots_position_compared_by_wall_clock(
        run, tmp_path, monkeypatch):
    """A camera that writes no offset: the JPEG has GPS (its instant from the zone there),
    the RAW has none (floating): they are compared by the camera's clock, and the JPEG, not
    the RAW that sorts first, places the shot."""
    monkeypatch.chdir(tmp_path)
    canon = synth.Exif(make="Canon", model="Canon EOS R6", datetime_original=T0)
    raw(tmp_path / "t" / "IMG_0001.CR2", canon)
    jpeg(tmp_path / "t" / "IMG_0001.JPG", synth.Exif(
        make="Canon", model="Canon EOS R6", datetime_original=T0, lat=KYOTO[0], lon=KYOTO[1]))
    doc = scan_json(run, "t")
    assert doc["unlocated"] == []
    [day] = doc["days"]
    [waypoint] = day["waypoints"]
    assert waypoint["files"] == ["t/IMG_0001.JPG", "t/IMG_0001.CR2"]
    assert (waypoint["lat"], waypoint["time"]) == (KYOTO[0], "2024-04-02T09:10:00+09:00")
    summary = doc["summary"]
    assert (summary["located"], summary["unlocated"], summary["shots"]) == (1, 0, 1)
    assert doc["duplicates"] == [
        {"files": ["t/IMG_0001.JPG", "t/IMG_0001.CR2"], "why": "raw+jpeg"}]


def test_an_unlocated_pair_is_counted_once_and_both_listed(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw(tmp_path / "t" / "DSC_0001.NEF", nikon(gps=False))
    jpeg(tmp_path / "t" / "DSC_0001.JPG", nikon(gps=False))
    doc = scan_json(run, "t")
    assert [u["path"] for u in doc["unlocated"]] == ["t/DSC_0001.JPG", "t/DSC_0001.NEF"]
    summary = doc["summary"]
    assert (summary["photos"], summary["shots"], summary["unlocated"]) == (2, 1, 1)
    assert doc["duplicates"] == [
        {"files": ["t/DSC_0001.JPG", "t/DSC_0001.NEF"], "why": "raw+jpeg"}]


def test_table_counts_shots(run, trip):
    result = run("scan", "--no-cache", "--geocoder", "none", "-q", "t")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["#", "time", "place", "photos", "from", "previous"]
    assert lines[2].split()[-2:] == ["2", "—"]
    assert lines[-1] == "Photos: 3 files, 2 shots — 2 located, 0 without GPS, 0 unreadable"
    kept = run("scan", "--no-cache", "--geocoder", "none", "-q", "--keep-duplicates", "t")
    assert kept.stdout.splitlines()[2].split()[-2:] == ["3", "—"]
    assert kept.stdout.splitlines()[-1] == (
        "Photos: 3 — 3 located, 0 without GPS, 0 unreadable")


def test_gpx_track_has_a_point_per_shot(run, trip):
    result = run("scan", "-f", "gpx", "--no-cache", "--geocoder", "none", "-q", "t")
    points = gpxpy.parse(result.stdout).tracks[0].segments[0].points
    assert [p.name for p in points] == ["DSC_0001.JPG", "DSC_0002.JPG"]


def test_library_scan_keep_duplicates(trip):
    merged = tripexif.scan([trip], geocoder="none", cache=False, jobs=1)
    kept = tripexif.scan([trip], geocoder="none", cache=False, jobs=1, keep_duplicates=True)
    assert [s.shots for s in merged.stops] == [2]
    assert [s.shots for s in kept.stops] == [3]
    assert [len(s.photos) for s in merged.stops + kept.stops] == [3, 3]
    assert [shot.why for shot in merged.duplicates] == ["raw+jpeg"]
    assert kept.duplicates == ()
    assert (merged.photo_count, merged.shot_count) == (3, 2)


# -- the rules on records, apart from the files ------------------------------------------

UTC0 = datetime(2024, 4, 2, 0, 10, tzinfo=timezone.utc)


def photo(path: str, utc: datetime | None = UTC0, camera: str | None = "NIKON Z 6",
          wall: datetime | None = T0) -> Photo:
    return Photo(path, camera=camera, raw=RawTimes(datetime_original=wall),
                 time_local=wall, time_utc=utc, lat=KYOTO[0], lon=KYOTO[1])


def group(*photos: Photo) -> list[tuple[str, ...]]:
    """The shots of ``photos`` as their paths, every file the same size and bytes."""
    return [tuple(shot.files) for shot in
            shots.group(photos, size=lambda _: 100, sample=lambda _: b"same")]


def test_copies_need_the_same_moment_to_the_sub_second():
    later = UTC0 + timedelta(milliseconds=10)
    assert group(photo("a/x.jpg"), photo("b/x.jpg", utc=later)) == [("a/x.jpg",), ("b/x.jpg",)]
    assert group(photo("a/x.jpg"), photo("b/x.jpg")) == [("a/x.jpg", "b/x.jpg")]


def test_copies_need_the_same_camera():
    assert group(photo("a/x.jpg"), photo("b/x.jpg", camera="NIKON Z 7")) == [
        ("a/x.jpg",), ("b/x.jpg",)]


def test_files_without_a_time_are_never_merged():
    assert group(photo("a/x.jpg", utc=None, wall=None),
                 photo("b/x.jpg", utc=None, wall=None),
                 photo("b/x.nef", utc=None, wall=None)) == [
        ("a/x.jpg",), ("b/x.jpg",), ("b/x.nef",)]


def test_pair_window_is_one_second_on_the_instant():
    second = timedelta(seconds=1)
    assert group(photo("x.jpg"), photo("x.nef", utc=UTC0 + second, wall=T0 + 5 * second)) == [
        ("x.jpg", "x.nef")]
    assert group(photo("x.jpg"), photo("x.nef", utc=UTC0 + 2 * second, wall=T0)) == [
        ("x.jpg",), ("x.nef",)]


def test_sample_reads_both_ends_of_a_large_file(tmp_path):
    body = bytes(range(256)) * 1024  # 256 KiB
    one, two, three = tmp_path / "1", tmp_path / "2", tmp_path / "3"
    one.write_bytes(body)
    two.write_bytes(body[:-1] + b"\x00")
    three.write_bytes(body)
    assert shots.file_sample(str(one)) == shots.file_sample(str(three))
    assert shots.file_sample(str(one)) != shots.file_sample(str(two))
    assert shots.file_sample(str(tmp_path / "gone")) is None


def test_copies_need_the_same_size():
    sizes = {"a/x.jpg": 100, "b/x.jpg": 101}
    found = shots.group([photo("a/x.jpg"), photo("b/x.jpg")], size=sizes.__getitem__,
                        sample=lambda _: b"same")
    assert [tuple(shot.files) for shot in found] == [("a/x.jpg",), ("b/x.jpg",)]


def test_a_located_raw_places_the_shot_before_an_unlocated_jpeg(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw(tmp_path / "t" / "DSC_0001.NEF", nikon())
    jpeg(tmp_path / "t" / "DSC_0001.JPG", nikon(gps=False))
    doc = scan_json(run, "t")
    assert doc["unlocated"] == []
    [waypoint] = doc["days"][0]["waypoints"]
    assert waypoint["files"] == ["t/DSC_0001.NEF", "t/DSC_0001.JPG"]
    assert (doc["summary"]["located"], doc["summary"]["shots"]) == (1, 1)


def test_a_pair_is_a_raw_and_a_jpeg_or_heic_with_one_stem_case_aside():
    def pairs(*photos: Photo) -> list[tuple[str, ...]]:
        found = shots.group(photos, size=lambda _: 100, sample=lambda path: path.encode())
        return [tuple(shot.files) for shot in found]

    assert pairs(photo("a/IMG_1.CR2"), photo("a/img_1.heic")) == [
        ("a/img_1.heic", "a/IMG_1.CR2")]
    assert pairs(photo("a/IMG_1.jpg"), photo("a/IMG_1.heic")) == [
        ("a/IMG_1.jpg",), ("a/IMG_1.heic",)]
    assert pairs(photo("a/IMG_1.CR2"), photo("a/IMG_1.dng")) == [
        ("a/IMG_1.CR2",), ("a/IMG_1.dng",)]


def test_a_pair_is_from_one_body_when_both_files_name_one():
    def body(path: str, serial: str | None) -> Photo:
        shot = photo(path)
        return shot._replace(raw=shot.raw._replace(serial=serial))

    def pairs(*photos: Photo) -> list[tuple[str, ...]]:
        found = shots.group(photos, size=lambda _: 100, sample=lambda path: path.encode())
        return [tuple(shot.files) for shot in found]

    assert pairs(body("a/X.NEF", "3001"), body("a/X.JPG", "3002")) == [("a/X.NEF",), ("a/X.JPG",)]
    assert pairs(body("a/X.NEF", "3001"), body("a/X.JPG", "3001")) == [("a/X.JPG", "a/X.NEF")]
    assert pairs(body("a/X.NEF", "3001"), body("a/X.JPG", None)) == [("a/X.JPG", "a/X.NEF")]


def test_gpx_waypoint_and_map_count_shots(run, trip):
    """What people read counts moments, as the table does: 2 photos, not 3 files."""
    gpx = gpxpy.parse(run("scan", "-f", "gpx", "--geocoder", "none", "-q", "t").stdout)
    assert gpx.waypoints[0].description.endswith(", 2 photos")
    page = run("map", "--geocoder", "none", "-q", "t", "-o", "-").stdout
    blob = json.loads(page.split('id="trip-data">', 1)[1].split("</script>", 1)[0])
    assert blob["days"][0]["points"][0]["photos"] == "2 photos"
