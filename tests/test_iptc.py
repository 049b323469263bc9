"""IPTC IIM DateCreated + TimeCreated in a JPEG's APP13 segment (issue 12): the capture time
when neither EXIF nor XMP has one."""

from __future__ import annotations

import struct
from datetime import date, datetime, timezone

import pytest
from test_xmp import jpeg, packet, segment, xmp_app1

from tripexif.clock.times import TimeSettings, resolve
from tripexif.reading import iptc
from tripexif.reading.reader import read_photo

from synth import Exif


def dataset(number: int, value: bytes, record: int = 2) -> bytes:
    return bytes([0x1C, record, number]) + struct.pack(">H", len(value)) + value


def resource(resource_id: int, data: bytes, name: bytes = b"") -> bytes:
    pascal = bytes([len(name)]) + name
    pascal += b"\x00" * (len(pascal) % 2)
    return (b"8BIM" + struct.pack(">H", resource_id) + pascal + struct.pack(">I", len(data))
            + data + b"\x00" * (len(data) % 2))


def app13(*resources: bytes) -> bytes:
    return segment(0xED, b"Photoshop 3.0\x00" + b"".join(resources))


def iim(day: bytes | None = b"20061029", clock: bytes | None = b"062751-0500") -> bytes:
    data = dataset(0, b"\x00\x04")  # record version
    if day is not None:
        data += dataset(55, day)
    if clock is not None:
        data += dataset(60, clock)
    return data


def read(tmp_path, data: bytes):
    path = tmp_path / "a.jpg"
    path.write_bytes(data)
    return read_photo(str(path))


def test_time_only_in_iptc(tmp_path):
    photo = read(tmp_path, jpeg(None, app13(resource(0x0404, iim()))))
    raw = photo.raw
    assert (raw.datetime_original, raw.offset_original, raw.time_field) == (
        datetime(2006, 10, 29, 6, 27, 51), "-05:00", "iptc")
    [done], _ = resolve([photo], TimeSettings(), lambda lat, lon: None)
    assert done.time_source == "offset_tag"
    assert done.time_utc == datetime(2006, 10, 29, 11, 27, 51, tzinfo=timezone.utc)


def test_resource_after_others_with_a_name(tmp_path):
    """0x0404 found after other resources, past a padded Pascal name and an odd size."""
    data = app13(resource(0x03ED, b"\x01\x02\x03", name=b"res"), resource(0x0404, iim()))
    assert read(tmp_path, jpeg(None, data)).raw.time_field == "iptc"


def test_resources_split_across_app13_segments(tmp_path):
    whole = resource(0x03ED, b"\x00" * 40) + resource(0x0404, iim())
    first = segment(0xED, b"Photoshop 3.0\x00" + whole[:30])
    second = segment(0xED, b"Photoshop 3.0\x00" + whole[30:])
    assert read(tmp_path, jpeg(None, first, second)).raw.offset_original == "-05:00"


def test_exif_time_wins_and_iptc_lends_an_offset_for_the_same_wall_clock(tmp_path):
    dto = Exif(datetime_original=datetime(2006, 10, 29, 6, 27, 51))
    raw = read(tmp_path, jpeg(dto, app13(resource(0x0404, iim())))).raw
    assert (raw.time_field, raw.offset_original, raw.offset_lent) == ("exif", None, "-05:00")
    other = Exif(datetime_original=datetime(2006, 10, 29, 7, 27, 51))
    raw = read(tmp_path, jpeg(other, app13(resource(0x0404, iim())))).raw
    assert (raw.datetime_original, raw.offset_lent) == (datetime(2006, 10, 29, 7, 27, 51), None)


def test_xmp_time_wins_over_iptc(tmp_path):
    data = jpeg(None, xmp_app1(packet('photoshop:DateCreated="2006-10-29T06:27:51-05:00"')),
                app13(resource(0x0404, iim(b"20000101", b"100000+0000"))))
    raw = read(tmp_path, data).raw
    assert (raw.datetime_original, raw.time_field) == (datetime(2006, 10, 29, 6, 27, 51), "xmp")


def test_iptc_on_the_day_xmp_gives_alone(tmp_path):
    """Photo Mechanic: XMP photoshop:DateCreated "2006-10-29", IPTC the time that day."""
    data = jpeg(None, xmp_app1(packet('photoshop:DateCreated="2006-10-29"')),
                app13(resource(0x0404, iim())))
    raw = read(tmp_path, data).raw
    assert (raw.datetime_original, raw.time_field) == (datetime(2006, 10, 29, 6, 27, 51), "iptc")


@pytest.mark.parametrize(("day", "clock", "want"), [
    (b"20061029", None, (date(2006, 10, 29), None, None)),
    (b"20061029", b"062751", (date(2006, 10, 29), datetime(2006, 10, 29, 6, 27, 51), None)),
    (b"20061029", b"06:27:51+01:00", (date(2006, 10, 29), datetime(2006, 10, 29, 6, 27, 51),
                                      "+01:00")),
    (b"20061029", b"256000", (date(2006, 10, 29), None, None)),
    (None, b"062751", None),
    (b"20061329", b"062751", None),
    (b"", b"", None),
])
def test_date_and_time_forms(day, clock, want):
    stamp = iptc.capture_time(resource(0x0404, iim(day, clock)))
    assert (None if stamp is None else (stamp.day, stamp.wall, stamp.offset)) == want


def test_a_day_alone_is_no_capture_time(tmp_path):
    raw = read(tmp_path, jpeg(None, app13(resource(0x0404, iim(clock=None))))).raw
    assert (raw.datetime_original, raw.time_field) == (None, None)


def test_extended_dataset_and_other_records_are_stepped_over():
    big = bytes([0x1C, 2, 202]) + struct.pack(">H", 0x8002) + struct.pack(">H", 300) + b"x" * 300
    data = dataset(55, b"19990101", record=1) + big + iim()
    stamp = iptc.capture_time(resource(0x0404, data))
    assert stamp is not None and stamp.wall == datetime(2006, 10, 29, 6, 27, 51)


@pytest.mark.parametrize("junk", [b"", b"8BIM", b"8BIM\x04\x04\x00\x00\xff\xff\xff\xff",
                                  b"XXXX" + b"\x00" * 20, resource(0x0404, b"\x1c\x02")])
def test_damaged_resources_are_no_time(junk):
    assert iptc.capture_time(junk) is None


@pytest.mark.corpus
def test_photomechanic_in_the_corpus(corpus):
    raw = read_photo(str(corpus / "exiftool" / "t" / "images" / "PhotoMechanic.jpg")).raw
    assert (raw.datetime_original, raw.offset_original, raw.time_field) == (
        datetime(2006, 10, 29, 6, 27, 51), "-05:00", "iptc")
