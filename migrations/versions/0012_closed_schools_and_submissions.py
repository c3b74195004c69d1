"""closed schools and submitted monthly reports

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10

A school's closing day (撤并, ORG-2) as a nullable column, and one plain table of the
monthly reports as they were submitted to the bureau (REP-1), the document as JSON.
Plain types only: the same on SQLite and PostgreSQL.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    # A plain ADD COLUMN: no table rebuild, which the foreign keys to school would refuse.
    op.add_column('school', sa.Column('closed_on', sa.Date(), nullable=True))
    op.create_table(
        'report_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', text(length=7), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('operator', text(), nullable=False),
        sa.Column('reason', text(), nullable=True),
        sa.Column('last_entry', sa.Integer(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('month', 'version'),
    )
    op.create_index('ix_report_submission_month', 'report_submission', ['month'])


def downgrade() -> None:
    op.drop_index('ix_report_submission_month', table_name='report_submission')
    op.drop_table('report_submission')
    op.drop_column('school', 'closed_on')
