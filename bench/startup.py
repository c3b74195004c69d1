"""Start-up benchmark: `xueji --help` and `xueji --version` as whole processes, against
the floor `python -c "import typer"` timed in the same run.

    python bench/startup.py [--runs 15]

Target: help ≤ 1.5× the floor. The last line is `RATIO startup-help <ratio>`.
Also shows what an ordinary database command costs (student list on a fresh directory),
for information.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
XUEJI = [PYTHON, "-m", "xueji_cli"]


def timed(command: list[str], runs: int, env: dict | None = None) -> float:
    """Median wall time of `runs` runs (after one warm-up run)."""
    subprocess.run(command, capture_output=True, env=env, check=False)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(samples)


def compiled() -> None:
    """xueji's modules compiled to bytecode first, as an installed copy has them: with
    PYTHONDONTWRITEBYTECODE set, a module changed since its last compilation would
    otherwise be compiled from source in every timed run (bench/intake.py does the same)."""
    import compileall

    import xueji_cli

    compileall.compile_dir(str(Path(xueji_cli.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    compiled()

    floor = timed([PYTHON, "-c", "import typer"], args.runs)
    bare = timed([PYTHON, "-c", "pass"], args.runs)
    help_ = timed([*XUEJI, "--help"], args.runs)
    version = timed([*XUEJI, "--version"], args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "bench"
        subprocess.run([*XUEJI, "init", str(directory), "--name", "bench"], check=True,
                       capture_output=True)
        env = {**os.environ, "XUEJI_DIR": str(directory)}
        listing = timed([*XUEJI, "student", "list"], max(3, args.runs // 3), env)

    print(f"python (no imports)      {bare * 1000:7.0f} ms")
    print(f"floor: import typer      {floor * 1000:7.0f} ms")
    print(f"xueji --help             {help_ * 1000:7.0f} ms  {help_ / floor:5.2f}× floor")
    print(f"xueji --version          {version * 1000:7.0f} ms  {version / floor:5.2f}× floor")
    print(f"xueji student list       {listing * 1000:7.0f} ms  (database command, for information)")
    print(f"RATIO startup-version {version / floor:.2f}")
    print(f"RATIO startup-help {help_ / floor:.2f}")


if __name__ == "__main__":
    main()
