"""No workbook replaced silently: every command that writes a file refuses one already
there (exit 1, the file untouched, its name and --force said) and replaces it with
--force. The harm guarded: a stamped form or a submitted month's report overwritten by a
later run that the registrar did not mean to replace."""

from __future__ import annotations

import pytest
import rosters


def _commands(enroll, xueji, tmp_path):
    assert enroll().exit_code == 0
    return [
        ("report", "roster", "--xlsx"),
        ("report", "roster", "--template", "national", "--xlsx"),
        ("report", "monthly", "--month", "2026-09", "--xlsx"),
        ("report", "verify", "--xlsx"),
        ("student", "card", "02262600100001", "--xlsx"),
        ("borrow", "list", "--xlsx"),
    ]


def test_every_writer_refuses_an_existing_file_unless_forced(township, enroll, xueji, tmp_path):
    for number, command in enumerate(_commands(enroll, xueji, tmp_path)):
        target = tmp_path / f"out{number}.xlsx"
        target.write_bytes(b"stamped copy")
        refused = xueji(*command, target)
        assert refused.exit_code == 1, (command, refused.stderr)
        assert target.read_bytes() == b"stamped copy", command
        assert str(target) in refused.stderr and "--force" in refused.stderr, refused.stderr
        forced = xueji(*command, target, "--force")
        assert forced.exit_code == 0, (command, forced.stderr)
        assert target.read_bytes()[:2] == b"PK", command  # a workbook now


def test_errors_out_refuses_an_existing_file(township, xueji, tmp_path):
    roster = rosters.write(tmp_path / "in.xlsx", [rosters.child(1, 姓名="")])
    target = tmp_path / "问题行.xlsx"
    target.write_bytes(b"yesterday's list")
    refused = xueji("enroll", "--from", roster, "--school", "001", "--dry-run", "--errors-out", target)
    assert refused.exit_code == 1 and target.read_bytes() == b"yesterday's list"
    assert "--force" in refused.stderr
    forced = xueji("enroll", "--from", roster, "--school", "001", "--dry-run", "--errors-out", target,
                    "--force")
    assert forced.exit_code == 1 and target.read_bytes()[:2] == b"PK", forced.stderr  # problems: exit 1


@pytest.mark.parametrize("name", ["new.xlsx"])
def test_a_new_file_needs_no_force(township, enroll, xueji, tmp_path, name):
    assert enroll().exit_code == 0
    assert xueji("report", "roster", "--xlsx", tmp_path / name).exit_code == 0
