"""Alembic migrations of the xueji database (installed as xueji_cli.migrations)."""
