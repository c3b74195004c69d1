"""A throwaway PostgreSQL for the `postgres` tests: XUEJI_TEST_DATABASE_URL names the
server's maintenance database (.ci/with-postgres starts one for `make test`); each test
gets a database of its own, copied from a template at the newest schema and dropped after.
Without a server every `postgres` test is skipped, never failed."""

from __future__ import annotations

import itertools
import os
import sqlite3
from contextlib import closing
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg.types.string import TextLoader

SERVER_VARIABLE = "XUEJI_TEST_DATABASE_URL"
_names = itertools.count(1)
TEXT_AS_SQLITE = ("date", "json", "jsonb")


def server_url() -> str:
    return os.environ.get(SERVER_VARIABLE, "")


def with_database(url: str, name: str) -> str:
    """The server's URL with another database name (the socket folder is kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin(statement: str) -> None:
    """One statement on the maintenance database, outside a transaction (CREATE/DROP
    DATABASE cannot run in one)."""
    with closing(psycopg.connect(server_url(), autocommit=True)) as conn:
        conn.execute(statement)


def new_database(template: str = "template1") -> str:
    """A new database copied from `template`; returns its name."""
    name = f"xueji_test_{os.getpid()}_{next(_names)}"
    if template != "template1":  # a template may not be copied while anyone is connected
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
              f"WHERE datname = '{template}' AND pid <> pg_backend_pid()")
    admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    return name


def drop_database(name: str) -> None:
    admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_sql(url: str, statement: str, params=()) -> list:
    """sql(statement, *params) on a server database, autocommit; `?` placeholders as
    sqlite3 writes them."""
    with closing(psycopg.connect(url, autocommit=True)) as conn:
        for kind in TEXT_AS_SQLITE:  # read back as the text SQLite holds
            conn.adapters.register_loader(kind, TextLoader)
        cursor = conn.execute(statement.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []


def skip_without_server(items) -> None:
    """Mark every `postgres` test skipped when no server is given."""
    if server_url():
        return
    skip = pytest.mark.skip(reason=f"no PostgreSQL server ({SERVER_VARIABLE} unset)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# what a refused statement raises, on either store
DATABASE_ERRORS = (sqlite3.DatabaseError, psycopg.Error)

BOTH_STORES = pytest.mark.parametrize(
    "store_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
