"""Alembic environment. xueji runs migrations programmatically (store/database.py) and hands
over an open connection in `config.attributes["connection"]`; the alembic CLI can be used
by developers with `-x url=sqlite:///path/xueji.db`."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import xueji_cli.ledger.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things in place
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url")
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
