"""The real-world corpus: agree with ExifTool, and never crash or hang on anything."""

import csv
import time

import pytest

from tripexif.reader import read_entry, read_photo
from tripexif.walk import walk

pytestmark = pytest.mark.corpus


def _reference(corpus):
    with open(corpus / "exiftool-reference.tsv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_positions_and_capture_times_match_exiftool(corpus):
    mismatches = []
    checked = 0
    for row in _reference(corpus):
        if not row["gps_latitude"]:
            continue
        photo = read_photo(str(corpus / row["path"]))
        want_lat, want_lon = float(row["gps_latitude"]), float(row["gps_longitude"])
        if want_lat == 0 and want_lon == 0:
            # ExifTool shows the empty (0, 0) fix; we reject it on purpose, with a reason
            if photo.located or "0°, 0°" not in (photo.gps_note or ""):
                mismatches.append(f"{row['path']}: (0, 0) not rejected: {photo}")
            continue
        checked += 1
        far = photo.located and max(abs(photo.lat - want_lat), abs(photo.lon - want_lon)) > 1e-6
        if not photo.located or far:
            mismatches.append(f"{row['path']}: position {photo.lat}, {photo.lon} "
                              f"!= {want_lat}, {want_lon} ({photo.error or photo.gps_note})")
        want_dto = row["date_time_original"]
        got = photo.raw.datetime_original
        got_dto = got.strftime("%Y:%m:%d %H:%M:%S") if got else ""
        if want_dto and got_dto != want_dto:
            mismatches.append(f"{row['path']}: DateTimeOriginal {got_dto!r} != {want_dto!r}")
        if not want_dto and got_dto and photo.kind == "photo":
            mismatches.append(f"{row['path']}: DateTimeOriginal {got_dto!r}, ExifTool: none")
    assert checked >= 45
    assert mismatches == []


def test_offsets_and_gps_utc_match_exiftool(corpus):
    mismatches = []
    for row in _reference(corpus):
        if row["file_type"] in ("MP4", "MOV", "3GP") or not row["date_time_original"]:
            continue
        photo = read_photo(str(corpus / row["path"]))
        if (photo.raw.offset_original or "") != row["offset_time_original"]:
            mismatches.append(f"{row['path']}: offset {photo.raw.offset_original!r} "
                              f"!= {row['offset_time_original']!r}")
        want = row["gps_date_time_utc"]
        if want:
            got = photo.raw.gps_utc
            if got is None or got.strftime("%Y:%m:%d %H:%M:%S") != want[:19]:
                mismatches.append(f"{row['path']}: GPS UTC {got} != {want}")
    assert mismatches == []


def test_every_file_gives_a_record_quickly(corpus):
    """No file crashes the reader or takes long; broken ones carry a short reason."""
    outcomes = {"ok": 0, "error": 0, "skipped": 0, "ignored": 0}
    slow = []
    for entry in walk([str(corpus)]):
        started = time.perf_counter()
        photo = read_entry(entry)
        if time.perf_counter() - started > 2.0:
            slow.append(entry.path)
        if photo is None:
            outcomes["ignored"] += 1
            continue
        if photo.error:
            assert "Traceback" not in photo.error and len(photo.error) <= 200
            outcomes["error"] += 1
        elif photo.skipped:
            outcomes["skipped"] += 1
        else:
            outcomes["ok"] += 1
    assert slow == []
    assert outcomes["ok"] > 1000
