from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tripexif.cli import cli

import synth

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the user's cache folder; the geocoder index is built once a session."""
    os.environ["TRIPEXIF_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


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
