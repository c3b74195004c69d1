"""Deterministic synthetic children for samples, tests and benchmarks.

Nobody here is real: names come from Faker's zh_CN provider, ID numbers are built
from a region code, the birth date and a sequence with a correct GB 11643 check
character (python-stdnum), phone numbers start with 100 (no such mobile numbers).

    python samples/synth.py --count 20 --seed 7 > children.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from dataclasses import asdict, dataclass

from stdnum.cn import ric

TOWNSHIP = "130283105"  # a township of Qian'an (130283); village codes add 3 digits


@dataclass
class Child:
    name: str
    gender: str  # 男 / 女
    birth: str  # YYYY-MM-DD
    id_number: str
    hukou_region: str
    guardian_name: str
    guardian_phone: str
    address: str


def id_number(region: str, birth: dt.date, sequence: int, male: bool) -> str:
    """A valid 18-character number: region + birth + 3-digit sequence (odd = male) + check."""
    sequence = sequence * 2 + (1 if male else 0)
    body = f"{region[:6]}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class Generator:
    def __init__(self, seed: int = 2026):
        from faker import Faker

        self.random = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.used: set[str] = set()

    def child(self, villages: list[str], entry_year: int = 2026) -> Child:
        """A child of school age for `entry_year` (six on 31 August), living where
        registered (both agreements hold)."""
        first = dt.date(entry_year - 7, 9, 1)
        birth = first + dt.timedelta(days=self.random.randrange(365))
        male = self.random.random() < 0.5
        village = self.random.choice(villages)
        while True:
            number = id_number(village, birth, self.random.randrange(500), male)
            if number not in self.used:
                self.used.add(number)
                break
        surname = self.faker.last_name()
        given = self.faker.first_name_male() if male else self.faker.first_name_female()
        guardian = given
        while guardian == given:
            guardian = self.faker.first_name_male()
        return Child(
            name=surname + given,
            gender="男" if male else "女",
            birth=birth.isoformat(),
            id_number=number,
            hukou_region=village,
            guardian_name=surname + guardian,
            guardian_phone="100" + "".join(str(self.random.randrange(10)) for _ in range(8)),
            address=f"示范镇{village[-3:]}村{self.random.randrange(1, 80)}号",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="synthetic children (CSV on stdout)")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--village", action="append", default=None,
                        help="12-digit village code (repeatable)")
    args = parser.parse_args()
    villages = args.village or [f"{TOWNSHIP}{n}" for n in range(201, 209)]
    generator = Generator(args.seed)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(Child.__dataclass_fields__))
    writer.writeheader()
    for _ in range(args.count):
        writer.writerow(asdict(generator.child(villages)))


if __name__ == "__main__":
    main()
