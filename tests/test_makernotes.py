"""The camera's own zone setting (Canon TimeInfo, Nikon WorldTime) read from maker notes, and
time rule 3 (``camera_zone``) that uses it: on the real corpus files that carry one (checked
against ExifTool) and on files whose maker notes are built here byte by byte."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tripexif.clock import times
from tripexif.model import Photo, RawTimes
from tripexif.reading import makernotes
from tripexif.reading.reader import read_photo
from tripexif.store import index

import synth

WHEN = datetime(2024, 7, 14, 16, 30, 12)
UNDEFINED, ASCII, LONG = 7, 2, 4
MAKER_AT = 0x400  # where _tiff puts the maker note (from the TIFF header)

# corpus files whose maker notes set a zone: (effective offset, serial) as ExifTool shows them
# (Canon TimeZone; Nikon TimeZone plus an hour with DaylightSavings)
CORPUS_ZONES = {
    "exifr/test/fixtures/canon-dslr.jpg": ("+00:00", "223073000724"),
    "exif-samples/jpg/tests/32-lens_data.jpeg": ("+03:00", "3105364"),
    # maker note moved 128 bytes by an editor: its footer says where it was
    "exif-samples/jpg/hdr/canon_hdr_NO.jpg": ("+01:00", None),
    "exif-samples/jpg/hdr/canon_hdr_YES.jpg": ("+01:00", None),
    "metadata-extractor-images/avif/Issue 649.avif": ("+00:00", "053022005903"),
}


# --- files built by hand ----------------------------------------------------------------


def _ifd(order: str, entries: list[tuple[int, int, int, bytes]]) -> bytes:
    """An IFD whose values are inline (4 bytes, already packed, offsets included)."""
    out = struct.pack(order + "H", len(entries))
    for tag, kind, count, value in sorted(entries):
        out += struct.pack(order + "HHI", tag, kind, count) + value.ljust(4, b"\x00")
    return out + b"\x00\x00\x00\x00"


def _tiff(make: str, maker_note: bytes, order: str = "<", body_serial: str | None = None,
          model: str = "X", declared: int | None = None) -> bytes:
    """A TIFF block: IFD0 (Make, Model, Exif pointer), an Exif IFD (DateTimeOriginal,
    MakerNote at MAKER_AT, of ``declared`` bytes, BodySerialNumber) and their data at fixed
    offsets."""
    block = bytearray(MAKER_AT + len(maker_note) + 64)
    mark = b"II*\x00" if order == "<" else b"MM\x00*"
    block[:8] = mark + struct.pack(order + "I", 8)

    def text(value: str, at: int) -> tuple[int, bytes]:
        data = value.encode() + b"\x00"
        block[at : at + len(data)] = data
        return len(data), struct.pack(order + "I", at)

    def put(tag: int, value: str, at: int) -> tuple[int, int, int, bytes]:
        if len(value) < 4:
            return tag, ASCII, len(value) + 1, value.encode() + b"\x00"
        count, pointer = text(value, at)
        return tag, ASCII, count, pointer

    ifd0 = _ifd(order, [put(0x010F, make, 0x100), put(0x0110, model, 0x140),
                        (0x8769, LONG, 1, struct.pack(order + "I", 0x200))])
    block[8 : 8 + len(ifd0)] = ifd0
    exif = [put(0x9003, WHEN.strftime("%Y:%m:%d %H:%M:%S"), 0x180),
            (0x927C, UNDEFINED, declared or len(maker_note), struct.pack(order + "I", MAKER_AT))]
    if body_serial is not None:
        exif.append(put(0xA431, body_serial, 0x1C0))
    sub = _ifd(order, exif)
    block[0x200 : 0x200 + len(sub)] = sub
    block[MAKER_AT : MAKER_AT + len(maker_note)] = maker_note
    return bytes(block)


def canon_note(minutes: int, dst: int, city: int = 4, serial: int | None = 123456,
               order: str = "<", at: int = MAKER_AT, footer: int | None = None) -> bytes:
    """A Canon maker note at ``at``: SerialNumber and TimeInfo (its data after the IFD,
    pointed at from the TIFF header, as Canon does). ``footer``: the offset the footer says
    the maker note was written at."""
    entries = []
    if serial is not None:
        entries.append((0x000C, LONG, 1, struct.pack(order + "I", serial)))
    count = len(entries) + 1
    data_at = at + 2 + 12 * count + 4
    entries.append((0x0035, 9, 4, struct.pack(order + "I", data_at - (at - (footer or at)))))
    note = _ifd(order, entries) + struct.pack(order + "4i", 16, minutes, city, dst)
    if footer is not None:
        note += (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", footer)
    return note


def nikon_note(minutes: int, dst: int, serial: str = "3105364", order: str = ">") -> bytes:
    """A Nikon type 3 maker note: its own TIFF header (``order``) at offset 10."""
    serial_data = serial.encode() + b"\x00"
    entries = [(0x0024, UNDEFINED, 4, struct.pack(order + "hBB", minutes, dst, 0))]
    count = 2
    serial_at = 8 + 2 + 12 * count + 4  # from the inner header
    entries.append((0x001D, ASCII, len(serial_data), struct.pack(order + "I", serial_at)))
    mark = b"II*\x00" if order == "<" else b"MM\x00*"
    inner = mark + struct.pack(order + "I", 8) + _ifd(order, entries) + serial_data
    return b"Nikon\x00\x02\x10\x00\x00" + inner


def _jpeg(path: Path, tiff: bytes) -> Path:
    data = synth.jpeg_bytes(None, size=(16, 16))
    payload = b"Exif\x00\x00" + tiff
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
                     + data[2:])
    return path


def _exiftool(*paths: Path | str) -> list[dict[str, object]]:
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed")
    out = subprocess.run(["exiftool", "-j", "-n", "-Make", "-MakerNotes:TimeZone",
                          "-MakerNotes:DaylightSavings", *map(str, paths)],
                         capture_output=True, check=True, text=True).stdout
    result: list[dict[str, object]] = json.loads(out)
    return result


def _effective(record: dict[str, object]) -> str | None:
    """ExifTool's TimeZone (+ an hour for Nikon's DaylightSavings) as "+hh:mm"."""
    minutes = record.get("TimeZone")
    if not isinstance(minutes, int):
        return None
    if str(record.get("Make", "")).lower().startswith("nikon") and record.get(
            "DaylightSavings") == 1:
        minutes += 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# catches: adding Canon's DaylightSavings again (its TimeZone already counts it: +12:00),
# dropping the TimeInfo offset's base (reads the wrong bytes), and a swapped int32 order
def test_canon_time_info_zone_includes_dst_and_serial(tmp_path):
    path = _jpeg(tmp_path / "c.jpg", _tiff("Canon", canon_note(660, 60), model="Canon EOS R6"))
    photo = read_photo(str(path))
    assert photo.raw.camera_zone == "+11:00"
    assert photo.raw.serial == "123456"
    assert [_effective(r) for r in _exiftool(path)] == ["+11:00"]


# catches: a big-endian Canon TIFF read as little-endian
def test_canon_big_endian(tmp_path):
    note = canon_note(-300, 0, order=">")
    photo = read_photo(str(_jpeg(tmp_path / "c.jpg", _tiff("Canon", note, order=">"))))
    assert photo.raw.camera_zone == "-05:00"


# catches: ignoring the footer (the moved maker note's TimeInfo is read 128 bytes off)
def test_canon_maker_note_moved_by_an_editor(tmp_path):
    note = canon_note(120, 60, footer=MAKER_AT + 128)
    photo = read_photo(str(_jpeg(tmp_path / "c.jpg", _tiff("Canon", note))))
    assert photo.raw.camera_zone == "+02:00"
    assert [_effective(r) for r in _exiftool(tmp_path / "c.jpg")] == ["+02:00"]


# catches: a TimeZone 0 with no city and no DST taken as UTC (PowerShots that have no zone)
def test_canon_zone_not_set_is_none(tmp_path):
    photo = read_photo(str(_jpeg(tmp_path / "c.jpg", _tiff("Canon", canon_note(0, 0, 32766)))))
    assert photo.raw.camera_zone is None
    assert photo.raw.serial == "123456"


# catches: Nikon's DaylightSavings ignored (+01:00), the inner TIFF header's byte order
# ignored (the outer one is little-endian), offsets taken from the outer header
def test_nikon_world_time_adds_dst_hour(tmp_path):
    path = _jpeg(tmp_path / "n.jpg", _tiff("NIKON CORPORATION", nikon_note(60, 1),
                                           model="NIKON D90"))
    photo = read_photo(str(path))
    assert (photo.raw.camera_zone, photo.raw.serial) == ("+02:00", "3105364")
    assert [_effective(r) for r in _exiftool(path)] == ["+02:00"]


def test_nikon_little_endian_and_negative_zone(tmp_path):
    note = nikon_note(-570, 0, order="<")
    photo = read_photo(str(_jpeg(tmp_path / "n.jpg", _tiff("NIKON", note))))
    assert photo.raw.camera_zone == "-09:30"


# catches: reading maker notes of any make (no make check): a Sony file with a Canon-shaped
# maker note gets nothing, and the parser is never called
def test_other_makes_maker_notes_are_not_read(tmp_path, monkeypatch):
    calls = []
    real = makernotes.read
    monkeypatch.setattr(makernotes, "read", lambda *a: calls.append(a) or real(*a))
    photo = read_photo(str(_jpeg(tmp_path / "s.jpg", _tiff("SONY", canon_note(120, 0)))))
    assert photo.raw.camera_zone is None and photo.raw.serial is None
    assert calls == []
    read_photo(str(_jpeg(tmp_path / "c.jpg", _tiff("Canon", canon_note(120, 0)))))
    assert len(calls) == 1


# catches: the IFD's bound dropped (a maker note whose IFD runs past its own size is read)
def test_maker_note_ifd_past_its_size_gives_nothing(tmp_path):
    note = canon_note(120, 0)
    photo = read_photo(str(_jpeg(tmp_path / "c.jpg", _tiff("Canon", note, declared=20))))
    assert photo.error is None and photo.raw.camera_zone is None


# catches: a value before the block read (a lying footer, "written at 2 GB", puts the data
# before the start of the block: the seek raises, and the serial is lost with the zone)
def test_footer_far_off_gives_nothing(tmp_path):
    note = canon_note(120, 0) + b"II*\x00" + struct.pack("<I", 0x7FFF0000)
    photo = read_photo(str(_jpeg(tmp_path / "c.jpg", _tiff("Canon", note))))
    assert photo.error is None and photo.raw.camera_zone is None
    assert photo.raw.serial == "123456"


# guards: damage anywhere in a maker note leaves the photo and its time as they were (no
# plant of ours turns it red: every read is bounded before it is made)
@pytest.mark.parametrize("cut", [0, 1, 2, 13, 30])
def test_damaged_maker_notes_never_fail_the_photo(tmp_path, cut):
    for name, make, note in (("c", "Canon", canon_note(120, 0)),
                             ("n", "NIKON", nikon_note(60, 1))):
        broken = note[:cut] + b"\xff" * (len(note) - cut)
        photo = read_photo(str(_jpeg(tmp_path / f"{name}.jpg", _tiff(make, broken))))
        assert photo.error is None
        assert photo.raw.datetime_original == WHEN
        assert photo.raw.camera_zone is None


def test_offsets_beyond_the_file_and_odd_zones_give_nothing():
    def read_at(at: int, size: int) -> bytes:
        return b"\x00" * size if at < 100 else b""

    assert makernotes.read("canon", read_at, "I", 10_000, 100) is None
    assert makernotes._offset_text(61) is None  # not on a quarter hour
    assert makernotes._offset_text(15 * 60) is None  # past ±14 h
    assert makernotes._offset_text(-14 * 60) == "-14:00"


# --- the corpus, checked against ExifTool ----------------------------------------------


def test_corpus_zones_match_exiftool(corpus):
    paths = [corpus / name for name in CORPUS_ZONES]
    expected = [_effective(r) for r in _exiftool(*paths)]
    got = [read_photo(str(p)).raw for p in paths]
    assert [r.camera_zone for r in got] == expected == [z for z, _ in CORPUS_ZONES.values()]
    assert [r.serial for r in got] == [s for _, s in CORPUS_ZONES.values()]


def test_corpus_older_nikon_serial_at_0x00a0(corpus):
    photo = read_photo(str(corpus / "exiftool/t/images/NikonD70.jpg"))
    assert (photo.raw.serial, photo.raw.camera_zone) == ("NO= 20025585", None)


def test_no_other_corpus_canon_or_nikon_photo_has_a_zone(corpus):
    """Every Canon and Nikon photo we read: a zone exactly when ExifTool finds one."""
    found = {}
    for path in sorted(corpus.rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg", ".tif", ".tiff", ".nef", ".cr2",
                                       ".avif", ".heic", ".dng"):
            continue
        photo = read_photo(str(path))
        if (photo.camera or "").lower().startswith(("canon", "nikon")):
            found[path] = photo.raw.camera_zone
    assert len(found) > 20
    records = _exiftool(*found)
    assert [_effective(r) for r in records] == list(found.values())


# catches: the rule missing or after gps_utc; the instant not wall − zone
def test_corpus_canon_dslr_time_from_its_zone(corpus):
    photo = read_photo(str(corpus / "exifr/test/fixtures/canon-dslr.jpg"))
    done, _ = times.resolve([photo], times.TimeSettings(), lambda lat, lon: None)
    assert done[0].time_source == "camera_zone"
    assert done[0].time_utc == datetime(2019, 10, 26, 16, 7, 24, 540000, tzinfo=timezone.utc)
    nikon = read_photo(str(corpus / "exif-samples/jpg/tests/32-lens_data.jpeg"))
    done, _ = times.resolve([nikon], times.TimeSettings(), lambda lat, lon: None)
    assert done[0].time_local.isoformat() == "2012-07-14T16:30:12.680000+03:00"
    assert done[0].time_utc == datetime(2012, 7, 14, 13, 30, 12, 680000, tzinfo=timezone.utc)


# --- the time rule ----------------------------------------------------------------------

PARIS = (48.8566, 2.3522)


def _photo(name: str, wall: datetime, zone: str | None = "+02:00", located: bool = False,
           **raw: object) -> Photo:
    lat, lon = PARIS if located else (None, None)
    fields: dict[str, object] = {"datetime_original": wall, "time_field": "exif",
                                 "camera_zone": zone, **raw}
    return Photo(name, lat=lat, lon=lon, camera="NIKON D90", raw=RawTimes(**fields))  # type: ignore[arg-type]


def _resolve(*photos: Photo) -> tuple[dict[str, Photo], list[str]]:
    done, warnings = times.resolve(list(photos), times.TimeSettings(),
                                   lambda lat, lon: "Europe/Paris")
    return {p.path: p for p in done}, warnings


# catches: the fixed zone not kept (an unlocated photo shown in UTC or with no local time)
def test_camera_zone_unlocated_shows_that_offset():
    done, _ = _resolve(_photo("a", WHEN))
    assert done["a"].time_source == "camera_zone"
    assert done["a"].time_local.isoformat() == "2024-07-14T16:30:12+02:00"
    assert done["a"].timezone is None


# catches: a located photo shown in the camera's offset instead of its position's zone,
# and camera_zone left out of the clock warnings
def test_camera_zone_located_shows_position_zone_and_warns_when_off():
    done, warnings = _resolve(_photo("a", WHEN, "+09:00", located=True))
    assert done["a"].time_source == "camera_zone"
    assert done["a"].time_utc == datetime(2024, 7, 14, 7, 30, 12, tzinfo=timezone.utc)
    assert done["a"].time_local.isoformat() == "2024-07-14T09:30:12+02:00"
    assert done["a"].timezone == "Europe/Paris"
    assert warnings == ["NIKON D90 clock appears set to UTC+09:00; "
                        "times were corrected to the local zone"]


# catches: camera_zone ahead of offset_tag, or behind gps_utc
def test_precedence_offset_tag_then_camera_zone_then_gps():
    gps = (WHEN - timedelta(hours=5)).replace(tzinfo=timezone.utc)
    done, _ = _resolve(_photo("tag", WHEN, offset_original="+01:00"),
                       _photo("gps", WHEN + timedelta(days=3), gps_utc=gps))
    assert done["tag"].time_source == "offset_tag"
    assert done["gps"].time_source == "camera_zone"
    assert done["gps"].time_local.isoformat() == "2024-07-17T16:30:12+02:00"


# catches: the zone applied to a time the camera did not write (a sidecar's, XMP's)
def test_camera_zone_only_for_the_cameras_own_time():
    done, _ = _resolve(_photo("side", WHEN, time_field="sidecar"))
    assert done["side"].time_source == "floating"


# catches: an offset no zone has used as a zone
def test_odd_camera_zone_is_not_used():
    done, _ = _resolve(_photo("odd", WHEN, "+13:15"))
    assert done["odd"].time_source == "floating"


# catches: camera_zone fixes not feeding the camera profile (rule 5)
def test_camera_zone_lends_to_the_cameras_photos_without_one():
    done, _ = _resolve(_photo("zoned", WHEN), _photo("plain", WHEN + timedelta(hours=2), None))
    assert done["plain"].time_source == "camera_profile"
    assert done["plain"].time_local.isoformat() == "2024-07-14T18:30:12+02:00"


# --- the index --------------------------------------------------------------------------


# catches: a new field not packed, or packed and not unpacked, or not checked
def test_index_keeps_zone_and_serial():
    photo = Photo("/x.jpg", camera="Canon EOS R6",
                  raw=RawTimes(datetime_original=WHEN, camera_zone="-03:30", serial="0042"))
    back = index.unpack("/x.jpg", index.pack(photo))
    assert back.raw.camera_zone == "-03:30" and back.raw.serial == "0042"
    fields = json.loads(index.pack(photo))
    for bad in ("Tokyo", "+9:00", "+０９:00", 930):
        fields[-2] = bad
        with pytest.raises(index.BadRecord):
            index.unpack("/x.jpg", json.dumps(fields))
    fields[-2], fields[-1] = None, ["x"]
    with pytest.raises(index.BadRecord):
        index.unpack("/x.jpg", json.dumps(fields))
