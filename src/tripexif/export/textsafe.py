"""Making user-derived text inert in each output format.

File names, camera makes and models and place names come from photos and online services:
they may hold terminal controls (ESC sequences that clear the screen, change colours or
draw fake hyperlinks, BEL, backspace, DEL, the 8-bit C1 controls such as U+009B, which some
terminals read as ESC [) and bidi controls (U+202E turns ``gpj.exe`` round). :func:`inert`
is the one guard every text output uses; JSON keeps the characters but escapes them
(:func:`json_text`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

# C0 and C1 controls and DEL as \xNN (tab, newline and carriage return by their names), and
# the bidi controls (marks, embeddings, overrides, isolates) as \uNNNN
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_ESCAPES = {i: f"\\x{i:02x}" for i in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})
_ESCAPES.update({c: f"\\u{c:04x}" for c in _BIDI})
_UNSAFE = re.compile("[" + "".join(f"\\u{c:04x}" for c in _ESCAPES) + "]")
# what json.dumps(ensure_ascii=False) leaves raw (it escapes C0 itself)
_JSON_UNSAFE = re.compile("[" + "".join(f"\\u{c:04x}" for c in _ESCAPES if c >= 0x20) + "]")

CSV_KEEPS = "\t\n"  # a quoted CSV cell may hold a tab or a line break as data
XML_KEEPS = "\t\n"


@lru_cache(maxsize=4)
def _escapes(keep: str) -> dict[int, str]:
    return {c: escape for c, escape in _ESCAPES.items() if chr(c) not in keep}


def inert(text: str, keep: str = "") -> str:
    """``text`` with every control and bidi character shown as a visible escape: C0 controls,
    DEL and C1 controls as ``\\xNN`` (``\\t``, ``\\n``, ``\\r`` by name) and bidi controls as
    ``\\u202e``; the characters in ``keep`` (a format's own tab or newline) stay as they are.
    Other text, 京都 included, is left alone."""
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_escapes(keep))


def json_text(value: Any, indent: int | None = None,
              separators: tuple[str, str] | None = None) -> str:
    """``json.dumps(value, ensure_ascii=False)`` with DEL, C1 and bidi controls written as
    ``\\u009b`` escapes: the data keeps them, a terminal showing the file never sees them raw.
    (They can only sit inside strings, so escaping them in the dumped text is exact.)"""
    import json

    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Spreadsheets run a cell that starts with = + - @ as a formula: prefix text cells with '.
    Then controls are made inert (a tab or a line break inside the cell stays).

    Numbers are left as numbers (a negative longitude is not a formula)."""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            value = "'" + value
        return inert(value, CSV_KEEPS)
    return "" if value is None else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()
