"""Hostile text after enrollment: every text a registrar types into a change of a record —
a corrected name, a transfer's reasons and approvals, a leaving's reason, a sanction, a
year-end hold — and every text a transfer certificate's data sheet holds is refused at
input when it holds a control character (terminal escape codes) or a direction override,
or runs past its field's length: exit 1, an INPUT error naming the field, nothing written.
Before, a corrected name could carry ESC into every list and export."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest
from synthetic import make_id
from transferkit import AT_003, ELSEWHERE, MOVE, OTHER_TOWN, ok, other, pupil, town  # noqa: F401

FIRST = "02262600100001"  # the `pupil`: 赵小明, 001, grade 1, class 1
CASE = "ZX2026-0001"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"  # set the window title, clear the screen
LONG = "字" * 1001  # past every field's limit


def hostile(good: str = "正常文字") -> list[tuple[str, str]]:
    """(value, what the refusal says): a control character, a direction override, too long."""
    return [(f"{good}{ESCAPES}", "U+001B"), (f"\u202e{good}", "U+202E"), (LONG, "最多")]


def snapshot(sql) -> tuple:
    """What a refused command must leave as it was: the journal, the cases, the people."""
    return sql("SELECT (SELECT count(*) FROM journal), (SELECT count(*) FROM transfer_case), "
               "(SELECT group_concat(name || '|' || coalesce(guardian_name, ''), ';') "
               "FROM person)")[0]


def refuses_each(run, field: str, sql, good: str = "正常文字") -> None:
    """run(value) for each hostile value: exit 1, an INPUT error naming `field` with what is
    wrong, nothing written, no control character sent back."""
    before = snapshot(sql)
    for value, said in hostile(good):
        result = run(value)
        assert result.exit_code == 1, (said, result.stdout, result.stderr)
        errors = json.loads(result.stdout)["errors"]
        assert [e for e in errors if e["rule"] == "INPUT" and e["field"] == field
                and said in e["message"] and e["hint"]], (said, errors)
        assert snapshot(sql) == before, said
        assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stderr


# -- corrections, undo, leaving, the year's turn ---------------------------------------------------

@pytest.mark.parametrize("field, args", [
    ("name", ["--name", "{}", "--evidence", "户口簿"]),
    ("reason", ["--name", "赵大明", "--evidence", "户口簿", "--reason", "{}"]),
    ("evidence", ["--name", "赵大明", "--evidence", "{}"]),
])
def test_a_correction_refuses_hostile_text(pupil, xueji, sql, field, args):
    """ENR-6: a corrected name is the name on every list, card and export — it held ESC."""
    refuses_each(lambda v: xueji("correct", FIRST, *[a.format(v) for a in args], "--json"),
                 field, sql, "赵大明")


def test_an_undo_refuses_a_hostile_reason(pupil, xueji, sql, as_json):
    """CHG-3: the undo's reason is its journal entry's."""
    ok(xueji("class-change", FIRST, "--class", "2"))
    [entry] = sql("SELECT max(id) FROM journal")[0]
    refuses_each(lambda v: xueji("undo", entry, "--reason", v, "--json"), "reason", sql)


LAWFUL = ["--lawful-basis", "县教育局批复〔2026〕1号"]


@pytest.mark.parametrize("command, field, args", [
    ("withdraw", "reason", ["--reason", "{}", *LAWFUL]),
    ("withdraw", "lawful_basis", ["--reason", "随父母回原籍", "--lawful-basis", "{}"]),
    ("withdraw", "remark", ["--reason", "随父母回原籍", *LAWFUL, "--remark", "{}"]),
    ("withdraw", "evidence", ["--reason", "随父母回原籍", *LAWFUL, "--evidence", "{}"]),
    ("abroad", "destination", ["--destination", "{}"]),
    ("abroad", "reason", ["--reason", "{}"]),
    ("skip-grade", "approval", ["--to", "2", "--approval", "{}"]),
    ("skip-grade", "reason", ["--to", "2", "--approval", "迁教〔2026〕7号", "--reason", "{}"]),
    ("skip-grade", "cap_decision", ["--to", "2", "--approval", "迁教〔2026〕7号",
                                    "--cap-decision", "{}"]),
    ("class-change", "reason", ["--class", "2", "--reason", "{}"]),
    ("class-change", "cap_decision", ["--class", "2", "--cap-decision", "{}"]),
    ("repeat", "reason", ["--reason", "{}"]),
])
def test_a_change_refuses_hostile_text(pupil, xueji, sql, command, field, args):
    """CHG-1, CHG-2: a leaving's reason, lawful basis, destination and remark, a skip's
    approval and a class's cap decision are the entry's, shown on the card and the log."""
    refuses_each(lambda v: xueji(command, FIRST, *[a.format(v) for a in args], "--json"),
                 field, sql)


def test_a_held_back_pupils_reason_is_checked(pupil, xueji, sql):
    """CHG-1: each --hold's --reason is its repeat entry's reason."""
    refuses_each(lambda v: xueji("promote", "--year", "2026", "--hold", FIRST, "--reason", v,
                                 "--date", "2027-07-10", "--json"), "reason", sql)


# -- sanctions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, args", [
    ("sanction_reason", ["--reason", "{}"]),
    ("doc_no", ["--reason", "打架", "--doc-no", "{}"]),
])
def test_a_sanction_refuses_hostile_text(pupil, xueji, sql, field, args):
    """TRF-7: a sanction's reason and document number are shown wherever it blocks a transfer."""
    refuses_each(lambda v: xueji("sanction", "add", FIRST, "--kind", "警告",
                                 *[a.format(v) for a in args], "--json"), field, sql)


def test_a_sanctions_revocation_refuses_a_hostile_reason(pupil, xueji, sql):
    ok(xueji("sanction", "add", FIRST, "--kind", "警告", "--reason", "打架"))
    refuses_each(lambda v: xueji("sanction", "revoke", FIRST, "--reason", v, "--json"),
                 "sanction_reason", sql)


# -- transfers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, args", [
    ("to_school", ["--to-school", "{}", "--to-region", OTHER_TOWN, *MOVE]),
    ("reason_detail", ["--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN,
                       "--reason", "other", "--reason-detail", "{}",
                       "--evidence", "户口簿", "--evidence", "房产证明"]),
    ("special_reason", ["--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN, *MOVE,
                        "--special-reason", "{}"]),
    ("evidence", ["--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN, *MOVE,
                  "--evidence", "{}"]),
])
def test_a_transfer_application_refuses_hostile_text(pupil, xueji, sql, field, args):
    """TRF-1, TRF-6, TRF-8: the reasons and the school written on the case and the certificate."""
    refuses_each(lambda v: xueji("transfer", "out", FIRST, *[a.format(v) for a in args],
                                 "--date", "2026-09-01", "--json"), field, sql)


@pytest.mark.parametrize("command, field, args", [
    ("approve", "doc_no", ["--level", "central", "--doc-no", "{}"]),
    ("approve", "approver", ["--level", "central", "--approver", "{}"]),
    ("complete", "cap_decision", ["--cap-decision", "{}"]),
    ("cancel", "withdraw_reason", ["--reason", "{}"]),
])
def test_a_transfer_step_refuses_hostile_text(pupil, xueji, sql, command, field, args):
    """TRF-2, TRF-8, TRF-10: an approval's document number and approver go onto the
    certificate's stamp boxes; a cap decision and a withdrawal's reason into the journal."""
    ok(xueji("transfer", "out", FIRST, "--to", "003", *AT_003, "--class", "1", *MOVE,
             "--date", "2026-09-01"))
    if command == "complete":
        ok(xueji("transfer", "approve", CASE, "--level", "central", "--date", "2026-09-01"))
    refuses_each(lambda v: xueji("transfer", command, CASE, *[a.format(v) for a in args],
                                 "--date", "2026-09-01", "--json"), field, sql)


def test_an_arrival_from_a_paper_certificate_refuses_a_hostile_school_name(town, xueji, sql):
    """TRF-8: the origin's name typed from the paper certificate."""
    refuses_each(lambda v: xueji(
        "transfer", "in", "--school", "001", "--class", "1", "--grade", "1", "--name", "周小华",
        "--id-number", make_id("2019-04-04", seq=90), "--from-school", v,
        "--from-region", ELSEWHERE, *MOVE, "--evidence", "转学证明", "--date", "2026-09-01",
        "--json"), "from_school", sql)


# -- a certificate's data sheet --------------------------------------------------------------------

PLACEHOLDER = "HOSTILEPLACEHOLDER"


@pytest.fixture
def certificate(pupil, xueji, tmp_path):
    """Route B out of 001 towards 西山镇中心小学 (the `other` directory), approved by our side."""
    ok(xueji("transfer", "out", FIRST, "--to-school", "西山镇中心小学", "--to-region", OTHER_TOWN,
             "--reason", "other", "--reason-detail", "随父母务工", "--evidence", "户口簿",
             "--evidence", "房产证明", "--date", "2026-09-01"))
    ok(xueji("transfer", "approve", CASE, "--level", "school", "--doc-no", "校证1号"))
    ok(xueji("transfer", "approve", CASE, "--level", "central", "--doc-no", "中证2号"))
    path = tmp_path / "转学证明.xlsx"
    ok(xueji("transfer", "certificate", CASE, "--xlsx", path))
    return path


def planted(certificate, tmp_path, key: str, value: str):
    """A copy of the certificate whose data sheet holds `value` as `key` — a control
    character as Excel stores it (_x001B_), since openpyxl cannot write one."""
    wb = openpyxl.load_workbook(certificate)
    for row in wb["数据"].iter_rows(min_row=2):
        if row[0].value == key:
            old = str(row[2].value or "")
            if key == "approvals":  # a JSON list: the first approval's document number
                items = json.loads(old)
                items[0]["doc_no"] = PLACEHOLDER
                row[2].value = json.dumps(items, ensure_ascii=False)
            else:
                row[2].value = PLACEHOLDER
    path = tmp_path / f"证明-{key}.xlsx"
    wb.save(path)
    if key == "approvals":  # JSON escapes its control characters itself
        value = json.dumps(value, ensure_ascii=False)[1:-1]
    stored = value.replace("\x1b", "_x001B_").replace("\x07", "_x0007_")
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.replace(PLACEHOLDER.encode(), stored.encode()))
    return path


@pytest.mark.parametrize("key, label", [
    ("name", "姓名"), ("guardian_name", "监护人"), ("address", "现住址"),
    ("from_school", "转出学校"), ("to_school", "转入学校"), ("reason_detail", "具体情况"),
    ("special_reason", "毕业年级特殊情况"), ("approvals", "已登记的审批"),
])
def test_a_certificates_data_sheet_is_checked_like_typed_text(certificate, other, xueji_at,
                                                              tmp_path, key, label):
    """TRF-8: `transfer in --from-file` stored the data sheet's texts as they were; a name
    holding ESC went into the receiving directory's every list."""
    count = lambda: xueji_at(other, "transfer", "list", "--json").stdout.count('"case_no"')
    before = count()
    for value, said in hostile("王小明"):
        path = planted(certificate, tmp_path, key, value)
        result = xueji_at(other, "transfer", "in", "--from-file", path, "--school", "001",
                          "--class", "1", "--json")
        assert result.exit_code == 1, (key, said, result.stdout, result.stderr)
        errors = json.loads(result.stdout)["errors"]
        assert [e for e in errors if e["rule"] == "INPUT" and e["field"] == "from_file"
                and label in e["message"] and said in e["message"]], (key, said, errors)
        assert "\x1b" not in result.stdout + result.stderr
        assert count() == before


def test_texts_typed_over_a_certificate_are_checked(certificate, other, xueji_at):
    """What a family that moved brings up to date (guardian, phone, address) with --from-file."""
    for option, field in (("--guardian-name", "guardian_name"),
                          ("--guardian-phone", "guardian_phone"), ("--address", "address")):
        for value, said in hostile("王大明"):
            result = xueji_at(other, "transfer", "in", "--from-file", certificate,
                              "--school", "001", "--class", "1", option, value, "--json")
            assert result.exit_code == 1
            errors = json.loads(result.stdout)["errors"]
            assert [e for e in errors if e["field"] == field and said in e["message"]], errors
    assert '"case_no"' not in xueji_at(other, "transfer", "list", "--json").stdout


# -- the directory's name, the command line --------------------------------------------------------

def test_init_refuses_a_hostile_directory_name(xueji_at, tmp_path):
    """The directory's name is written into xueji.toml and printed on every form."""
    for number, (value, said) in enumerate(hostile("示范镇中心校")):
        path = tmp_path / f"d{number}"
        result = xueji_at(None, "init", path, "--name", value, "--json")
        assert result.exit_code == 1, (said, result.stdout, result.stderr)
        [error] = json.loads(result.stdout)["errors"]
        assert error["field"] == "directory_name" and said in error["message"], error
        assert "目录名称" in error["message"]
        assert not (path / "xueji.toml").exists() and not (path / "xueji.db").exists()
        assert "\x1b" not in result.stdout + result.stderr


def test_init_with_a_good_name_still_works(xueji_at, tmp_path):
    result = xueji_at(None, "init", tmp_path / "d", "--name", " 示范镇中心校 ", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["name"] == "示范镇中心校"


@pytest.mark.parametrize("argv", [
    ["--na\x1b[2Jme=\udcff"], ["-\x1b]0;pwned\x07", "\udcff"], ["--name\u202e", "\udcff"],
    ["--" + "x" * 100_000 + "=\udcff"],
])
def test_an_undecodable_argument_is_named_without_a_control_character(argv, capsys):
    """The option named by the start-up check came from the command line as typed: it
    could carry ESC to the terminal, or be 100,000 characters long."""
    from xueji_cli.cli import startup

    with pytest.raises(SystemExit) as stopped:
        startup.check_argv(["init", *argv, "--json"])
    assert stopped.value.code == 1
    said = capsys.readouterr()
    for text in (said.out, said.err):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert len(text) < 1000
    assert json.loads(said.out)["errors"][0]["rule"] == "INPUT"


def test_the_show_id_note_keeps_what_was_typed_safe_and_short(pupil, xueji, sql):
    """The --show-id note is written before the command judges its arguments: a refused
    text went into the journal as typed — escape codes, 100,000 characters."""
    for value in (f"西山{ESCAPES}小学\u202e", "字" * 100_000):
        result = xueji("transfer", "out", FIRST, "--to-school", value,
                       "--to-region", OTHER_TOWN, *MOVE, "--show-id", "--json")
        assert result.exit_code == 1
    notes = [json.loads(d) for (d,) in sql("SELECT details FROM journal WHERE kind = 'access'")]
    assert len(notes) == 2
    noted = [n["arguments"]["to_school"] for n in notes]
    assert noted[0] == "西山<U+001B>]0;pwned<U+0007><U+001B>[2J小学<U+202E>"
    assert noted[1] == "字" * 200


def test_a_refused_text_is_reported_once_not_again_as_missing(pupil, xueji):
    """CHG-2: a withdrawal's reason holding ESC is invalid input; the rule that a withdrawal
    needs a reason does not also say it has none (the value was set aside, not left out)."""
    result = xueji("withdraw", FIRST, "--reason", f"随父母回原籍{ESCAPES}", *LAWFUL, "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["rule"], e["field"]) for e in errors if e["field"] == "reason"] == [("INPUT", "reason")]
