"""Regenerate the committed sample files (deterministic; run on purpose only):

    python samples/make_samples.py

intake-2026.csv — the September 2026 intake of the demo township, by school.
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path

from synth import Child, Generator
from township import SCHOOLS, villages

HERE = Path(__file__).parent
PER_SCHOOL = 6


def main() -> None:
    generator = Generator(seed=2026)
    with open(HERE / "intake-2026.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=["school", *Child.__dataclass_fields__])
        writer.writeheader()
        for code, *_ in SCHOOLS:
            for _ in range(PER_SCHOOL):
                writer.writerow({"school": code, **asdict(generator.child(villages(code)))})


if __name__ == "__main__":
    main()
