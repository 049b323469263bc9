"""The console script's entry: imports the CLI inside a guard, so a Ctrl-C while Python is
still loading it ends with the same one line and exit code as one during a run."""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from tripexif.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("tripexif: interrupted\n")
        sys.exit(130)
    main()
