"""Regenerate the demo township's September 2026 rosters (deterministic; run on purpose):

    python samples/make_rosters.py        # needs xlwt (a test extra) for the .xls file

samples/rosters/ — one roster per school, as the village schools send them, each with the
children of intake-2026.csv and a few deliberately wrong rows (what the demo's dry run
finds, and what the registrar then corrects; see samples/demo_intake.py):

  001-示范镇中心小学.xlsx      plain roster, title rows and notes below, date cells;
                              wrong: a mistyped check character (NUM-6), a child born
                              3 September 2020 without a commitment (ENR-1), an ID
                              number typed into a number cell (digits lost)
  002-东村小学.xls             .xls (WPS), dates as 2020/5/4; wrong: no 房产证明 (ENR-7),
                              a child already on 001's roster (NUM-7), the guardian's
                              household registration elsewhere (ENR-2)
  003-西庄小学-全国模板.xlsx   the national system's template columns (codes, labels and
                              code-label mixed, YYYYMMDD), plus the three columns the
                              central school adds (现住地行政区划, 证明材料, 学校代码);
                              wrong: a child of 001's service area (ENR-2)
  004-南岭小学.xlsx            plain roster, 班级 merged over its rows, dates as 2020年8月4日;
                              wrong: a 15-digit legacy ID number (NUM-6)
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from synth import id_number
from township import TOWNSHIP

HERE = Path(__file__).parent
OUT = HERE / "rosters"
STAMP = dt.datetime(2026, 8, 28, 9, 0, 0)  # fixed document times: the files stay the same
EVIDENCE = "户口簿、房产证明"

PLAIN = ["序号", "学校代码", "姓名", "性别", "出生日期", "民族", "身份证号", "年级", "班级", "户口所在地",
         "监护人", "监护人户口所在地", "现住地", "监护人电话", "现住址", "证明材料"]

# Deliberately wrong rows: (school, child, what is wrong). Children are synthetic.
WRONG = {
    "001": [
        dict(name="孙悦", gender="女", birth="2020-02-14", village="201", seq=21, wrong="check"),
        dict(name="陈小雪", gender="女", birth="2020-09-03", village="202", seq=22, wrong=None),
        dict(name="周子墨", gender="男", birth="2019-12-01", village="203", seq=23, wrong="number"),
    ],
    "002": [
        dict(name="何思琪", gender="女", birth="2020-01-09", village="204", seq=24, wrong="evidence"),
        dict(name="严杰", gender="男", birth="2020-06-27", village="201", seq=None, wrong="duplicate"),
        dict(name="韩磊", gender="男", birth="2020-04-30", village="205", seq=25, wrong="guardian"),
    ],
    "003": [dict(name="孟晓光", gender="男", birth="2020-02-02", village="202", seq=26, wrong=None)],
    "004": [dict(name="钱多多", gender="男", birth="2020-05-05", village="208", seq=27, wrong="legacy")],
}


def _children() -> dict[str, list[dict]]:
    by_school: dict[str, list[dict]] = {}
    with open(HERE / "intake-2026.csv", encoding="utf-8") as source:
        for child in csv.DictReader(source):
            by_school.setdefault(child["school"], []).append(child)
    return by_school


def _wrong_child(school: str, spec: dict, by_school: dict) -> dict:
    village = TOWNSHIP + spec["village"]
    birth = dt.date.fromisoformat(spec["birth"])
    if spec["wrong"] == "duplicate":  # the same child as on 001's roster
        return dict(by_school["001"][1], school=school)
    number = id_number(village, birth, spec["seq"], spec["gender"] == "男")
    child = {"school": school, "name": spec["name"], "gender": spec["gender"], "birth": spec["birth"],
             "id_number": number, "hukou_region": village, "guardian_name": spec["name"][0] + "建国",
             "guardian_phone": f"1002026{spec['seq']:04d}", "address": f"示范镇{spec['village']}村8号"}
    if spec["wrong"] == "check":
        child["id_number"] = number[:17] + ("1" if number[17] != "1" else "2")
    elif spec["wrong"] == "legacy":
        child["id_number"] = number[:6] + number[8:17]  # the old 15-digit form
    child["wrong"] = spec["wrong"]
    return child


def _plain_row(seq: int, child: dict, birth) -> list:
    wrong = child.get("wrong")
    hukou = child["hukou_region"]
    guardian_hukou = TOWNSHIP + "207" if wrong == "guardian" else hukou
    number = int(child["id_number"]) if wrong == "number" else child["id_number"]
    evidence = "户口簿" if wrong == "evidence" else EVIDENCE
    return [seq, child["school"], child["name"], child["gender"], birth, "汉族", number, 1, 1, hukou,
            child["guardian_name"], guardian_hukou, hukou, child["guardian_phone"], child["address"],
            evidence]


def _workbook(sheet: str, title: str | None = None):
    """A workbook with fixed document properties and, optionally, a merged title row."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.created = wb.properties.modified = STAMP
    wb.properties.creator = wb.properties.lastModifiedBy = "示范镇"
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PLAIN))
    return wb, ws


def write_001(children: list[dict]) -> None:
    wb, ws = _workbook("一年级新生", "示范镇中心小学2026年秋季一年级新生花名册")
    ws.append(["填报日期:2026年8月28日"])
    ws.append(PLAIN)
    for seq, child in enumerate(children, start=1):
        ws.append(_plain_row(seq, child, dt.date.fromisoformat(child["birth"])))
    ws.append([])
    ws.append([f"备注:以上共{len(children)}人"])
    ws.append(["填表人:王老师    审核人:李校长"])
    for column, width in zip("ABCDEFGHIJKLMNOP", (5, 8, 8, 5, 12, 6, 20, 5, 5, 14, 8, 14, 14, 13, 18, 16)):
        ws.column_dimensions[column].width = width
    wb.save(OUT / "001-示范镇中心小学.xlsx")


def write_002(children: list[dict]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, len(PLAIN) - 1, "东村小学2026年新生名单")
    for c, header in enumerate(PLAIN):
        sheet.write(1, c, header)
    for seq, child in enumerate(children, start=1):
        birth = dt.date.fromisoformat(child["birth"])
        for c, value in enumerate(_plain_row(seq, child, f"{birth.year}/{birth.month}/{birth.day}")):
            sheet.write(seq + 1, c, value)
    book.save(str(OUT / "002-东村小学.xls"))


def write_003(children: list[dict]) -> None:
    import tomllib

    spec = tomllib.loads((HERE.parent / "xueji_cli" / "data" / "national_template.toml")
                         .read_text("utf-8"))
    headers = [c["header"] for c in spec["column"]]
    headers += [f"成员{n}{m['header']}" for n in (1, 2) for m in spec["member"]]
    headers += ["年级", "现住地行政区划", "证明材料", "学校代码"]  # added by the central school
    ethnicity = ["汉族", "01", "01-汉族", "满", "汉族", "03-回族", "汉族"]
    wb, ws = _workbook("学生信息")
    ws.append(headers)
    for index, child in enumerate(children):
        birth = dt.date.fromisoformat(child["birth"])
        values = {
            "学校标识码": "2113000003", "姓名": child["name"], "性别": child["gender"],
            "出生日期": f"{birth:%Y%m%d}", "出生地行政区划代码": child["hukou_region"], "籍贯": "河北迁安",
            "民族": ethnicity[index % len(ethnicity)], "国籍/地区": "中国", "身份证件类型": "1-居民身份证",
            "港澳台侨外": "00", "健康状况": "健康或良好", "政治面貌": "群众", "身份证件号": child["id_number"],
            "户口性质": "1", "户口所在地行政区划": child["hukou_region"], "班号": "1", "入学年月": "202609",
            "入学方式": "11-就近入学", "就读方式": "走读", "现住址": child["address"],
            "联系电话": child["guardian_phone"], "是否独生子女": "否", "是否受过学前教育": "是",
            "是否留守儿童": "非留守", "学生来源": "正常入学",
            "成员1姓名": child["guardian_name"], "成员1关系": "父亲", "成员1是否监护人": "是",
            "成员1户口所在地行政区划": child["hukou_region"], "成员1联系电话": child["guardian_phone"],
            "年级": "1", "现住地行政区划": child["hukou_region"], "证明材料": EVIDENCE,
            "学校代码": "003",
        }
        ws.append([values.get(h, "") for h in headers])
    wb.save(OUT / "003-西庄小学-全国模板.xlsx")


def write_004(children: list[dict]) -> None:
    wb, ws = _workbook("花名册", "南岭小学 2026级 新生花名册")
    ws.append(PLAIN)
    for seq, child in enumerate(children, start=1):
        birth = dt.date.fromisoformat(child["birth"])
        row = _plain_row(seq, child, f"{birth.year}年{birth.month}月{birth.day}日")
        if seq > 1:
            row[PLAIN.index("班级")] = ""  # merged below
        ws.append(row)
    column = PLAIN.index("班级") + 1
    ws.merge_cells(start_row=3, start_column=column, end_row=2 + len(children), end_column=column)
    wb.save(OUT / "004-南岭小学.xlsx")


def _same_bytes(path: Path) -> None:
    """openpyxl stamps each zip entry with the time of saving: fix the stamps so that a
    regenerated file is byte-for-byte the same."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            info.date_time = STAMP.timetuple()[:6]
            if info.filename == "docProps/core.xml":  # openpyxl sets 'modified' on saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-08-28T09:00:00Z", data)
            target.writestr(info, data)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    by_school = _children()
    rosters = {school: list(children) for school, children in by_school.items()}
    for school, specs in WRONG.items():
        for position, spec in enumerate(specs):
            rosters[school].insert(2 + 2 * position, _wrong_child(school, spec, by_school))
    write_001(rosters["001"])
    write_002(rosters["002"])
    write_003(rosters["003"])
    write_004(rosters["004"])
    for path in OUT.glob("*.xlsx"):
        _same_bytes(path)


if __name__ == "__main__":
    main()
