"""XMP: capture time, offset and position from the packet embedded in JPEG, TIFF, HEIF,
PNG and WebP files (issue 12), read safely, and only when EXIF lacks what it gives."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import zlib
from datetime import datetime, timezone

import pytest

from tripexif.clock.times import TimeSettings, resolve
from tripexif.reading import containers, exif, xmp
from tripexif.reading.reader import read_photo

import synth
from synth import Exif

NS = ('xmlns:x="adobe:ns:meta/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
      'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
      'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
      'xmlns:xmp="http://ns.adobe.com/xap/1.0/"')


def packet(attributes: str = "", elements: str = "", *, wrapper: bool = True) -> bytes:
    """An XMP packet with one rdf:Description holding ``attributes`` and ``elements``."""
    body = (f'<x:xmpmeta {NS}><rdf:RDF><rdf:Description rdf:about="" {attributes}>'
            f"{elements}</rdf:Description></rdf:RDF></x:xmpmeta>")
    if wrapper:
        body = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + body
                + "\n" + " " * 200 + '\n<?xpacket end="w"?>')
    return body.encode("utf-8")


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(exif_fields: Exif | None, *after_exif: bytes) -> bytes:
    """A real JPEG with ``exif_fields`` (if any), then the given segments."""
    data = synth.jpeg_bytes(exif_fields)
    at = 2
    if exif_fields is not None:  # just after the Exif APP1 segment
        at += 2 + struct.unpack(">H", data[4:6])[0]
    return data[:at] + b"".join(after_exif) + data[at:]


def xmp_app1(data: bytes) -> bytes:
    return segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + data)


def read(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return read_photo(str(path))


def instant(photo):
    [done], _ = resolve([photo], TimeSettings(), lambda lat, lon: None)
    return done


# --- the packet ------------------------------------------------------------------------------


def test_attribute_and_element_forms():
    attr = xmp.parse(packet('exif:DateTimeOriginal="2008-05-04T16:47:24.5+09:00"'))
    elem = xmp.parse(packet(elements="<exif:DateTimeOriginal>2008-05-04T16:47:24.5+09:00"
                                     "</exif:DateTimeOriginal>"))
    want = xmp.Stamp(datetime(2008, 5, 4).date(), datetime(2008, 5, 4, 16, 47, 24, 500000),
                     "+09:00")
    assert attr is not None and attr.times == (want,)
    assert elem is not None and elem.times == (want,)


@pytest.mark.parametrize(("text", "wall", "offset"), [
    ("2003-09-05T16:30+02:00", datetime(2003, 9, 5, 16, 30), "+02:00"),
    ("2009-06-16T14:57:56Z", datetime(2009, 6, 16, 14, 57, 56), "+00:00"),
    ("2008:05:25 19:31:26.0+1:00", datetime(2008, 5, 25, 19, 31, 26), "+01:00"),
    ("2018-07-25T16:34:22.173129472", datetime(2018, 7, 25, 16, 34, 22, 173129), None),
    ("2010-04-21T16:50:46-0500", datetime(2010, 4, 21, 16, 50, 46), "-05:00"),
    ("2010-04-21T16:50:46+15:00", datetime(2010, 4, 21, 16, 50, 46), None),
    ("2003-08-31", None, None),
])
def test_iso_dates(text, wall, offset):
    stamp = xmp.parse_time(text)
    assert stamp is not None and (stamp.wall, stamp.offset) == (wall, offset)


@pytest.mark.parametrize("text", ["2003", "2003-09", "2003-02-30T10:00:00", "yesterday", ""])
def test_partial_or_impossible_dates_are_no_time(text):
    assert xmp.parse_time(text) is None


def test_position_forms():
    found = xmp.parse(packet('exif:GPSLatitude="48,51.4083N" exif:GPSLongitude="2,17,40.2W" '
                             'exif:GPSAltitude="3692/100" exif:GPSAltitudeRef="1"'))
    assert found is not None
    assert found.lat == pytest.approx(48 + 51.4083 / 60)
    assert found.lon == pytest.approx(-(2 + 17 / 60 + 40.2 / 3600))
    assert found.alt == pytest.approx(-36.92)
    south = xmp.parse(packet(elements="<exif:GPSLatitude>33,52.0S</exif:GPSLatitude>"
                                      "<exif:GPSLongitude>151,12.5E</exif:GPSLongitude>"))
    assert south is not None and (south.lat, south.lon) == pytest.approx((-33 - 52 / 60,
                                                                          151 + 12.5 / 60))


@pytest.mark.parametrize(("lat", "lon", "reason"), [
    ("95,0.0N", "10,0.0E", "beyond ±90°"),
    ("48,51.4E", "2,17.6E", "reference 'E' is not N/S"),
    ("48.8", "2,17.6E", "is not degrees, minutes and N/S/E/W"),
    ("0,0.0N", "0,0.0E", "exactly 0°, 0°"),
])
def test_impossible_positions_are_noted(lat, lon, reason):
    found = xmp.parse(packet(f'exif:GPSLatitude="{lat}" exif:GPSLongitude="{lon}"'))
    assert found is not None and found.lat is None and reason in (found.gps_note or "")


def test_entities_are_never_expanded():
    """A DTD is refused before parsing: an internal entity would otherwise become the time
    (and a billion-laughs one, memory)."""
    doctype = b'<!DOCTYPE x [<!ENTITY when "2008-05-04T16:47:24">]>\n'
    hostile = doctype + packet('exif:DateTimeOriginal="&when;"', wrapper=False)
    assert xmp.parse(hostile) is None
    assert xmp.parse(hostile.replace(b"<!DOCTYPE", b"<!doctype")) is None


def test_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("2008-05-04T16:47:24")
    hostile = (f'<!DOCTYPE x [<!ENTITY when SYSTEM "file://{secret}">]>'.encode()
               + packet('exif:DateTimeOriginal="&when;"', wrapper=False))
    assert xmp.parse(hostile) is None


def test_oversized_packet_is_not_parsed():
    big = packet('exif:DateTimeOriginal="2008-05-04T16:47:24"', wrapper=False)
    assert xmp.parse(big + b" " * (containers.MAX_XMP - len(big))) is not None
    assert xmp.parse(big + b" " * (containers.MAX_XMP + 1 - len(big))) is None


@pytest.mark.parametrize("broken", [
    b"<x:xmpmeta><rdf:RDF>",  # truncated
    b"not xml at all \x00\xff",
    b"",
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'>\u00e9</x:xmpmeta>".encode("latin-1"),
])
def test_malformed_packets_are_ignored(broken):
    found = xmp.parse(broken)
    assert found is None or found == xmp.Found()


def test_tail_of_an_older_packet_after_the_end_is_ignored():
    """Some writers leave the end of a longer, older packet after </x:xmpmeta> (a real PNG:
    metadata-extractor's 'Issue 356 (dotnet).png'); ExifTool reads those, and so do we."""
    data = packet('exif:DateTimeOriginal="1988-12-01T18:53:44"', wrapper=False)
    found = xmp.parse(data + b"\nli>\n  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n")
    assert found is not None and found.times[0].wall == datetime(1988, 12, 1, 18, 53, 44)


def test_utf16_packet():
    text = packet('exif:DateTimeOriginal="2008-05-04T16:47:24+09:00"').decode()
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        found = xmp.parse(text.encode(encoding))
        assert found is not None and found.times[0].offset == "+09:00", encoding


def test_first_description_with_a_property_wins():
    data = (f'<x:xmpmeta {NS}><rdf:RDF>'
            '<rdf:Description rdf:about="" xmp:CreateDate="2001-01-01T00:00:00"/>'
            '<rdf:Description rdf:about="" exif:DateTimeOriginal="2002-02-02T10:00:00"/>'
            '<rdf:Description rdf:about="" exif:DateTimeOriginal="2003-03-03T10:00:00"/>'
            "</rdf:RDF></x:xmpmeta>").encode()
    found = xmp.parse(data)
    assert found is not None
    assert [s.wall for s in found.times] == [datetime(2002, 2, 2, 10), datetime(2001, 1, 1)]


# --- precedence (exif.metadata) ------------------------------------------------------------


def meta(tags=None, data: bytes | None = None) -> exif.Metadata:
    tags = dict(tags or {})
    if data is not None:
        tags[exif.XMP_KEY] = data
    return exif.metadata(tags)


def test_xmp_time_precedence_in_the_packet():
    """exif:DateTimeOriginal, then photoshop:DateCreated, then xmp:CreateDate, whatever
    their order in the packet."""
    data = packet('xmp:CreateDate="2010-01-01T10:00:00" '
                  'photoshop:DateCreated="2009-01-01T10:00:00" '
                  'exif:DateTimeOriginal="2008-01-01T10:00:00"')
    assert meta(data=data).raw.datetime_original == datetime(2008, 1, 1, 10)
    data = packet('xmp:CreateDate="2010-01-01T10:00:00" '
                  'photoshop:DateCreated="2009-01-01T10:00:00"')
    assert meta(data=data).raw.datetime_original == datetime(2009, 1, 1, 10)


def test_a_day_alone_is_no_time_and_rules_out_other_days():
    """photoshop:DateCreated "1985-11-25" and xmp:CreateDate in 2010 (a real IPTC example
    file): the 2010 time is the scan's, not the photo's. On the same day, it is taken."""
    other_day = packet('photoshop:DateCreated="1985-11-25" '
                       'xmp:CreateDate="2010-04-21T16:50:46-05:00"')
    assert meta(data=other_day).raw.datetime_original is None
    same_day = packet('photoshop:DateCreated="2010-04-21" '
                      'xmp:CreateDate="2010-04-21T16:50:46-05:00"')
    raw = meta(data=same_day).raw
    assert (raw.datetime_original, raw.offset_original, raw.time_field) == (
        datetime(2010, 4, 21, 16, 50, 46), "-05:00", "xmp")


def test_xmp_is_not_parsed_when_exif_has_everything(tmp_path, monkeypatch):
    """No cost for a photo whose EXIF has time, offset and position: the packet stays
    unparsed."""
    def refuse(data):
        raise AssertionError("XMP parsed")

    monkeypatch.setattr(xmp, "parse", refuse)
    full = Exif(datetime_original=datetime(2024, 5, 1, 9), offset_original="+02:00",
                lat=45.0, lon=7.0)
    data = jpeg(full, xmp_app1(packet('exif:DateTimeOriginal="2020-01-01T00:00:00"')))
    photo = read(tmp_path, "a.jpg", data)
    assert photo.error is None and photo.raw.time_field == "exif"


# --- in each container -----------------------------------------------------------------------


def test_jpeg_with_a_time_only_in_xmp(tmp_path):
    photo = read(tmp_path, "a.jpg", jpeg(None, xmp_app1(
        packet('xmp:CreateDate="2005-09-07T15:07:40-07:00"'))))
    assert photo.raw.datetime_original == datetime(2005, 9, 7, 15, 7, 40)
    assert (photo.raw.offset_original, photo.raw.time_field) == ("-07:00", "xmp")
    done = instant(photo)
    assert done.time_source == "offset_tag"
    assert done.time_utc == datetime(2005, 9, 7, 22, 7, 40, tzinfo=timezone.utc)


def test_exif_time_wins_and_xmp_lends_its_offset_for_the_same_wall_clock(tmp_path):
    """Nikon D70 style: EXIF 09:52:01 without offset, XMP 09:52:01.5-04:00."""
    dto = Exif(datetime_original=datetime(2008, 3, 15, 9, 52, 1))
    same = xmp_app1(packet('exif:DateTimeOriginal="2008-03-15T09:52:01.50-04:00" '
                           'xmp:CreateDate="2001-01-01T00:00:00+09:00"'))
    photo = read(tmp_path, "a.jpg", jpeg(dto, same))
    raw = photo.raw
    assert (raw.datetime_original, raw.time_field) == (datetime(2008, 3, 15, 9, 52, 1), "exif")
    assert (raw.offset_original, raw.offset_lent) == (None, "-04:00")
    done = instant(photo)
    assert done.time_source == "offset_tag"
    assert done.time_utc == datetime(2008, 3, 15, 13, 52, 1, tzinfo=timezone.utc)


def test_an_xmp_offset_for_another_wall_clock_is_not_lent(tmp_path):
    dto = Exif(datetime_original=datetime(2008, 3, 15, 9, 52, 1))
    other = xmp_app1(packet('exif:DateTimeOriginal="2008-03-15T10:52:01-04:00"'))
    photo = read(tmp_path, "a.jpg", jpeg(dto, other))
    assert photo.raw.datetime_original == datetime(2008, 3, 15, 9, 52, 1)
    assert (photo.raw.offset_lent, instant(photo).time_source) == (None, "floating")


def test_exif_offset_is_kept(tmp_path):
    dto = Exif(datetime_original=datetime(2008, 3, 15, 9, 52, 1), offset_original="+01:00")
    other = xmp_app1(packet('exif:DateTimeOriginal="2008-03-15T09:52:01-04:00"'))
    raw = read(tmp_path, "a.jpg", jpeg(dto, other)).raw
    assert (raw.offset_original, raw.offset_lent) == ("+01:00", None)


def test_xmp_position_when_exif_has_none(tmp_path):
    dto = Exif(datetime_original=datetime(2008, 3, 15, 9, 52, 1))
    gps = xmp_app1(packet('exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0E" '
                          'exif:GPSAltitude="35"'))
    photo = read(tmp_path, "a.jpg", jpeg(dto, gps))
    assert (photo.lat, photo.lon, photo.alt) == pytest.approx((48.86, 2.35, 35.0))
    assert (photo.raw.gps_field, photo.gps_note) == ("xmp", None)


def test_exif_position_wins(tmp_path):
    located = Exif(datetime_original=datetime(2008, 3, 15, 9), lat=10.5, lon=20.5)
    gps = xmp_app1(packet('exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0E"'))
    photo = read(tmp_path, "a.jpg", jpeg(located, gps))
    assert (photo.lat, photo.lon, photo.raw.gps_field) == (pytest.approx(10.5),
                                                          pytest.approx(20.5), "exif")


def test_xmp_position_replaces_an_impossible_exif_one(tmp_path):
    broken = Exif(datetime_original=datetime(2008, 3, 15, 9), lat=10.5, lon=20.5, lat_ref=None)
    gps = xmp_app1(packet('exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0E"'))
    photo = read(tmp_path, "a.jpg", jpeg(broken, gps))
    assert (photo.lat, photo.raw.gps_field, photo.gps_note) == (pytest.approx(48.86), "xmp",
                                                                None)


def test_jpeg_xmp_before_exif(tmp_path):
    data = synth.jpeg_bytes(Exif(datetime_original=datetime(2008, 3, 15, 9, 52, 1)),
                            xmp_before=packet('exif:DateTimeOriginal="2008-03-15T09:52:01Z"'))
    assert read(tmp_path, "a.jpg", data).raw.offset_lent == "+00:00"


def test_tiff_xmlpacket(tmp_path):
    """TIFF and DNG keep XMP in IFD0's tag 700 (XMLPacket)."""
    data = packet('photoshop:DateCreated="2005-08-03T18:59:18-04:00"')
    tiff = (b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1)
            + struct.pack("<HHII", 700, 1, len(data), 26) + struct.pack("<I", 0) + data)
    photo = read(tmp_path, "a.tif", tiff)
    assert photo.error is None
    assert (photo.raw.datetime_original, photo.raw.offset_original) == (
        datetime(2005, 8, 3, 18, 59, 18), "-04:00")


def test_heif_xmp_item(tmp_path):
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    synth._image(0, (64, 64)).save(out, "HEIF", quality=40, xmp=packet(
        'exif:DateTimeOriginal="2021-04-11T15:47:53-05:00"'))
    photo = read(tmp_path, "a.heic", out.getvalue())
    assert (photo.raw.datetime_original, photo.raw.offset_original) == (
        datetime(2021, 4, 11, 15, 47, 53), "-05:00")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def with_png_chunk(chunk: bytes) -> bytes:
    data = synth.png_bytes(None)
    at = 8 + 8 + 13 + 4  # after IHDR
    return data[:at] + chunk + data[at:]


@pytest.mark.parametrize("compressed", [False, True])
def test_png_itxt(tmp_path, compressed):
    text = packet('xmp:CreateDate="2009-06-16T14:57:56Z"')
    body = zlib.compress(text) if compressed else text
    chunk = png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00" + bytes([compressed, 0]) + b"\x00\x00"
                      + body)
    photo = read(tmp_path, "a.png", with_png_chunk(chunk))
    assert (photo.raw.datetime_original, photo.raw.time_field) == (
        datetime(2009, 6, 16, 14, 57, 56), "xmp")


def test_png_imagemagick_hex_profile(tmp_path):
    text = packet('xmp:CreateDate="2008-12-15T10:48:49+01:00"')
    profile = b"\nxmp\n" + str(len(text)).encode().rjust(8) + b"\n" + text.hex().encode() + b"\n"
    chunk = png_chunk(b"zTXt", b"Raw profile type xmp\x00\x00" + zlib.compress(profile))
    photo = read(tmp_path, "a.png", with_png_chunk(chunk))
    assert photo.raw.offset_original == "+01:00"


def test_png_broken_compressed_xmp_costs_only_the_xmp(tmp_path):
    chunk = png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00not zlib")
    photo = read(tmp_path, "a.png", with_png_chunk(chunk))
    assert photo.error is None and photo.raw.datetime_original is None


def test_webp_xmp_chunk(tmp_path):
    data = synth.webp_bytes(Exif(datetime_original=datetime(2010, 10, 21, 11, 22, 48)))
    text = packet('exif:DateTimeOriginal="2010-10-21T11:22:48+01:00"')
    chunk = b"XMP " + struct.pack("<I", len(text)) + text + (b"\x00" if len(text) % 2 else b"")
    data = data + chunk
    data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    photo = read(tmp_path, "a.webp", data)
    assert (photo.raw.time_field, photo.raw.offset_lent) == ("exif", "+01:00")


def test_oversized_webp_xmp_chunk_is_not_read(tmp_path):
    text = packet('exif:DateTimeOriginal="2010-10-21T11:22:48+01:00"')
    text += b" " * (containers.MAX_XMP + 1 - len(text))
    data = synth.webp_bytes(None)
    data += b"XMP " + struct.pack("<I", len(text)) + text + (b"\x00" if len(text) % 2 else b"")
    data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    with open(tmp_path / "a.webp", "wb") as fh:
        fh.write(data)
    with open(tmp_path / "a.webp", "rb") as fh:
        found = containers.locate(fh, len(data), data[:512])
    assert found.xmp is None


# --- the corpus ------------------------------------------------------------------------------

# ExifTool's capture time fields, in tripexif's order of precedence (README, "How times are
# worked out"); IPTC is DateCreated + TimeCreated
EXIFTOOL_FIELDS = ("ExifIFD:DateTimeOriginal", "IFD0:DateTimeOriginal",
                   "XMP-exif:DateTimeOriginal", "XMP-photoshop:DateCreated",
                   "XMP-xmp:CreateDate", "IPTC")
# files where ExifTool shows a capture time and tripexif has none, or another wall clock.
# (A day without a time of day is no capture time for either side: exiftool/t/images/IPTC.jpg
# and ExifTool.tif have an IPTC DateCreated alone, 'Issue 204 (dotnet).png' a day-only
# xmp:CreateDate; tripexif gives them no time.)
EXCEPTIONS = {
    "exiftool/t/images/SigmaDP2.x3f": "Sigma X3F is not read (the file is listed as skipped)",
    # the day the photo was taken is given alone; the later time is another day's (a scan)
    "exifr/test/fixtures/iptc-independent-photographer-example.jpg":
        "photoshop:DateCreated 1985-11-25 alone; xmp:CreateDate is 2010",
    "exif-samples/jpg/long_description.jpg":
        "photoshop:DateCreated 2003-08-31 alone; xmp:CreateDate is 2005-12-17",
    "exifr/test/fixtures/Bush-dog.tif":
        "photoshop:DateCreated 2003-08-30 alone; xmp:CreateDate is 2003-09-05; "
        "IPTC is not read from TIFF",
    "exifr/test/fixtures/Bush-dog.jpg":
        "photoshop:DateCreated 2003-08-30 alone rules out xmp:CreateDate 2003-09-05 (a scan); "
        "the IPTC time on 2003-08-30 (00:00:00) is taken",
}
VIDEOS = (".mp4", ".mov", ".m4v", ".3gp", ".3g2")  # container times, read by quicktime.py


def _exiftool_times(corpus) -> list[dict[str, str]]:
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed")
    result = subprocess.run(
        ["exiftool", "-q", "-q", "-r", "-ext", "*", "-json", "-G1", "-a",
         "-DateTimeOriginal", "-CreateDate", "-DateCreated", "-TimeCreated", "."],
        cwd=corpus, capture_output=True, check=False, timeout=600,
    )
    return json.loads(result.stdout or b"[]")


def _wall(text: str) -> datetime | None:
    stamp = xmp.parse_time(text)
    return stamp.wall.replace(microsecond=0) if stamp is not None and stamp.wall else None


def _expected(row: dict[str, str]) -> tuple[str, datetime] | None:
    """The first of ExifTool's fields that holds a wall clock (a day alone is skipped)."""
    for field in EXIFTOOL_FIELDS:
        if field == "IPTC":
            day, clock = row.get("IPTC:DateCreated"), row.get("IPTC:TimeCreated")
            text = f"{day} {clock}" if day and clock else None
        else:
            text = row.get(field)
        wall = _wall(str(text)) if text else None
        if wall is not None:
            return field, wall
    return None


@pytest.mark.corpus
def test_every_capture_time_exiftool_finds_is_read(corpus):
    """Every file where ExifTool shows a capture time in EXIF, XMP or IPTC has one in
    tripexif too, on the same wall clock (to the second), but for the EXCEPTIONS."""
    wrong = []
    seen = set()
    for row in _exiftool_times(corpus):
        path = row["SourceFile"].removeprefix("./")
        expected = _expected(row)
        if expected is None or path.lower().endswith(VIDEOS):
            continue
        seen.add(path)
        photo = read_photo(str(corpus / path))
        got = photo.raw.datetime_original
        got = got.replace(microsecond=0) if got else None
        if path in EXCEPTIONS:
            continue
        if got != expected[1]:
            wrong.append(f"{path}: {got} != {expected[1]} ({expected[0]}) {photo.error or ''}")
    assert wrong == []
    assert len(seen) > 150
    assert set(EXCEPTIONS) <= seen, "an exception no longer applies: remove it"


@pytest.mark.corpus
def test_xmp_times_and_offsets_in_the_corpus(corpus):
    jpg = corpus / "exif-samples" / "jpg"
    cases = {
        jpg / "xmp" / "BlueSquare.jpg": ("xmp", datetime(2005, 9, 7, 15, 7, 40), "-07:00", None),
        jpg / "xmp" / "no_exif.jpg": ("xmp", datetime(2013, 9, 23, 10, 9, 46), "+02:00", None),
        jpg / "Nikon_D70.jpg": ("exif", datetime(2008, 3, 15, 9, 52, 1), None, "-04:00"),
        jpg / "Pentax_K10D.jpg": ("exif", datetime(2008, 5, 4, 16, 47, 24), None, "+09:00"),
    }
    for path, want in cases.items():
        raw = read_photo(str(path)).raw
        got = (raw.time_field, raw.datetime_original, raw.offset_original, raw.offset_lent)
        assert got == want, path
