"""xueji.toml (store/settings.py): the defaults are the policy table at the end of
RULES.md; a broken file is exit 3; the school year and semester calendar."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xueji_cli.store import settings as settings_mod
from xueji_cli.store.settings import Semester, Settings
from xueji_cli.values.errors import DirectoryError

D = dt.date.fromisoformat


@pytest.fixture
def new_toml(tmp_path):
    """A directory holding the xueji.toml that `xueji init` writes."""
    text = settings_mod.render_new("测试镇", "township", "02", "26")
    (tmp_path / "xueji.toml").write_text(text, "utf-8")
    return tmp_path


def write(directory, text):
    (directory / "xueji.toml").write_text(text, "utf-8")


def assert_policy_table(s: Settings) -> None:
    """The policy table at the end of RULES.md."""
    assert (s.city, s.county) == ("02", "26")  # QA
    assert s.type_digit["primary"] == "0"  # QA
    assert s.policy.school_age_years == 6 and s.policy.school_age_cutoff == (8, 31)
    assert s.policy.underage_entry == "commitment"  # refused unless a 承诺书 is recorded
    assert s.policy.transfer_window_days == 14
    assert s.policy.borrow_late_start is False  # BOR-4: beginning of a semester only
    assert s.policy.admit_within_days == 3
    assert s.policy.suspension_min_years == 1  # one calendar year (SUS-2)
    assert s.policy.county_hospitals == ()
    assert s.policy.suspension_max_years == 2
    assert s.policy.suspension_early_return is False
    assert s.policy.suspension_max_share == pytest.approx(0.03)
    assert s.class_cap["primary"] == 45 and s.class_cap["junior"] == 50  # JZ
    assert s.policy.future_limit_days == 31  # September's intake may be entered in August


def test_code_defaults_match_rules_table():
    assert_policy_table(Settings(name="x"))


def test_new_directory_file_matches_rules_table(new_toml):
    s = settings_mod.load(new_toml)
    assert s.name == "测试镇" and s.kind == "township"
    assert_policy_table(s)
    assert s.grades == {"primary": (1, 6), "junior": (7, 9), "senior": (10, 12)}
    assert (s.intake_opens, s.autumn_start, s.spring_start) == ((6, 1), (9, 1), (3, 1))
    assert s.busy_timeout_seconds == 15 and s.database_url == "" and s.semesters == []


def test_minimal_file_takes_the_defaults(tmp_path):
    write(tmp_path, 'name = "最小"\n')
    assert_policy_table(settings_mod.load(tmp_path))


def test_name_with_quotes_is_a_valid_toml_string(tmp_path):
    write(tmp_path, settings_mod.render_new('东"村"小学\\', "school", "13", "01"))
    s = settings_mod.load(tmp_path)
    assert s.name == '东"村"小学\\' and (s.city, s.county, s.kind) == ("13", "01", "school")


def test_overrides(new_toml):
    path = new_toml / "xueji.toml"
    text = path.read_text("utf-8")
    for old, new in (('underage_entry = "commitment"', 'underage_entry = "refuse"'),
                     ('school_age_cutoff = "08-31"', 'school_age_cutoff = "09-01"'),
                     ("primary = 45", "primary = 40"), ("junior = 50", "junior = 45"),
                     ("require_vaccination = false", "require_vaccination = true"),
                     ('county = "26"', 'county = "27"'),
                     ("suspension_early_return = false", "suspension_early_return = true"),
                     ("borrow_late_start = false", "borrow_late_start = true"),
                     ("future_limit_days = 31", "future_limit_days = 7")):
        assert old in text
        text = text.replace(old, new, 1)
    text += ('\n[[calendar.semester]]\nname = "2026—2027学年第一学期"\n'
             "start = 2026-08-28\nend = 2027-01-20\n")
    path.write_text(text, "utf-8")
    s = settings_mod.load(new_toml)
    assert s.policy.underage_entry == "refuse" and s.policy.school_age_cutoff == (9, 1)
    assert s.class_cap["primary"] == 40 and s.class_cap["junior"] == 45
    assert s.policy.require_vaccination is True and s.policy.suspension_early_return is True
    assert s.policy.borrow_late_start is True
    assert s.county == "27" and s.policy.future_limit_days == 7
    assert s.semesters == [Semester("2026—2027学年第一学期", D("2026-08-28"), D("2027-01-20"))]


# -- broken files: DirectoryError, exit 3 -------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ('name = "未闭合\n', "写得不对"),
    ("[codes\ncity = 02\n", "写得不对"),
    ("codes = 1\n", "设置有误"),  # no name
    ('name = "x"\n[codes]\ncity = "2"\n', "codes.city"),
    ('name = "x"\n[codes]\ncounty = "2A"\n', "codes.county"),
    ('name = "x"\nkind = "county"\n', "kind"),
    ('name = "x"\n[policy]\nunderage_entry = "maybe"\n', "underage_entry"),
    ('name = "x"\n[policy]\nschool_age_cutoff = "02-30"\n', "设置有误"),
    ('name = "x"\n[policy]\nschool_age_cutoff = "8月31日"\n', "school_age_cutoff"),
    ('name = "x"\n[policy]\nrequire_vaccination = "yes"\n', "require_vaccination"),
    ('name = "x"\n[policy]\nborrow_late_start = 1\n', "borrow_late_start"),
    ('name = "x"\n[policy]\nschool_age_years = "six"\n', "设置有误"),
    ('name = "x"\n[class_cap]\nprimary = 0\n', "class_cap"),
    ('name = "x"\n[grades]\nprimary = [6, 1]\n', "grades"),
    ('name = "x"\n[school_type_digit]\njunior = "12"\n', "school_type_digit"),
    ('name = "x"\n[calendar]\nautumn_start = "13-01"\n', "设置有误"),
    ('name = "x"\n[[calendar.semester]]\nname = "s"\nstart = "2026-09-01"\n', "calendar.semester"),
    ('name = "x"\nbusy_timeout_seconds = "soon"\n', "设置有误"),
    ('name = "x"\n[policy]\nschool_age_cutoff = "02-29"\n', "设置有误"),  # not every year has it
    ('name = "x"\n[policy]\nunderage_entr = "refuse"\n', "policy.underage_entr"),  # a typo
    ('name = "x"\nnmae = "y"\n', "nmae"),
    ('name = "x"\n[policy]\nfuture_limit_days = -1\n', "future_limit_days"),
    ('name = "x"\noperator = "张\\u001b三"\n', "operator"),  # goes onto every journal entry
    ('name = "示范镇\\u202e"\n', "name"),
    (f'name = "x"\noperator = "{"张" * 51}"\n', "operator"),
    ('name = "x"\n[class_cap]\nprimry = 40\n', "class_cap.primry"),
])
def test_broken_settings_are_a_directory_error(tmp_path, text, words):
    write(tmp_path, text)
    with pytest.raises(DirectoryError) as info:
        settings_mod.load(tmp_path)
    assert info.value.exit_code == 3
    assert words in info.value.message
    assert info.value.hint


# -- SUS-2 in calendar years, the county-level hospitals -----------------------------------

OLD_POLICY = 'name = "x"\n[policy]\nsuspension_min_days = {days}         # 休学至少一年 (SUS-2)\n'


@pytest.mark.parametrize("days, years", [(365, 1), (366, 1), (730, 2), (731, 2)])
def test_an_old_file_in_days_loads_as_calendar_years(tmp_path, days, years):
    """Every xueji.toml written before says `suspension_min_days = 365` (one year): such a
    directory keeps working, the days read as calendar years (SUS-2)."""
    write(tmp_path, OLD_POLICY.format(days=days) + "suspension_max_years = 3\n")
    assert settings_mod.load(tmp_path).policy.suspension_min_years == years


@pytest.mark.parametrize("text", [
    OLD_POLICY.format(days=180), OLD_POLICY.format(days=364), OLD_POLICY.format(days=0),
    OLD_POLICY.format(days='"365"'),
])
def test_an_old_minimum_that_is_no_whole_year_says_what_to_write(tmp_path, text):
    write(tmp_path, text)
    with pytest.raises(DirectoryError) as info:
        settings_mod.load(tmp_path)
    assert "suspension_min_years = 1" in info.value.message and "SUS-2" in info.value.message


@pytest.mark.parametrize("text, words", [
    (OLD_POLICY.format(days=365) + "suspension_min_years = 1\n", "只能写一个"),
    ('name = "x"\n[policy]\nsuspension_min_years = 0\n', "suspension_min_years"),
    ('name = "x"\n[policy]\nsuspension_min_years = 3\n', "suspension_max_years"),
    ('name = "x"\n[policy]\ncounty_hospitals = "迁安市人民医院"\n', "county_hospitals"),
    ('name = "x"\n[policy]\ncounty_hospitals = ["迁安市人民医院", 3]\n', "county_hospitals"),
    ('name = "x"\n[policy]\ncounty_hospitals = [" "]\n', "空的医院名称"),
    ('name = "x"\n[policy]\ncounty_hospitals = ["迁安\\u202e医院"]\n', "county_hospitals"),
])
def test_meaningless_suspension_settings(tmp_path, text, words):
    write(tmp_path, text)
    with pytest.raises(DirectoryError) as info:
        settings_mod.load(tmp_path)
    assert words in info.value.message


def test_county_hospitals_are_read_as_the_forms_print_them(tmp_path):
    write(tmp_path, 'name = "x"\n[policy]\ncounty_hospitals = ["迁安市人民医院", " 迁安市中医医院 "]\n')
    assert settings_mod.load(tmp_path).policy.county_hospitals == ("迁安市人民医院", "迁安市中医医院")


def test_the_template_names_the_hospital_list(new_toml):
    text = (new_toml / "xueji.toml").read_text("utf-8")
    line = next(line for line in text.splitlines() if "county_hospitals" in line)
    assert line.startswith("# county_hospitals = [")
    write(new_toml, text.replace(line, line.removeprefix("# ")))
    assert settings_mod.load(new_toml).policy.county_hospitals == ("迁安市人民医院", "迁安市中医医院")


def test_not_utf8(tmp_path):
    (tmp_path / "xueji.toml").write_bytes('name = "测试"\n'.encode("gbk"))
    with pytest.raises(DirectoryError, match="写得不对"):
        settings_mod.load(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(DirectoryError, match="不存在"):
        settings_mod.load(tmp_path)


def test_broken_toml_through_a_command_is_exit_3(ws_dir, xueji):
    (ws_dir / "xueji.toml").write_text('name = "坏\n', "utf-8")
    result = xueji("school", "list")
    assert result.exit_code == 3
    assert "xueji.toml" in result.stderr and "Traceback" not in result.stderr
    result = xueji("school", "list", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["errors"][0]["rule"] == "DirectoryError"


# -- school year and semesters ---------------------------------------------------------------

@pytest.mark.parametrize("day, year", [
    ("2026-09-01", 2026), ("2026-06-01", 2026), ("2026-05-31", 2025), ("2027-01-15", 2026),
    ("2026-12-31", 2026), ("2027-03-01", 2026),
])
def test_school_year(day, year):
    assert Settings(name="x").school_year(D(day)) == year


def test_school_year_with_other_intake_day():
    s = Settings(name="x", intake_opens=(8, 1))
    assert s.school_year(D("2026-07-31")) == 2025 and s.school_year(D("2026-08-01")) == 2026


@pytest.mark.parametrize("day, name, start", [
    ("2026-09-01", "2026—2027学年第一学期", "2026-09-01"),
    ("2026-12-31", "2026—2027学年第一学期", "2026-09-01"),
    ("2027-01-15", "2026—2027学年第一学期", "2026-09-01"),
    ("2027-02-28", "2026—2027学年第一学期", "2026-09-01"),
    ("2027-03-01", "2026—2027学年第二学期", "2027-03-01"),
    ("2027-08-31", "2026—2027学年第二学期", "2027-03-01"),
])
def test_generic_semesters(day, name, start):
    semester = Settings(name="x").semester_of(D(day))
    assert (semester.name, semester.start) == (name, D(start))


def test_explicit_semesters_take_precedence():
    s = Settings(name="x", semesters=[
        Semester("2026—2027学年第一学期", D("2026-08-28"), D("2027-01-20")),
        Semester("2026—2027学年第二学期", D("2027-02-20"), None),
    ])
    assert s.semester_of(D("2026-08-29")).start == D("2026-08-28")
    assert s.semester_of(D("2027-02-25")).start == D("2027-02-20")
    assert s.semester_of(D("2027-06-30")).name == "2026—2027学年第二学期"
    # between the listed semesters (winter holiday): the generic calendar answers
    assert s.semester_of(D("2027-02-01")).start == D("2026-09-01")


def test_an_unknown_coded_value_lists_the_choices():
    import pytest

    from xueji_cli.records.suspension.steps import parse_reason
    from xueji_cli.records.transfer.sanctions import parse_kind
    from xueji_cli.values import codes
    from xueji_cli.values.errors import InputError

    with pytest.raises(InputError) as refused:
        parse_reason("想休息")
    assert refused.value.field == "reason" and "没有「想休息」这种休学原因" in refused.value.message
    assert refused.value.hint.startswith("可选:")
    with pytest.raises(InputError) as refused:
        parse_kind("罚站")
    assert refused.value.field == "sanction_kind"
    first = next(iter(codes.table("sanction_kind").values()))
    assert parse_kind(first) == codes.parse_code("sanction_kind", first)


def test_how_far_ahead_a_date_may_be_is_the_directorys_policy(ws_dir, enroll, township):
    """One policy value (rules/dates.py) for every step's date: the default lets
    September's intake be entered in August; a directory may allow less."""
    assert enroll(date="2026-09-20").exit_code == 0  # today is 2026-09-01
    text = (ws_dir / "xueji.toml").read_text("utf-8").replace("future_limit_days = 31",
                                                             "future_limit_days = 7")
    (ws_dir / "xueji.toml").write_text(text, "utf-8")
    refused = enroll(date="2026-09-20", name="李小红", gender="女", birth="2020-07-11")
    assert refused.exit_code == 1
    assert "INPUT" in refused.stderr and "7天以后,像是年份或月份写错了" in refused.stderr
    assert "ENR-4" not in refused.stderr  # ENR-4 is the record made within a month of entry


def test_the_database_is_named_in_its_own_table(tmp_path):
    """`init --database URL` writes `[database] url` (the issue's layout); a new file reads
    it back, and an unknown key of that table is refused like any misspelt setting."""
    url = "postgresql://registrar@db.county/xueji"
    write(tmp_path, settings_mod.render_new("县局", "township", "02", "26", database_url=url))
    assert "[database]\nurl = " in (tmp_path / "xueji.toml").read_text("utf-8")
    assert settings_mod.load(tmp_path).database_url == url
    write(tmp_path, 'name = "县局"\n[database]\nurl = "sqlite:///a.db"\nuri = "x"\n')
    with pytest.raises(DirectoryError, match="database.uri"):
        settings_mod.load(tmp_path)


def test_a_directory_of_the_earlier_release_still_opens(tmp_path):
    """Directories made by the earlier release say `database_url = …` at the top: read as
    the same setting; both at once are refused, naming the one to delete."""
    url = "postgresql://registrar@db.county/xueji"
    write(tmp_path, f'name = "县局"\ndatabase_url = "{url}"\n')
    assert settings_mod.load(tmp_path).database_url == url
    write(tmp_path, f'name = "县局"\ndatabase_url = "{url}"\n[database]\nurl = "{url}"\n')
    with pytest.raises(DirectoryError, match="删去 database_url"):
        settings_mod.load(tmp_path)


@pytest.mark.parametrize("before", ['name = "县局"\n', 'name = "县局"\n[database]\nurl = ""  # 留空\n',
                                    'name = "县局"\ndatabase_url = ""\n[codes]\ncity = "02"\n'])
def test_pointing_a_directory_at_the_server_keeps_its_other_settings(tmp_path, before):
    """`db copy --switch` writes [database] url into any xueji.toml — one without the
    table (older directories), one with it, one of the earlier release."""
    url = "postgresql://registrar@db.county/xueji"
    write(tmp_path, before)
    settings_mod.point_at(tmp_path, url)
    text = (tmp_path / "xueji.toml").read_text("utf-8")
    assert settings_mod.load(tmp_path).database_url == url and "database_url" not in text
    assert settings_mod.load(tmp_path).name == "县局" and text.count("url = ") == 1
