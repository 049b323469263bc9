"""The `photos` table of thousands of files is written row by row in the widths rich gives
its columns, and looks exactly as rich drew it (benchmarks/bench.py --exports-only times it)."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from tripexif.export import Options, get
from tripexif.export.records import text_path
from tripexif.export.table import (
    _cell_lines,
    _console,
    _paths_whole,
    photo_cells,
    photo_note,
    photo_records,
    photos_frame,
    rendered,
    short_time,
    shown,
    streamed_table,
    zone_label,
)
from tripexif.model import Photo

TOKYO = timezone(timedelta(hours=9))


def before(console, photos):
    """The `photos` table as tripexif drew it before it was streamed: all rows through rich."""
    before_table(console, photos)
    located = sum(1 for p in photos if p.located)
    errors = sum(1 for p in photos if p.error)
    console.print(f"{len(photos)} files, {located} with GPS, {errors} unreadable")


def expected(photos, width):
    """The table as rich draws it, when each file name fits whole in its column; else (a
    name would be folded across lines) the records: each name whole on its own line."""
    drawn = rendered(before, photos, Options(width=width))
    rows = [photo_cells(p) for p in photos]
    if _paths_whole(drawn, rows):
        return drawn
    return photo_records(rows) + drawn.splitlines(keepends=True)[-1]


def streamed(photos, width):
    """The table alone, streamed (as photos_text draws it before choosing the layout)."""
    console = _console(Options(width=width))
    return streamed_table(console, photos_frame, [photo_cells(p) for p in photos])


def before_table(console, photos):
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold")
    for name in ("file", "local time", "zone", "source", "lat", "lon", "camera", "note"):
        table.add_column(name, overflow="fold")
    for p in photos:
        table.add_row(
            shown(text_path(p.path)), short_time(p.time_local), zone_label(p), p.time_source,
            "" if p.lat is None else f"{p.lat:.6f}", "" if p.lon is None else f"{p.lon:.6f}",
            shown(p.camera), shown(photo_note(p)),
        )
    console.print(table)


def photo(i, path=None, **fields):
    local = datetime(2025, 4, 2, 9, 0, tzinfo=TOKYO) + timedelta(minutes=7 * i)
    values = dict(lat=35.0 + i / 1000, lon=135.7 + i / 1000, camera="Apple iPhone 15",
                  time_local=local, time_utc=local.astimezone(timezone.utc),
                  timezone="Asia/Tokyo", time_source="offset_tag")
    values.update(fields)
    return Photo(path or f"trip/IMG_{i:05d}.JPG", **values)


def varied(count):
    """Rows that fit, rows folded, words wrapped, wide characters, empty cells, errors."""
    kinds = [
        lambda i: photo(i),
        lambda i: photo(i, f"/home/me/Pictures/2025 japan trip/day {i % 9}/IMG_{i:05d}.HEIC"),
        lambda i: photo(i, f"京都/寺_{i}.jpg", camera="FUJIFILM X-T5"),
        lambda i: photo(i, lat=None, lon=None, gps_note="latitude beyond ±90° (91.2)"),
        lambda i: Photo(f"broken/{i}.jpg", error="file is truncated before its image data"),
        lambda i: photo(i, time_flag="ambiguous", camera=None),
        lambda i: photo(i, f"very-long-file-name-without-any-spaces-{i:05d}-" + "x" * (i % 40)),
    ]
    return [kinds[i % len(kinds)](i) for i in range(count)]


def table(photos, width):
    return get("photos", "table").render(photos, Options(width=width))


@pytest.mark.parametrize("width", [200, 160, 120, 80, 50])
def test_three_rows_are_drawn_as_before(width):
    photos = [varied(7)[n] for n in (1, 3, 2)]
    assert streamed(photos, width) == rendered(before_table, photos, Options(width=width))
    assert table(photos, width) == expected(photos, width)


def test_three_rows_on_a_colour_terminal_as_before(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    photos = varied(3)
    drawn = table(photos, 200)
    assert "\x1b[1m" in drawn  # the header is bold
    assert drawn == rendered(before, photos, Options(width=200)) == expected(photos, 200)


@pytest.mark.parametrize("width", [220, 90])
def test_hundreds_of_varied_rows_are_drawn_as_before(width):
    photos = varied(350)
    assert streamed(photos, width) == rendered(before_table, photos, Options(width=width))
    assert table(photos, width) == expected(photos, width)


def test_two_thousand_rows_have_one_header_and_every_row():
    photos = [photo(i) for i in range(2000)]
    lines = table(photos, 160).splitlines()
    assert lines[0].split() == ["file", "┃", "local", "time", "┃", "zone", "┃", "source", "┃",
                                "lat", "┃", "lon", "┃", "camera", "┃", "note"]
    assert set(lines[1]) == {"━", "╇"}
    assert sum(1 for line in lines if "┃" in line or "━" in line) == 2
    body = lines[2:-1]
    assert [line.split("│")[0].strip() for line in body] == [p.path for p in photos]
    assert body[1999].split() == [
        "trip/IMG_01999.JPG", "│", "2025-04-12", "02:13:00", "│", "Asia/Tokyo", "(+09:00)", "│",
        "offset_tag", "│", "36.999000", "│", "137.699000", "│", "Apple", "iPhone", "15", "│"]
    assert lines[-1] == "2,000 files, 2,000 with GPS, 0 unreadable"


def test_rich_lays_out_only_a_sample_of_the_rows(monkeypatch):
    """The speed, without timing: rich (0.6 ms a row) gets at most a row per column."""
    from rich.table import Table

    added = []
    add_row = Table.add_row
    monkeypatch.setattr(Table, "add_row", lambda self, *cells, **kw: (
        added.append(cells), add_row(self, *cells, **kw))[1])
    assert table(varied(2000), 120).count("\n") > 2000
    assert 0 < len(added) <= 8


def test_no_photos():
    assert table([], 80) == rendered(before, [], Options(width=80))


@given(st.text(alphabet="ab -/.", min_size=1, max_size=40), st.integers(1, 15))
def test_ascii_cells_wrap_as_rich_wraps_them(text, width):
    console = Console(width=200)
    want = [line.plain for line in Text(text).wrap(console, width, justify="left",
                                                   overflow="fold")]
    assert _cell_lines(console, text, width) == want
