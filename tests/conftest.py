from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tripexif.cli import cli
from tripexif.store.index import Index

import synth

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the user's cache folder; the geocoder index is built once a session."""
    os.environ["TRIPEXIF_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def indexes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Index]]:
    """Every scan index made during a test (by the test or by the CLI it runs) is closed
    after it, and then no SQLite connection the test opened may still be open: one left to
    the garbage collector is a ResourceWarning (an error here) on Python 3.13. The value is
    the list of indexes made."""
    made: list[Index] = []
    connections: list[sqlite3.Connection] = []
    init, connect = Index.__init__, sqlite3.connect

    def tracked(self: Index, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    def connecting(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connections.append(connection)
        return connection

    monkeypatch.setattr(Index, "__init__", tracked)
    monkeypatch.setattr(sqlite3, "connect", connecting)
    yield made
    for index in made:
        index.close()
    left = [c for c in connections if _is_open(c)]
    for connection in left:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
    assert not left, f"{len(left)} SQLite connection(s) left open (closed in another thread?)"


def _is_open(connection: sqlite3.Connection) -> bool:
    try:
        connection.in_transaction  # noqa: B018 - raises once closed, from any thread
    except sqlite3.ProgrammingError:
        return False
    return True


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "exiftool-reference.tsv").exists():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture
def make_photo(tmp_path: Path) -> Callable[..., Path]:
    """make_photo("a.jpg", Exif(...)) writes a real file of the name's format into tmp_path."""
    writers = {".jpg": synth.jpeg_bytes, ".jpeg": synth.jpeg_bytes, ".heic": synth.heic_bytes,
               ".png": synth.png_bytes, ".webp": synth.webp_bytes}

    def make(name: str, exif: synth.Exif | None = None, seed: int = 0, **kw: object) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(writers[path.suffix.lower()](exif, seed=seed, **kw))
        return path

    return make


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke
