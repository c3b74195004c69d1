"""operator check: a journal entry's operator is checked by a CHECK constraint

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

The rule of 0009 — every journal entry names its operator, not blank — stays exactly
the same, but is kept by the table itself (CONSTRAINT journal_needs_operator CHECK
(trim(operator) <> '')) instead of a BEFORE INSERT trigger. SQLite runs a trigger as
a sub-program for every row inserted, and a statement that may be aborted by a trigger
needs its own statement journal; a CHECK constraint is tested in the INSERT itself. A
September roster appends one entry per child: the trigger was 1.3 % of a 10 000-row
import's instructions (bench/intake.py; callgrind).

SQLite cannot add a constraint to a table: the journal is rebuilt the way SQLite's
documentation describes (a new table, every row copied by id, the old table dropped),
inside the migration's transaction, with foreign keys checked at the commit. The old
table is renamed first so that the self-reference of `corrects` points at the new
table. The indexes and the append-only guards (0001) are made again on the new table:
they go with the old one. Entries keep their ids and every value.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

CHECK_NAME = "journal_needs_operator"
CHECK = "trim(operator) <> ''"
OPERATOR_MESSAGE = "journal entry needs an operator"  # 0009's trigger, restored by downgrade
GUARD_MESSAGE = "journal is append-only: record a correcting entry instead"
INDEXES = (("ix_journal_date_kind", ["effective_date", "kind"]),
           ("ix_journal_student_id", ["student_id"]),
           ("ix_journal_case_ref", ["case_ref"]),
           ("ix_journal_kind_school_date", ["kind", "school_id", "effective_date"]))


def _columns() -> list[sa.Column]:
    """The journal's columns as 0001 made them (frozen here: this migration must build
    the same table whatever the models say later)."""
    text = sqlmodel.sql.sqltypes.AutoString
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=True),
        sa.Column('kind', text(), nullable=False),
        sa.Column('national_code', text(), nullable=True),
        sa.Column('effective_date', sa.Date(), nullable=False),
        sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('operator', text(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('from_school', text(), nullable=True),
        sa.Column('to_school', text(), nullable=True),
        sa.Column('reason', text(), nullable=True),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('approvals', sa.JSON(), nullable=False),
        sa.Column('sets', sa.JSON(), nullable=False),
        sa.Column('remark', text(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('case_ref', text(), nullable=True),
        sa.Column('corrects', sa.Integer(), nullable=True),
        sa.Column('batch', text(), nullable=True),
    ]


def _rebuild_journal(with_check: bool) -> None:
    """SQLite: the journal made anew, with or without the operator CHECK; same rows,
    ids, indexes and append-only guards."""
    op.execute("PRAGMA defer_foreign_keys = ON")  # checked at the commit (ends with it)
    for trigger in ("journal_no_update", "journal_no_delete", "journal_needs_operator"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for name, _columns_of in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("ALTER TABLE journal RENAME TO journal_old")
    constraints = [sa.ForeignKeyConstraint(['corrects'], ['journal.id']),
                   sa.ForeignKeyConstraint(['school_id'], ['school.id']),
                   sa.ForeignKeyConstraint(['student_id'], ['student.id']),
                   sa.PrimaryKeyConstraint('id')]
    if with_check:
        constraints.append(sa.CheckConstraint(CHECK, name=CHECK_NAME))
    columns = _columns()
    op.create_table('journal', *columns, *constraints)
    names = ", ".join(column.name for column in columns)
    op.execute(f"INSERT INTO journal ({names}) SELECT {names} FROM journal_old ORDER BY id")
    op.execute("DROP TABLE journal_old")
    for name, indexed in INDEXES:
        op.create_index(name, 'journal', indexed, unique=False)
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER journal_no_{action.lower()} BEFORE {action} ON journal "
                   f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END")


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        _rebuild_journal(with_check=True)
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_needs_operator ON journal")
        op.execute("DROP FUNCTION IF EXISTS journal_needs_operator()")
        op.create_check_constraint(CHECK_NAME, 'journal', CHECK)
    else:
        raise NotImplementedError(f"no operator check for {dialect}")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        _rebuild_journal(with_check=False)
        op.execute(
            "CREATE TRIGGER journal_needs_operator BEFORE INSERT ON journal "
            "WHEN NEW.operator IS NULL OR trim(NEW.operator) = '' "
            f"BEGIN SELECT RAISE(ABORT, '{OPERATOR_MESSAGE}'); END")
    elif dialect == "postgresql":
        op.drop_constraint(CHECK_NAME, 'journal', type_='check')
        op.execute(
            "CREATE FUNCTION journal_needs_operator() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN IF NEW.operator IS NULL OR btrim(NEW.operator) = '' THEN "
            f"RAISE EXCEPTION '{OPERATOR_MESSAGE}'; END IF; RETURN NEW; END $$")
        op.execute(
            "CREATE TRIGGER journal_needs_operator BEFORE INSERT ON journal "
            "FOR EACH ROW EXECUTE FUNCTION journal_needs_operator()")
    else:
        raise NotImplementedError(f"no operator check for {dialect}")
