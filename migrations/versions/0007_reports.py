"""reports: indexes for the monthly report's census and tallies

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-29

Two indexes, nothing else: the census of the monthly report counts the journal's
increases and decreases per school from ix_journal_kind_school_date alone, and its
tallies count records per school, grade, kind and status from ix_student_tally alone
(see bench/report.py for the query plans).

Plain CREATE INDEX, never batch mode: a batch operation recreates the table in SQLite,
and a recreated `journal` would lose its append-only triggers.
"""
from alembic import op


revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_journal_kind_school_date', 'journal',
                    ['kind', 'school_id', 'effective_date'], unique=False)
    op.create_index('ix_student_tally', 'student',
                    ['school_id', 'grade', 'kind', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_student_tally', table_name='student')
    op.drop_index('ix_journal_kind_school_date', table_name='journal')
