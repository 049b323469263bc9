"""Mutated real files never crash or stall the reader.

The reader turns any exception into a record so that a bug never ends a user's batch; here it
runs with ``strict=True``, so an exception it does not expect fails the test with its traceback.

The normal suite runs a bounded number of cases; set TRIPEXIF_FUZZ_EXAMPLES=20000 for a long
run (for example in a nightly job)."""

import os
import struct
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tripexif.reading.reader import read_photo

import synth

EXAMPLES = int(os.environ.get("TRIPEXIF_FUZZ_EXAMPLES", "1000"))
EXIF = synth.Exif(make="Apple", model="iPhone 15", datetime_original=datetime(2025, 4, 2, 9),
                  subsec="12", offset_original="+09:00", lat=35.0, lon=135.7, alt=40.0,
                  gps_utc=datetime(2025, 4, 2, 0, 0, tzinfo=timezone.utc))
CORPUS_SEEDS = [
    "exif-samples/jpg/gps/DSCN0010.jpg", "exiftool/t/images/Apple.jpg",
    "exifr/test/fixtures/heic-iphone7.heic", "metadata-extractor-images/webp/HTC Desire.webp",
    "exifr/test/fixtures/png/png_with_exif_and_gps.png",
    "metadata-extractor-images/mov/with-gps.mov",
    "exiftool/t/images/Nikon.nef", "exiftool/t/images/CanonRaw.cr3",
    "exiftool/t/images/M2TS.mts",
    # no real AVI is in the corpus: one of metadata-extractor's fuzzed AVIs (hdrl, IDIT)
    "metadata-extractor-images/fuzzing/crash-0f33269158d5844e50bebc57738b27128b2007a5.fuzzed",
]


def _seeds():
    seeds = [synth.jpeg_bytes(EXIF), synth.heic_bytes(EXIF), synth.png_bytes(EXIF),
             synth.webp_bytes(EXIF), synth.tiff_block(EXIF)]
    for rel in CORPUS_SEEDS:
        path = CORPUS / rel
        if path.exists() and path.stat().st_size < 4_000_000:
            seeds.append(path.read_bytes())
    return seeds


SEEDS = _seeds()
# values that make offsets point at themselves, at the start, past the end, or counts huge
NASTY = [0, 1, 8, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0x10000, 12]

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.tuples(st.just("word"), st.integers(0, 1 << 20), st.sampled_from(NASTY + ["self"])),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
)


def mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op, at, value in ops:
        if not buf:
            break
        at %= len(buf)
        if op == "flip":
            buf[at] ^= 1 << value
        elif op == "word" and at + 4 <= len(buf):
            word = at if value == "self" else value
            endian = "<" if buf[:2] == b"II" or b"II*\x00" in buf[:64] else ">"
            buf[at : at + 4] = struct.pack(endian + "I", word & 0xFFFFFFFF)
        elif op == "truncate":
            del buf[max(at, 1):]
        elif op == "insert":
            buf[at:at] = value
    return bytes(buf)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, len(SEEDS) - 1), st.lists(mutation, min_size=1, max_size=6))
def test_mutated_files_give_a_record_quickly(seed, ops):
    data = mutate(SEEDS[seed], ops)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.bin"
        path.write_bytes(data)
        started = time.monotonic()
        photo = read_photo(str(path), strict=True)
        assert time.monotonic() - started < 6  # the 5 s budget, plus slack
    assert photo.path == str(path)
    if photo.error:
        assert len(photo.error) <= 200 and "Traceback" not in photo.error
    if photo.lat is not None:
        assert -90 <= photo.lat <= 90 and -180 <= photo.lon <= 180
