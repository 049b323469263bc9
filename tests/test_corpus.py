"""The real-world corpus: agree with ExifTool, and never crash or hang on anything."""

import csv
import time

import pytest

from tripexif.reading.reader import read_entry, read_photo
from tripexif.reading.walk import walk

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


def _outcome(record):
    if record["error"]:
        return f"error: {record['error']}"
    if record["skipped"]:
        return f"skipped: {record['skipped']}"
    if (record["lat"] is None and record["time_local"] is None and record["time_utc"] is None
            and record["camera"] is None):
        return "no metadata"
    return "ok"


def test_whole_corpus_through_photos_and_scan(corpus, run, tmp_path):
    """Every file gets an outcome (listed in corpus-outcomes.txt); no crash, exit 0."""
    import collections
    import json

    result = run("photos", "-f", "jsonl", "--no-cache", str(corpus))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) > 1500
    listing = sorted(f"{_outcome(r)}\t{r['path']}" for r in records)
    (tmp_path / "corpus-outcomes.txt").write_text("\n".join(listing) + "\n")
    counts = collections.Counter(line.split("\t")[0].split(":")[0] for line in listing)
    assert counts["ok"] > 300 and counts["error"] < 100, counts
    for record in records:
        assert record["error"] is None or (len(record["error"]) <= 200
                                           and "Traceback" not in record["error"])
    result = run("scan", "-f", "json", str(corpus))
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    summary = doc["summary"]
    assert summary["photos"] == len(records)
    assert summary["errors"] == sum(1 for r in records if r["error"])
    assert summary["stops"] + summary["waypoints"] > 10
