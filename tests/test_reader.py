"""Reading real files of every container format written with known EXIF."""

import struct
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from tripexif.reading import containers
from tripexif.reading.reader import read_photo

import synth

TRIP = synth.Exif(
    make="FUJIFILM", model="X-T5", datetime_original=datetime(2025, 4, 2, 9, 10, 0), subsec="25",
    offset_original="+09:00", lat=35.0037, lon=135.7788, alt=45.5,
    gps_utc=datetime(2025, 4, 2, 0, 9, 58, tzinfo=timezone.utc),
)


def _check(photo):
    assert photo.error is None and photo.skipped is None
    assert photo.lat == pytest.approx(35.0037, abs=1e-7)
    assert photo.lon == pytest.approx(135.7788, abs=1e-7)
    assert photo.alt == 45.5
    assert photo.camera == "FUJIFILM X-T5"
    assert photo.raw.datetime_original == datetime(2025, 4, 2, 9, 10, 0, 250000)
    assert photo.raw.offset_original == "+09:00"
    assert photo.raw.gps_utc == datetime(2025, 4, 2, 0, 9, 58, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", ["a.jpg", "a.heic", "a.png", "a.webp"])
def test_every_container_format(make_photo, name):
    _check(read_photo(str(make_photo(name, TRIP))))


def test_webp_with_exif_prefix(make_photo):
    _check(read_photo(str(make_photo("b.webp", TRIP, exif_prefix=True))))


def test_jpeg_whose_exif_follows_a_large_xmp_segment(make_photo):
    _check(read_photo(str(make_photo("x.jpg", TRIP, xmp_before=b"<x:xmpmeta/>" * 5000))))


def test_bare_tiff_file(tmp_path):
    path = tmp_path / "scan.tif"
    path.write_bytes(synth.tiff_block(TRIP))
    _check(read_photo(str(path)))


def test_offset_time_of_the_modify_date_is_ignored(make_photo):
    exif = synth.Exif(datetime_original="2025:04:02 09:10:00", offset_time="+01:00")
    assert read_photo(str(make_photo("a.jpg", exif))).raw.offset_original is None


@pytest.mark.parametrize("text", ["    :  :     :  :  ", "0000:00:00 00:00:00", "", "garbage",
                                  "2025:13:45 10:00:00"])
def test_blank_or_garbled_dates_are_none(make_photo, text):
    photo = read_photo(str(make_photo("a.jpg", synth.Exif(datetime_original=text))))
    assert photo.error is None
    assert photo.raw.datetime_original is None


@pytest.mark.parametrize(("exif", "note"), [
    (synth.Exif(raw_lat=[(43, 1), (28, 0), (0, 1)], raw_lon=[(11, 1), (0, 1), (0, 1)],
                lat_ref="N", lon_ref="E"), "zero denominator"),
    (synth.Exif(lat=43.5, lon=11.2, lat_ref=None), "latitude reference"),
    (synth.Exif(raw_lat=[(0, 1)] * 3, raw_lon=[(0, 1)] * 3, lat_ref="S", lon_ref="W"),
     "exactly 0°, 0°"),
    (synth.Exif(raw_lat=[(95, 1), (0, 1), (0, 1)], raw_lon=[(1, 1)] * 3, lat_ref="N",
                lon_ref="E"), "beyond ±90°"),
])
def test_impossible_gps_is_dropped_and_explained(make_photo, exif, note):
    photo = read_photo(str(make_photo("a.jpg", exif)))
    assert photo.error is None
    assert photo.lat is None and photo.lon is None
    assert note in photo.gps_note


def test_photo_without_exif(make_photo):
    photo = read_photo(str(make_photo("plain.jpg", None)))
    assert photo.ok and not photo.located and photo.raw.datetime_original is None


@pytest.mark.parametrize("cut", [20, 60, 120])
def test_truncated_files_are_errors_or_empty_never_crashes(make_photo, tmp_path, cut):
    data = make_photo("a.heic", TRIP).read_bytes()
    path = tmp_path / "cut.heic"
    path.write_bytes(data[:cut])
    photo = read_photo(str(path))
    assert photo.error is not None or not photo.located


def test_unknown_format_is_skipped_with_a_reason(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("these are my notes, not a photo")
    photo = read_photo(str(path))
    assert photo.skipped == "not a photo or video format tripexif knows"
    assert photo.error is None


def test_empty_and_missing_files_are_errors(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert read_photo(str(tmp_path / "empty.jpg")).error == "empty file"
    assert read_photo(str(tmp_path / "gone.jpg")).error == "file vanished before it could be read"


def test_camera_names_are_not_doubled(make_photo):
    def camera(make, model):
        return read_photo(str(make_photo("c.jpg", synth.Exif(make=make, model=model)))).camera

    assert camera("Canon", "Canon EOS 600D") == "Canon EOS 600D"
    assert camera("NIKON CORPORATION", "NIKON D70s") == "NIKON D70s"
    assert camera("Apple", "iPhone 7") == "Apple iPhone 7"
    assert camera(None, "X100V") == "X100V"
    assert camera(None, None) is None


def test_non_ascii_digits_in_sub_seconds_are_ignored(make_photo):
    # "²" passes str.isdigit() but not int(): the photo lost its position to an error
    photo = read_photo(str(make_photo("a.jpg", replace(TRIP, subsec="2²5"))), strict=True)
    _check(photo)


def test_dates_in_non_ascii_digits_are_garbled(make_photo):
    exif = synth.Exif(datetime_original="２０２５:０４:０２ 09:10:00")  # full-width digits
    photo = read_photo(str(make_photo("a.jpg", exif)), strict=True)
    assert photo.error is None and photo.raw.datetime_original is None


def _box(data, wanted, start=0, end=None):
    """(offset, size) of the first box of type ``wanted`` between start and end."""
    end = len(data) if end is None else end
    while start + 8 <= end:
        size, kind = struct.unpack(">I4s", data[start : start + 8])
        if kind == wanted:
            return start, size
        start += size
    raise AssertionError(f"no {wanted!r} box")


def _shrink_box(data, at, size, payload):
    """The box at ``at`` cut to ``payload``, the bytes it gave up turned into a 'free' box,
    so that no other offset in the file moves."""
    kind = data[at + 4 : at + 8]
    box = struct.pack(">I", 8 + len(payload)) + kind + payload
    free = size - len(box)
    assert free >= 8
    return data[:at] + box + struct.pack(">I", free) + b"free" + bytes(free - 8) + data[at + size :]


def _heic_boxes(data):
    meta_at, meta_size = _box(data, b"meta")
    iinf_at, iinf_size = _box(data, b"iinf", meta_at + 12, meta_at + meta_size)
    entries_at = iinf_at + 12 + (2 if data[iinf_at + 8] == 0 else 4)
    return {
        "meta": (meta_at, meta_size),
        "iloc": _box(data, b"iloc", meta_at + 12, meta_at + meta_size),
        "infe": _box(data, b"infe", entries_at, iinf_at + iinf_size),  # the image's, not Exif's
    }


@pytest.mark.parametrize("payload", [b"", b"\x02\x00\x00\x00\x00"], ids=["empty", "truncated"])
def test_heif_item_info_too_short_is_passed_over(tmp_path, payload):
    data = synth.heic_bytes(TRIP)
    at, size = _heic_boxes(data)["infe"]
    assert data[at + 16 : at + 20] == b"hvc1"  # the image item's entry, before the Exif one
    path = tmp_path / "a.heic"
    path.write_bytes(_shrink_box(data, at, size, payload))
    _check(read_photo(str(path), strict=True))


def test_heif_item_location_table_too_short_is_an_error(tmp_path):
    data = synth.heic_bytes(TRIP)
    at, size = _heic_boxes(data)["iloc"]
    path = tmp_path / "a.heic"
    path.write_bytes(_shrink_box(data, at, size, b"\x00\x00\x00"))
    assert read_photo(str(path), strict=True).error == "truncated item location table"


def test_a_bug_becomes_the_records_error_unless_strict(make_photo, monkeypatch):
    path = str(make_photo("a.jpg", TRIP))

    def buggy(*args):
        raise KeyError("planted")

    monkeypatch.setattr(containers, "locate", buggy)
    assert read_photo(path).error == "unexpected KeyError: 'planted'"  # the batch goes on
    with pytest.raises(KeyError):
        read_photo(path, strict=True)


def _mp4(creation: int) -> bytes:
    """A minimal MP4: ftyp, then moov holding an mvhd whose creation time is ``creation``."""
    import struct

    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    mvhd = box(b"mvhd", bytes(4) + struct.pack(">IIII", creation, creation, 1000, 0) + bytes(80))
    return box(b"ftyp", b"isom" + bytes(4) + b"isommp41") + box(b"moov", mvhd)


@pytest.mark.parametrize(("creation", "expected"), [
    (0xC4C289DF, "2008-08-08T23:40:15+00:00"),  # QuickTime's 1904 epoch, as the standard says
    (0x489CD95F, "2008-08-08T23:40:15+00:00"),  # counted from 1970 by mistake: not 1942
])
def test_video_creation_time_counted_from_either_epoch(tmp_path, creation, expected):
    path = tmp_path / "clip.mp4"
    path.write_bytes(_mp4(creation))
    photo = read_photo(str(path))
    assert photo.error is None and photo.kind == "video"
    assert photo.raw.create_utc.isoformat() == expected


def test_date_time_original_in_ifd0(tmp_path):
    """Some writers put DateTimeOriginal (0x9003) in IFD0 instead of the Exif IFD."""
    import struct

    text = b"2019:06:01 12:34:56\x00"
    entries = [(0x010F, 2, 6, b"Maker\x00"), (0x9003, 2, len(text), text)]
    data_at = 8 + 2 + 12 * len(entries) + 4
    ifd, data = b"", b""
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            ifd += struct.pack("<HHI4s", tag, kind, count, value.ljust(4, b"\x00"))
        else:
            ifd += struct.pack("<HHII", tag, kind, count, data_at + len(data))
            data += value
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)) + ifd + bytes(4)
    path = tmp_path / "ifd0.tif"
    path.write_bytes(tiff + data)
    photo = read_photo(str(path))
    assert photo.error is None
    assert photo.raw.datetime_original.isoformat() == "2019-06-01T12:34:56"
    assert photo.camera == "Maker"
