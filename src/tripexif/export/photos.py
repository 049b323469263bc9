"""Photo records as JSON, JSON lines and CSV."""

from __future__ import annotations

from collections.abc import Sequence

from tripexif.export import PHOTOS, Format
from tripexif.export.records import EXTRA_FIELDS, PHOTO_FIELDS, photo_record
from tripexif.export.textsafe import csv_text, json_text
from tripexif.model import Photo


def to_json(photos: Sequence[Photo]) -> str:
    return json_text([photo_record(p) for p in photos], indent=2) + "\n"


def to_jsonl(photos: Sequence[Photo]) -> str:
    return "".join(json_text(photo_record(p)) + "\n" for p in photos)


def to_csv(photos: Sequence[Photo]) -> str:
    header = PHOTO_FIELDS + EXTRA_FIELDS
    return csv_text(header, ([photo_record(p)[k] for k in header] for p in photos))


FORMATS = (
    Format("json", PHOTOS, lambda photos, options: to_json(photos), (".json",), ("photos",)),
    Format("jsonl", PHOTOS, lambda photos, options: to_jsonl(photos), (".jsonl",), ("photos",)),
    Format("csv", PHOTOS, lambda photos, options: to_csv(photos), (".csv",), ("photos",)),
)
