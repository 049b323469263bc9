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


def test_readme_library_examples_run(tmp_path):
    """The README's Python block and its one-liner run as written (from the repo root)."""
    import os
    import shlex
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use it from Python", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    line = re.search(r'`(python -c "[^`]*")`', section)
    assert block and line, "README lost its library examples"
    env = dict(os.environ, TRIPEXIF_CACHE_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", block.group(1)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("2025-04-02 stop 09:05 Kyoto")
    argv = shlex.split(line.group(1))
    done = subprocess.run([sys.executable, *argv[1:]], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout == "3\n", done.stderr
