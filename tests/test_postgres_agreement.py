"""The county's proof that the two stores agree: the same township on SQLite and on the
server (moved there by `xueji db copy`) gives the same monthly report (REP-1: the JSON and
every cell of the bureau's workbook), the same `check` (CHG-3), `renumber-check` (NUM-1,
NUM-2) and `report stats` — the server's own queries, not the file's, answering.
Skipped without a server."""

from __future__ import annotations

import openpyxl
import pgkit
import pytest
from conftest import copy_directory, settle
from journalkit import kit  # noqa: F401  (the fixture)
from test_report_monthly import every_kind

pytestmark = pytest.mark.postgres

COMMANDS = (("report", "monthly", "--month", "2026-10", "--json"),
            ("report", "monthly", "--month", "2026-09", "--json"),
            ("report", "monthly", "--month", "2026-10", "--as-now", "--json"),
            ("check", "--json"),
            ("renumber-check", "--json"),
            ("report", "stats", "--json"),
            ("report", "stats", "--as-of", "2026-09-30", "--json"))


@pytest.fixture
def both_stores(kit, township, xueji, xueji_at, tmp_path, request):
    """(the SQLite directory, the same township copied into a server database)."""
    every_kind(kit)  # an entry of every change kind, and records changed behind the journal
    kit.close()
    assert xueji("region", "import", "samples/regions-示范镇.csv").exit_code == 0
    assert xueji("report", "monthly", "--month", "2026-09", "--submit").exit_code == 0
    settle(township)
    name = pgkit.new_database()
    request.addfinalizer(lambda: pgkit.drop_database(name))
    server = copy_directory(township, tmp_path / "县服务器")
    url = pgkit.with_database(pgkit.server_url(), name)
    result = xueji_at(server, "db", "copy", "--to", url, "--switch")
    assert result.exit_code == 0, result.stderr
    (server / "xueji.db").unlink()  # nothing can be read from the file any more
    return township, server


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command[:3]))
def test_every_answer_is_the_same_on_both_stores(both_stores, xueji_at, as_json, command):
    on_file, on_server = (xueji_at(directory, *command) for directory in both_stores)
    assert on_server.exit_code == on_file.exit_code
    assert as_json(on_server) == as_json(on_file)


def test_the_bureaus_workbook_is_the_same_on_both_stores(both_stores, xueji_at, tmp_path):
    sheets = []
    for directory, name in zip(both_stores, ("file", "server"), strict=True):
        path = tmp_path / f"月报-{name}.xlsx"
        result = xueji_at(directory, "report", "monthly", "--month", "2026-10", "--xlsx", path)
        assert result.exit_code in (0, 1), result.stderr
        book = openpyxl.load_workbook(path)
        sheets.append({sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
                       for sheet in book.worksheets})
    assert sheets[0] == sheets[1] and sheets[0]
