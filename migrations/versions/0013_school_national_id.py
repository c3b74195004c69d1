"""a school's national identifier

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

The 10-digit 学校标识码 the national system gives each school, which fills the first column
of the national template's export (STANDARDS.md). Kept with the school so that every
township writing to one county database sees it. A nullable plain column: the same on
SQLite and PostgreSQL, no table rebuild.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('school', sa.Column('national_id', sqlmodel.sql.sqltypes.AutoString(length=10),
                                      nullable=True))


def downgrade() -> None:
    op.drop_column('school', 'national_id')
