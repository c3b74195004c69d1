"""safety: the database itself refuses what must never happen

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-29

No table changes, only guards (SQLite triggers; a PostgreSQL function and
triggers for a server deployment):
- every journal entry names its operator (no entry without one, or with a blank one);
- student records and persons are never deleted (NUM-3, CHG-3: a record is cancelled by
  a journal entry, never removed), even by a tool that turned foreign keys off;
- the journal's own append-only guards (0001) are asserted again, in case a migration
  chained before this one recreated the `journal` table and lost them.
"""
from alembic import op


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

OPERATOR_MESSAGE = "journal entry needs an operator"
DELETE_MESSAGE = "student records are never deleted: record a change in the journal instead"
JOURNAL_MESSAGE = "journal is append-only: record a correcting entry instead"
KEPT = ("student", "person")


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER journal_needs_operator BEFORE INSERT ON journal "
            "WHEN NEW.operator IS NULL OR trim(NEW.operator) = '' "
            f"BEGIN SELECT RAISE(ABORT, '{OPERATOR_MESSAGE}'); END")
        for table in KEPT:
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{DELETE_MESSAGE}'); END")
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS journal_no_{action.lower()} BEFORE {action} "
                f"ON journal BEGIN SELECT RAISE(ABORT, '{JOURNAL_MESSAGE}'); END")
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION journal_needs_operator() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN IF NEW.operator IS NULL OR btrim(NEW.operator) = '' THEN "
            f"RAISE EXCEPTION '{OPERATOR_MESSAGE}'; END IF; RETURN NEW; END $$")
        op.execute(
            "CREATE TRIGGER journal_needs_operator BEFORE INSERT ON journal "
            "FOR EACH ROW EXECUTE FUNCTION journal_needs_operator()")
        op.execute(
            "CREATE FUNCTION record_never_deleted() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{DELETE_MESSAGE}'; END $$")
        for table in KEPT:
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION record_never_deleted()")
    else:
        raise NotImplementedError(f"no guards for {dialect}")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS journal_needs_operator")
        for table in KEPT:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_needs_operator ON journal")
        op.execute("DROP FUNCTION IF EXISTS journal_needs_operator()")
        for table in KEPT:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
        op.execute("DROP FUNCTION IF EXISTS record_never_deleted()")
