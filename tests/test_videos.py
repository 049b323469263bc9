"""AVCHD (MPEG-TS .MTS/.M2TS) and AVI videos: capture time, zone, position and camera.

The streams are built here: a few TS packets carrying a video PES with an H.264 SEI NAL unit
that holds an MDPM block, and RIFF AVI files with the header chunks cameras write. The
corpus files are compared with what ExifTool 12.57 reads from them (``exiftool -ee``)."""

from __future__ import annotations

import io
import random
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tripexif.clock.times import TimeSettings, resolve
from tripexif.reading import avi, mts
from tripexif.reading.reader import read_photo

# --- MPEG-TS builders ----------------------------------------------------------------------

UUID = bytes.fromhex("17ee8c60f84d11d98cd60800200c9a66")
VIDEO_PID, AUDIO_PID = 0x1011, 0x1100


def bcd(number: int) -> int:
    return number // 10 << 4 | number % 10


def date_entries(when: datetime, zone: int) -> list[tuple[int, bytes]]:
    """MDPM tags 0x18/0x19: the zone byte, then the date and time in BCD."""
    return [
        (0x18, bytes([zone, bcd(when.year // 100), bcd(when.year % 100), bcd(when.month)])),
        (0x19, bytes([bcd(when.day), bcd(when.hour), bcd(when.minute), bcd(when.second)])),
    ]


def rational(num: int, den: int) -> bytes:
    return struct.pack(">HH", num, den)


def escape(rbsp: bytes) -> bytes:
    """H.264 emulation prevention: 00 00 followed by 00-03 gets a 03 between."""
    out = bytearray()
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def sei_nal(entries: list[tuple[int, bytes]]) -> bytes:
    """An SEI NAL unit (start code included) with a user_data_unregistered MDPM message,
    after a picture-timing message as cameras write it."""
    block = UUID + b"MDPM" + bytes([len(entries)]) + b"".join(bytes([t]) + v for t, v in entries)
    size = bytes([255] * (len(block) // 255) + [len(block) % 255])
    rbsp = b"\x01\x02\x00\x00" + b"\x05" + size + block + b"\x80"
    return b"\x00\x00\x00\x01\x06" + escape(rbsp)


def elementary(entries: list[tuple[int, bytes]], before: int = 0) -> bytes:
    """Access unit delimiter, ``before`` bytes of another NAL unit, the SEI, a slice."""
    other = b"\x00\x00\x01\x0c" + b"\xff" * before if before else b""
    slice_ = b"\x00\x00\x01\x65" + bytes(range(1, 200))
    return b"\x00\x00\x00\x01\x09\xf0" + other + sei_nal(entries) + slice_


def pes(stream_id: int, payload: bytes) -> bytes:
    pts = b"\x21\x00\x01\x00\x01"
    return b"\x00\x00\x01" + bytes([stream_id]) + b"\x00\x00\x80\x80\x05" + pts + payload


def packets(pid: int, data: bytes) -> list[bytes]:
    """188-byte packets carrying ``data``, the first marked as a PES start; the last one is
    filled up with an adaptation field."""
    out = []
    first = True
    while data or first:
        piece, data = data[:184], data[184:]
        head = bytes([0x47, (0x40 if first else 0) | pid >> 8, pid & 0xFF])
        if len(piece) == 184:
            out.append(head + b"\x10" + piece)
        else:
            stuffing = 183 - len(piece)
            field = bytes([stuffing]) + (b"\x00" + b"\xff" * (stuffing - 1) if stuffing else b"")
            out.append(head + b"\x30" + field + piece)
        first = False
    return out


def crc32_mpeg(data: bytes) -> bytes:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = (crc << 1 ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return struct.pack(">I", crc)


def section(pid: int, table: bytes) -> bytes:
    """A PSI packet (PAT or PMT): pointer field, the table with its CRC, stuffing."""
    body = b"\x00" + table + crc32_mpeg(table)
    return bytes([0x47, 0x40 | pid >> 8, pid & 0xFF, 0x10]) + body + b"\xff" * (184 - len(body))


def program_tables() -> list[bytes]:
    """PAT (program 1 -> PMT on PID 0x100) and PMT (H.264 video, AC-3 audio), so that
    ExifTool reads the generated streams too."""
    pat = b"\x00\xb0\x0d\x00\x01\xc1\x00\x00\x00\x01\xe1\x00"
    streams = (b"\x1b" + struct.pack(">H", 0xE000 | VIDEO_PID) + b"\xf0\x00"
               + b"\x81" + struct.pack(">H", 0xE000 | AUDIO_PID) + b"\xf0\x00")
    pmt = (b"\x02\xb0" + bytes([9 + len(streams) + 4]) + b"\x00\x01\xc1\x00\x00"
           + struct.pack(">H", 0xE000 | VIDEO_PID) + b"\xf0\x00" + streams)
    return [section(0, pat), section(0x100, pmt)]


def transport(entries: list[tuple[int, bytes]], *, m2ts: bool = False, before: int = 0,
              lead: int = 0) -> bytes:
    """A transport stream: ``lead`` null packets, PAT and PMT, an audio PES, the video PES."""
    stream = [b"\x47\x1f\xff\x10" + b"\xff" * 184] * lead + program_tables()
    stream += packets(AUDIO_PID, pes(0xC0, b"\x0b\x77" + b"\x00" * 300))
    stream += packets(VIDEO_PID, pes(0xE0, elementary(entries, before)))
    if m2ts:
        return b"".join(struct.pack(">I", 1000 * i) + p for i, p in enumerate(stream))
    return b"".join(stream)


WHEN = datetime(2024, 7, 14, 9, 5, 30)
CORPUS_MTS = {
    # exiftool -ee: DateTimeOriginal 2019:04:24 22:24:00+02:00 DST, Make Sony, Model ILCE-7M3
    "metadata-extractor-images/mts/Sony ILCE-7M3 (A7M3).mts":
        (datetime(2019, 4, 24, 22, 24), "+02:00", "Sony ILCE-7M3"),
    # exiftool: DateTimeOriginal 2008:12:31 23:16:24+01:00, Make Canon
    "exiftool/t/images/M2TS.mts": (datetime(2008, 12, 31, 23, 16, 24), "+01:00", "Canon"),
}


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- MPEG-TS -------------------------------------------------------------------------------


@pytest.mark.parametrize("rel", sorted(CORPUS_MTS))
def test_corpus_avchd_reads_as_exiftool_does(corpus, rel):
    photo = read_photo(str(corpus / rel), strict=True)
    wall, offset, camera = CORPUS_MTS[rel]
    assert (photo.kind, photo.error, photo.skipped) == ("video", None, None)
    assert (photo.raw.datetime_original, photo.raw.offset_original, photo.camera) == (
        wall, offset, camera)
    assert photo.lat is None and photo.raw.create_utc is None


def test_the_zone_makes_it_an_offset_tag_time(corpus):
    photo = read_photo(str(corpus / "exiftool/t/images/M2TS.mts"), strict=True)
    [done], _ = resolve([photo], TimeSettings(), lambda lat, lon: None)
    assert done.time_source == "offset_tag"
    assert done.time_utc == datetime(2008, 12, 31, 22, 16, 24, tzinfo=timezone.utc)


@pytest.mark.parametrize(("zone", "offset"), [
    (0x12, "+09:00"),
    (0x0B, "+05:30"),  # half-hour flag
    (0x27, "-03:30"),  # sign, half hour: Newfoundland
    (0x2A, "-05:00"),
    (0x44, "+02:00"),  # DST flag: ExifTool shows "+02:00 DST", the offset as written
    (0x00, "+00:00"),
    (0xFF, None),  # unset: "-15:30", no zone has it
])
def test_zone_byte(tmp_path, zone, offset):
    path = write(tmp_path, "00001.MTS", transport(date_entries(WHEN, zone)))
    photo = read_photo(path, strict=True)
    assert (photo.raw.datetime_original, photo.raw.offset_original) == (WHEN, offset)
    assert photo.error is None and photo.camera is None


def test_half_hour_zone_through_the_time_stage(tmp_path):
    path = write(tmp_path, "00002.MTS", transport(date_entries(WHEN, 0x0B)))
    [done], _ = resolve([read_photo(path, strict=True)], TimeSettings(), lambda la, lo: None)
    assert done.time_source == "offset_tag"
    assert done.time_utc == (WHEN - timedelta(hours=5, minutes=30)).replace(tzinfo=timezone.utc)


def test_m2ts_packets_with_time_stamps(tmp_path):
    path = write(tmp_path, "00003.m2ts", transport(date_entries(WHEN, 0x12), m2ts=True))
    assert read_photo(path, strict=True).raw.offset_original == "+09:00"


def test_sei_split_over_packets(tmp_path):
    """The MDPM block starts in one packet and ends in the next."""
    for before in range(120, 200, 7):
        path = write(tmp_path, "00004.MTS", transport(date_entries(WHEN, 0x12), before=before))
        assert read_photo(path, strict=True).raw.datetime_original == WHEN, before


def test_emulation_prevention_bytes_are_removed(tmp_path):
    """A zero entry before the date (as Sony writes 0x14) gets a 03 byte inside it."""
    entries = [(0x14, b"\x00\x00\x00\x00"), *date_entries(WHEN, 0x12)]
    path = write(tmp_path, "00005.MTS", transport(entries))
    assert read_photo(path, strict=True).raw.datetime_original == WHEN


def test_gps_and_sony_model(tmp_path):
    entries = [
        *date_entries(WHEN, 0x12),
        (0xB1, b"S\x00\x00\x00"), (0xB2, rational(33, 1)), (0xB3, rational(51, 1)),
        (0xB4, rational(3600, 100)), (0xB5, b"E\x00\x00\x00"), (0xB6, rational(151, 1)),
        (0xB7, rational(12, 1)), (0xB8, rational(0, 1)), (0xB9, b"\x00\x00\x00\x00"),
        (0xBA, rational(58, 1)),
        (0xE0, b"\x01\x08\x30\x01"), (0xE4, b"HDR-"), (0xE5, b"CX73"), (0xE6, b"0V\x00\x00"),
    ]
    photo = read_photo(write(tmp_path, "00006.MTS", transport(entries)), strict=True)
    assert photo.lat == pytest.approx(-(33 + 51 / 60 + 36 / 3600))
    assert photo.lon == pytest.approx(151.2)
    assert photo.alt == 58
    assert photo.camera == "Sony HDR-CX730V"


def test_impossible_gps_is_a_note_not_a_position(tmp_path):
    entries = [*date_entries(WHEN, 0x12), (0xB1, b"X\x00\x00\x00"), (0xB2, rational(33, 1)),
               (0xB5, b"E\x00\x00\x00"), (0xB6, rational(151, 1))]
    photo = read_photo(write(tmp_path, "00007.MTS", transport(entries)), strict=True)
    assert photo.lat is None and "latitude reference" in (photo.gps_note or "")
    assert photo.raw.datetime_original == WHEN


def test_model_only_for_sony(tmp_path):
    entries = [(0xE0, b"\x10\x11\x31\x01"), (0xE4, b"abcd")]
    photo = read_photo(write(tmp_path, "00008.MTS", transport(entries)), strict=True)
    assert photo.camera == "Canon" and photo.raw.datetime_original is None


@pytest.mark.parametrize("first", [b"\x12\x20\x24\x13", b"\x12\x20\x2a\x07"])  # month 13, "2a"
def test_impossible_date_is_no_time(tmp_path, first):
    entries = [(0x18, first), (0x19, b"\x14\x09\x05\x30")]
    photo = read_photo(write(tmp_path, "00009.MTS", transport(entries)), strict=True)
    assert photo.raw.datetime_original is None and photo.error is None


def test_out_of_order_entries_end_the_block(tmp_path):
    entries = [(0x20, b"\x00\x00\x00\x01"), *date_entries(WHEN, 0x12)]
    photo = read_photo(write(tmp_path, "00010.MTS", transport(entries)), strict=True)
    assert photo.raw.datetime_original is None  # as ExifTool: "out of sequence"


def test_only_the_first_megabytes_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(mts, "MAX_SCAN", 188 * 100)
    late = write(tmp_path, "late.MTS", transport(date_entries(WHEN, 0x12), lead=100))
    early = write(tmp_path, "early.MTS", transport(date_entries(WHEN, 0x12), lead=80))
    assert read_photo(late, strict=True).raw.datetime_original is None
    assert read_photo(early, strict=True).raw.datetime_original == WHEN


def test_a_stream_without_mdpm_is_a_video_without_time(tmp_path):
    data = b"".join(packets(VIDEO_PID, pes(0xE0, b"\x00\x00\x00\x01\x65" + b"\x11" * 3000)))
    photo = read_photo(write(tmp_path, "plain.ts", data), strict=True)
    assert (photo.kind, photo.error, photo.raw.datetime_original) == ("video", None, None)


def test_short_or_overcounted_mdpm_blocks():
    """An SEI payload cut anywhere, or an entry count larger than the entries: no exception,
    only the entries that are whole."""
    block = UUID + b"MDPM" + b"\xff" + b"".join(bytes([t]) + v for t, v in date_entries(WHEN, 2))
    for cut in range(len(block) + 1):
        rbsp = b"\x05" + bytes([cut]) + block[:cut] + b"\x80"
        entries = mts.mdpm_from_sei(rbsp)
        whole = max(0, (cut - 21) // 5)
        assert entries is None if cut < 20 else len(entries or {}) == whole, cut
        assert all(len(v) == 4 for v in (entries or {}).values())
        wall, _ = mts.recording_time(entries or {})
        assert wall == (WHEN if whole == 2 else None)


def test_lost_sync_is_a_short_error(tmp_path):
    data = bytearray(transport(date_entries(WHEN, 0x12), lead=2))
    data[188 * 4] = 0  # the audio PES's first packet, before the video
    photo = read_photo(write(tmp_path, "broken.MTS", bytes(data)), strict=True)
    assert photo.error == "MPEG-TS packet sync lost: the stream is damaged"


def test_truncated_inside_the_sei(tmp_path):
    data = transport(date_entries(WHEN, 0x12))
    at = data.find(UUID)
    photo = read_photo(write(tmp_path, "cut.MTS", data[: at + 10]), strict=True)
    assert (photo.error, photo.raw.datetime_original) == (None, None)


# --- AVI builders --------------------------------------------------------------------------


def chunk(fourcc: bytes, data: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def riff_list(kind: bytes, *chunks: bytes) -> bytes:
    return chunk(b"LIST", kind + b"".join(chunks))


def avi_file(*chunks: bytes) -> bytes:
    body = b"AVI " + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def header(*extra: bytes, strd: bytes | None = None) -> bytes:
    stream = [chunk(b"strh", b"vids" + b"\x00" * 52), chunk(b"strf", b"\x28" + b"\x00" * 39)]
    if strd is not None:
        stream.append(chunk(b"strd", strd))
    return riff_list(b"hdrl", chunk(b"avih", b"\x00" * 56), riff_list(b"strl", *stream), *extra)


def movi(size: int = 1000) -> bytes:
    return riff_list(b"movi", chunk(b"00dc", b"\x00" * size))


def avif(make: bytes, model: bytes, original: bytes | None, stamp: bytes | None) -> bytes:
    """strd: "AVIF", 4 bytes, a little-endian IFD0 (offsets from its start) with an Exif IFD."""
    ifd0 = [(0x010F, make), (0x0110, model)] + ([(0x0132, stamp)] if stamp else [])
    size0 = 2 + 12 * (len(ifd0) + 1) + 4
    exif_at = size0
    exif = [(0x9003, original)] if original else []
    data_at = exif_at + 2 + 12 * len(exif) + 4
    entries, exif_entries, data = b"", b"", b""
    for tag, value in ifd0:
        entries += struct.pack("<HHII", tag, 2, len(value), data_at + len(data))
        data += value
    entries += struct.pack("<HHII", 0x8769, 4, 1, exif_at)
    for tag, value in exif:
        exif_entries += struct.pack("<HHII", tag, 2, len(value), data_at + len(data))
        data += value
    ifd = struct.pack("<H", len(ifd0) + 1) + entries + b"\x00" * 4
    ifd += struct.pack("<H", len(exif)) + exif_entries + b"\x00" * 4
    return b"AVIF" + b"\x00" * 4 + ifd + data


# --- AVI -----------------------------------------------------------------------------------


def test_idit_and_isft(tmp_path):
    data = avi_file(header(chunk(b"IDIT", b"Mon Mar 03 10:21:13 2008\n\x00")),
                    riff_list(b"INFO", chunk(b"ISFT", b"CanonMVI06\x00")), movi())
    photo = read_photo(write(tmp_path, "MVI_0001.AVI", data), strict=True)
    assert (photo.kind, photo.error) == ("video", None)
    assert photo.raw.datetime_original == datetime(2008, 3, 3, 10, 21, 13)
    assert photo.raw.offset_original is None and photo.raw.create_utc is None
    assert photo.camera == "CanonMVI06"


def test_a_wall_clock_without_zone_floats(tmp_path):
    data = avi_file(header(chunk(b"IDIT", b"2005:08:13 09:47:23\x00")), movi())
    [done], _ = resolve([read_photo(write(tmp_path, "a.avi", data), strict=True)],
                        TimeSettings(), lambda lat, lon: None)
    assert done.time_source == "floating" and done.time_local == datetime(2005, 8, 13, 9, 47, 23)


@pytest.mark.parametrize(("text", "wall"), [
    ("Mon Mar 03 10:21:13 2008", datetime(2008, 3, 3, 10, 21, 13)),
    ("SAT AUG 13 09:47:23 2005\n", datetime(2005, 8, 13, 9, 47, 23)),
    ("2005:08:13 09:47:23", datetime(2005, 8, 13, 9, 47, 23)),
    ("2002-12-16  15:35:01", datetime(2002, 12, 16, 15, 35, 1)),  # Konica
    ("2001/ 1/27  1:42PM", datetime(2001, 1, 27, 13, 42)),  # Casio QV-3EX
    ("2001/ 1/27 12:05AM", datetime(2001, 1, 27, 0, 5)),
    ("2005/11/28/ 09:19", datetime(2005, 11, 28, 9, 19)),  # Casio EX-Z30
    ("Mon Feb 30 10:21:13 2008", None),
    ("E\xff\xff\rAVI RIFF", None),
    ("", None),
])
def test_idit_formats(text, wall):
    assert avi.parse_idit(text) == wall


def test_idit_in_info_after_the_frames(tmp_path):
    info = riff_list(b"INFO", chunk(b"ISFT", b"CanonMVI06\x00"),  # odd: a pad byte follows
                     chunk(b"IDIT", b"2005:08:13 09:47:23"))
    data = avi_file(header(), movi(), info)
    photo = read_photo(write(tmp_path, "b.avi", data), strict=True)
    assert photo.raw.datetime_original == datetime(2005, 8, 13, 9, 47, 23)


def test_strd_exif_directory(tmp_path):
    strd = avif(b"FUJIFILM\x00", b"FinePix F30\x00", b"2007:06:10 14:02:33\x00",
                b"2007:06:10 14:02:34\x00")
    data = avi_file(header(strd=strd), movi())
    photo = read_photo(write(tmp_path, "DSCF0001.AVI", data), strict=True)
    assert photo.camera == "FUJIFILM FinePix F30"
    assert photo.raw.datetime_original == datetime(2007, 6, 10, 14, 2, 33)


def test_strd_modify_date_when_no_original(tmp_path):
    strd = avif(b"NIKON\x00", b"NIKON S9\x00", None, b"2009:01:02 03:04:05\x00")
    photo = read_photo(write(tmp_path, "c.avi", avi_file(header(strd=strd))), strict=True)
    assert (photo.camera, photo.raw.datetime_original) == (
        "NIKON S9", datetime(2009, 1, 2, 3, 4, 5))


def test_idit_comes_before_strd(tmp_path):
    strd = avif(b"FUJIFILM\x00", b"FinePix F30\x00", b"2007:06:10 14:02:33\x00", None)
    data = avi_file(header(chunk(b"IDIT", b"Sun Jun 10 14:02:40 2007"), strd=strd))
    photo = read_photo(write(tmp_path, "d.avi", data), strict=True)
    assert photo.raw.datetime_original == datetime(2007, 6, 10, 14, 2, 40)


class CountingReader(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.count = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.count += len(data)
        return data


def test_only_small_header_chunks_are_read():
    strd = b"JUNK" + b"\x00" * (2 << 20)  # a 2 MB strd chunk
    data = avi_file(header(chunk(b"IDIT", b"2005:08:13 09:47:23"), strd=strd), movi(4 << 20))
    fh = CountingReader(data)
    meta = avi.read_video(fh, len(data))
    assert meta.raw.datetime_original == datetime(2005, 8, 13, 9, 47, 23)
    assert fh.count < 4096


def test_chunks_past_the_end_and_truncation(tmp_path):
    whole = avi_file(header(chunk(b"IDIT", b"2005:08:13 09:47:23")), movi())
    for end in range(0, len(whole), 7):
        photo = read_photo(write(tmp_path, "t.avi", whole[:end] or b"R"), strict=True)
        assert photo.error is None or len(photo.error) <= 200
    for size in (b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"):  # far past the end; unset
        lying = whole[:4] + size + whole[8:]
        photo = read_photo(write(tmp_path, "l.avi", lying), strict=True)
        assert photo.raw.datetime_original == datetime(2005, 8, 13, 9, 47, 23)


# --- damaged files -------------------------------------------------------------------------


def mutations(data: bytes, seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(buf))
            choice = rng.random()
            if choice < 0.5:
                buf[at] = rng.randrange(256)
            elif choice < 0.8:
                buf[at : at + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00",
                                               b"\x00\x00\x01\x06", b"\x47\x00\x00\x00"])
            else:
                del buf[at:]
            if not buf:
                buf = bytearray(b"G")
        out.append(bytes(buf))
    return out


MTS_SEED = transport([(0x14, b"\x00" * 4), *date_entries(WHEN, 0x0B), (0xB1, b"N\x00\x00\x00"),
                      (0xB2, rational(48, 1)), (0xB5, b"E\x00\x00\x00"), (0xB6, rational(2, 1)),
                      (0xE0, b"\x01\x08\x00\x00"), (0xE4, b"ILCE")])
AVI_SEED = avi_file(header(chunk(b"IDIT", b"Mon Mar 03 10:21:13 2008\n\x00"),
                           strd=avif(b"FUJIFILM\x00", b"FinePix\x00", b"2007:06:10 14:02:33\x00",
                                     None)),
                    riff_list(b"INFO", chunk(b"ISFT", b"CASIO\x00C\x00A\x00")), movi())


@pytest.mark.parametrize(("name", "seed"), [("m.MTS", MTS_SEED), ("a.avi", AVI_SEED)])
def test_mutated_videos_give_a_record(tmp_path, name, seed):
    for number, data in enumerate(mutations(seed, 12, 400)):
        photo = read_photo(write(tmp_path, name, data), strict=True)
        assert photo.error is None or len(photo.error) <= 200, number
        if photo.lat is not None:
            assert -90 <= photo.lat <= 90


def test_fuzzed_corpus_avis_give_a_record(corpus):
    """metadata-extractor's fuzzing crashes that are AVIs (garbage IDITs, nested RIFFs)."""
    seen = 0
    for path in sorted((corpus / "metadata-extractor-images" / "fuzzing").glob("*.fuzzed")):
        with path.open("rb") as fh:
            head = fh.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"AVI ":
            continue
        seen += 1
        photo = read_photo(str(path), strict=True)
        assert photo.kind == "video" and photo.skipped is None
        assert photo.raw.datetime_original is None  # ExifTool shows their IDIT as garbage
    assert seen > 100
