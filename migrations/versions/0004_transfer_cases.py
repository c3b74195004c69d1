"""transfer cases

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-29

Transfer cases (TRF-2, TRF-3): one row per case, written once when the family applies; every
later step is a journal entry with case_ref = case_no. The journal itself is not touched.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('transfer_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_no', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('route', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('from_school_id', sa.Integer(), nullable=True),
    sa.Column('from_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('from_region', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('to_school_id', sa.Integer(), nullable=True),
    sa.Column('to_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('to_region', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('to_class', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason_detail', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('special_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('incoming', sa.JSON(), nullable=False),
    sa.Column('origin_case_no', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['from_school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], ),
    sa.ForeignKeyConstraint(['to_school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_no')
    )
    with op.batch_alter_table('transfer_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_case_student_id'), ['student_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('transfer_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_case_student_id'))

    op.drop_table('transfer_case')
