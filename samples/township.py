"""The demo township 示范镇 (synthetic): a central school and three village schools of
Qian'an (city 02, county 26), each serving some villages of township 130283105."""

NAME = "示范镇中心校"
OPERATOR = "刘秀英"  # the township's registrar (学籍管理员), 经办人 on every entry and form
TOWNSHIP = "130283105"

# code, name, flags, villages served (the last three digits of the 12-digit code)
SCHOOLS = [
    ("001", "示范镇中心小学", ["--central"], ["201", "202", "203"]),
    ("002", "东村小学", [], ["204", "205"]),
    ("003", "西庄小学", [], ["206", "207"]),
    ("004", "南岭小学", ["--designated-for-borrowing"], ["208"]),
]


def villages(code: str) -> list[str]:
    for school, _name, _flags, served in SCHOOLS:
        if school == code:
            return [TOWNSHIP + v for v in served]
    raise KeyError(code)

# A teaching point (教学点) with no pupils left this year: closed (撤并) at October's end.
TEACHING_POINT = ("005", "北山教学点")
