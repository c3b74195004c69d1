"""Running xueji in a fresh interpreter and telling whether it loaded SQLAlchemy: the
SQLite paths of the September intake and of a takeover must not (README, benchmarks)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = ("import sys\n"
          "from xueji_cli.cli.app import main\n"
          "try:\n    main()\n"
          "finally:\n"
          "    print('LOADED' if 'sqlalchemy' in sys.modules else 'NOT LOADED', file=sys.stderr)\n")


def run_watching_sqlalchemy(*argv: str) -> tuple[subprocess.CompletedProcess, bool]:
    """`xueji ARGV` in its own process: (the finished process, whether SQLAlchemy loaded)."""
    done = subprocess.run([sys.executable, "-c", SCRIPT, *map(str, argv)],
                          capture_output=True, text=True, timeout=120)
    return done, not done.stderr.rstrip().endswith("NOT LOADED")
