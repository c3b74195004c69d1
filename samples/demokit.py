"""The pieces every demo section uses: run a xueji command as a registrar types it,
check its exit code, mask ID numbers in what is echoed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

INTAKE_DAY = "2026-09-01"


class Demo:
    def __init__(self, directory: Path):
        self.directory = directory
        self.env = {**os.environ, "XUEJI_DIR": str(directory), "XUEJI_TODAY": INTAKE_DAY}
        self.failures: list[str] = []

    def today(self, day: str) -> None:
        """The demo's calendar: later sections play later days."""
        self.env["XUEJI_TODAY"] = day
        print(f"\n(今天是 {day})", flush=True)

    def heading(self, text: str) -> None:
        print(f"\n\033[1m== {text} ==\033[0m" if sys.stdout.isatty() else f"\n== {text} ==",
              flush=True)

    def xueji(self, *args: str, expect: int = 0, note: str = "") -> int:
        shown = " ".join(_mask(a) for a in args)
        print(f"\n$ xueji {shown}" + (f"    # {note}" if note else ""), flush=True)
        done = subprocess.run([sys.executable, "-m", "xueji_cli", *args], env=self.env,
                              check=False)
        if done.returncode != expect:
            self.failures.append(f"xueji {shown}: exit {done.returncode}, expected {expect}")
            print(f"!! expected exit {expect}, got {done.returncode}", flush=True)
        return done.returncode


def _mask(arg: str) -> str:
    """ID numbers in the echoed command are masked like everywhere else."""
    return re.sub(r"\b(\d{6})\d{8}(\d{3}[\dXx])\b", lambda m: m.group(1) + "********" + m.group(2)[-4:], arg)


def enroll_args(child: dict, school: str, *extra: str, birth: str | None = None,
                id_no: str | None = None, hukou: str | None = None, guardian: str | None = None,
                residence: str | None = None, evidence=("户口簿", "房产证明")) -> list[str]:
    hukou = hukou or child["hukou_region"]
    args = ["enroll", "--school", school, "--name", child["name"], "--gender", child["gender"],
            "--birth", birth or child["birth"], "--id-number", id_no or child["id_number"],
            "--grade", "1", "--class", "1", "--hukou-region", hukou,
            "--guardian-hukou-region", guardian or hukou, "--residence-region", residence or hukou,
            "--guardian-name", child["guardian_name"], "--date", INTAKE_DAY]
    for item in evidence:
        args += ["--evidence", item]
    return args + list(extra)
