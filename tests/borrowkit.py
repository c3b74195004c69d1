"""Shared by the borrowing tests: a township with a designated school, and `borrow in`
with a valid set of options that a test overrides by keyword."""

from __future__ import annotations

import itertools
import shutil

import pytest
from conftest import as_argv, copy_directory, invoke, settle
from synthetic import make_id

SICHUAN = "510722"  # the migrant family's home county (synthetic numbers only)
XIAOYAN = make_id("2018-05-06", male=False, seq=401, region=SICHUAN)

IN_DEFAULTS = {
    "school": "004", "name": "刘小燕", "grade": "3", "class": "1",
    "origin-school": "三台县芦溪镇中心小学", "letter": "芦溪借字〔2026〕15号",
    "hukou-region": SICHUAN + "106201",  # a migrant child: registered far from here (BOR-2)
    "evidence": ["暂住证", "就业证明", "户口簿"], "approval": "教育科 2026-08-30 审核盖章",
}


@pytest.fixture(scope="session")
def host_template(tmp_path_factory, township_template):
    path = copy_directory(township_template, tmp_path_factory.mktemp("host") / "dir")
    result = invoke(path, "school", "add", "--code", "004", "--name", "南岭小学",
                    "--designated-for-borrowing", "--service-area", "130283108")
    assert result.exit_code == 0, result.stderr
    settle(path)
    return path


@pytest.fixture
def host(township, host_template):
    """The test township plus 004 南岭小学, designated for borrowing (ORG-3)."""
    shutil.copy(host_template / "xueji.db", township / "xueji.db")
    return township


@pytest.fixture
def borrow_in(host, xueji):
    """borrow_in(**options): `xueji borrow in` at 004 with valid options, overridden by
    keyword (`origin_school=None` leaves it out, `json=True`). Without `id_number` the
    child is 刘小燕 born 2018-05-06 (a fresh Sichuan number unless `birth` is given)."""
    counter = itertools.count(500)

    def run(**options):
        args = dict(IN_DEFAULTS)
        for key, value in options.items():
            args[key.rstrip("_").replace("_", "-")] = value
        if "id-number" not in args:
            birth = args.get("birth") or "2018-05-06"
            male = args.get("gender") == "男"
            args["id-number"] = XIAOYAN if birth == "2018-05-06" and not male else make_id(
                birth, male=male, seq=next(counter), region=SICHUAN)
        return xueji("borrow", "in", *as_argv(args))

    return run


def masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]
