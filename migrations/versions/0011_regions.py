"""regions: the county's statistical region list (统计用区划代码)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

One plain table: a region's code (9-digit township or 12-digit village), its name, its
level and the code of the region above it. Provinces, cities and counties are named by
python-stdnum's table and are not stored. Plain types only: the same on SQLite and
PostgreSQL.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        'region',
        sa.Column('code', text(length=12), nullable=False),
        sa.Column('name', text(), nullable=False),
        sa.Column('level', text(length=8), nullable=False),
        sa.Column('parent', text(length=12), nullable=True),
        sa.PrimaryKeyConstraint('code'),
    )


def downgrade() -> None:
    op.drop_table('region')
