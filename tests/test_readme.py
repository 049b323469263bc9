"""The README's promises: its commands are the ones CI runs, and its sample output is real."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- ci:setup -->" in readme and "<!-- ci:test -->" in readme
    assert 'command_after "<!-- ci:setup -->"' in ci and 'command_after "<!-- ci:test -->"' in ci


def test_readme_table_is_what_scan_prints(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("scan", "examples/photos", "-q")
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"\$ tripexif scan examples/photos\n(.*?)\nwarning:", readme, re.S)
    assert block, "README lost its sample output"
    assert block.group(1).rstrip() == result.stdout.rstrip()
