"""The list of records (student list --csv) as plain rows of SQL, read through
store/reading: on SQLite by sqlite3 alone, so that 100k pupils go out without loading
SQLAlchemy and the models, and without an object per record; on a server through the
session's connection. Filters, order and paging are those of students.listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from xueji_cli.store.reading import EVERY_ROW
from xueji_cli.values import codes
from xueji_cli.values.errors import InputError
from xueji_cli.values.fields import compact_name
from xueji_cli.values.school_codes import not_found

# Every field of a record the list exports, in the order of cli/views/records.CSV_FIELDS.
COLUMNS = ("s.local_number, s.national_number, p.name, p.gender, p.birth_date, p.id_type,"
           " p.id_number, p.ethnicity, sc.code, sc.name, s.entry_year, s.grade, s.class_no,"
           " s.status, s.enrolled_on, p.hukou_region, p.guardian_name, p.guardian_phone,"
           " p.guardian_hukou_region, p.residence_region, p.address, s.remark")
RECORDS = ("FROM student s JOIN person p ON p.id = s.person_id"
           " JOIN school sc ON sc.id = s.school_id")
ROSTER_ORDER = "sc.code, s.grade, s.class_no, s.local_number"


def parse_status(text: str) -> str:
    found = codes.parse_code("status", text)
    if not found:
        choices = "、".join(f"{k}({v})" for k, v in codes.table("status").items())
        raise InputError("status", f"没有「{text}」这种学籍状态", f"可选:{choices}")
    return found


def require_school(reader, code: str) -> None:
    """The school of a filter is one of the directory's (NotFound naming them otherwise,
    as records/directory/schools.get says it)."""
    known = reader.rows("SELECT code, name FROM school", {})
    if code not in {school for school, _name in known}:
        raise not_found(code, known)


def rows(reader, school: str | None = None, grade: int | None = None,
         class_no: int | None = None, status: str | None = None, name: str | None = None,
         limit: int | None = None, offset: int = 0) -> Iterator[tuple]:
    """The records by the filters in roster order, each as the values of COLUMNS (a date
    as ISO text on SQLite, a date on a server: see iso), as the database gives them."""
    where, parameters = [], {}
    if name:
        escaped = compact_name(name).replace("/", "//").replace("%", "/%").replace("_", "/_")
        where.append("p.name LIKE '%' || :name || '%' ESCAPE '/'")
        parameters["name"] = escaped
    for column, key, value in (("sc.code", "school", school), ("s.grade", "grade", grade),
                               ("s.class_no", "class_no", class_no),
                               ("s.status", "status", status)):
        if value is not None:
            where.append(f"{column} = :{key}")
            parameters[key] = value
    statement = (f"SELECT {COLUMNS} {RECORDS}" + (f" WHERE {' AND '.join(where)}" if where else "")
                 + f" ORDER BY {ROSTER_ORDER}")
    if limit is not None or offset:
        statement += " LIMIT :limit OFFSET :offset"
        parameters |= {"limit": EVERY_ROW if limit is None else limit, "offset": offset}
    return reader.stream(statement, parameters)


def iso(value: str | dt.date) -> str:
    """A date column's value as ISO text (sqlite3 gives the stored text, a server a date)."""
    return value if value.__class__ is str else value.isoformat()


def labeller(table: str):
    """codes.label of one table as a look-up of its own (a label per row of 100k)."""
    known = {None: "", "": ""} | codes.table(table)
    return lambda code: known.get(code, code)
