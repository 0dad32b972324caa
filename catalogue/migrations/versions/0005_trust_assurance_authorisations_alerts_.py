"""trust assurance: authorisations, alerts, verifications, DPIAs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('authorisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trust_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('purposes', sa.JSON(), nullable=False),
    sa.Column('users', sa.JSON(), nullable=False),
    sa.Column('dpia_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('seen', sa.JSON(), nullable=False),
    sa.Column('authorised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('authorised_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['authorised_by_id'], ['account.id'], name=op.f('fk_authorisation_authorised_by_id_account')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_authorisation_product_id_product')),
    sa.ForeignKeyConstraint(['trust_id'], ['organisation.id'], name=op.f('fk_authorisation_trust_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorisation'))
    )
    with op.batch_alter_table('authorisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorisation_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorisation_trust_id'), ['trust_id'], unique=False)

    op.create_table('supplier_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_supplier_document_product_id_product')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['account.id'], name=op.f('fk_supplier_document_uploaded_by_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_document'))
    )
    with op.batch_alter_table('supplier_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_document_product_id'), ['product_id'], unique=False)

    op.create_table('trust_dpia',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trust_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('product_version', sa.Integer(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], name=op.f('fk_trust_dpia_created_by_id_account')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_trust_dpia_product_id_product')),
    sa.ForeignKeyConstraint(['trust_id'], ['organisation.id'], name=op.f('fk_trust_dpia_trust_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_dpia')),
    sa.UniqueConstraint('trust_id', 'product_id', 'number', name=op.f('uq_trust_dpia_trust_id'))
    )
    with op.batch_alter_table('trust_dpia', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_dpia_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trust_dpia_trust_id'), ['trust_id'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authorisation_id', sa.Integer(), nullable=False),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('to_version', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['account.id'], name=op.f('fk_alert_acknowledged_by_id_account')),
    sa.ForeignKeyConstraint(['authorisation_id'], ['authorisation.id'], name=op.f('fk_alert_authorisation_id_authorisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_authorisation_id'), ['authorisation_id'], unique=False)

    op.create_table('verification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('criterion_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('evidence_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['verified_by_id'], ['account.id'], name=op.f('fk_verification_verified_by_id_account')),
    sa.ForeignKeyConstraint(['version_id'], ['product_version.id'], name=op.f('fk_verification_version_id_product_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification')),
    sa.UniqueConstraint('version_id', 'evaluator_id', 'criterion_id', name=op.f('uq_verification_version_id'))
    )
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_version_id'), ['version_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_version_id'))

    op.drop_table('verification')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_authorisation_id'))

    op.drop_table('alert')
    with op.batch_alter_table('trust_dpia', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trust_dpia_trust_id'))
        batch_op.drop_index(batch_op.f('ix_trust_dpia_product_id'))

    op.drop_table('trust_dpia')
    with op.batch_alter_table('supplier_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_document_product_id'))

    op.drop_table('supplier_document')
    with op.batch_alter_table('authorisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorisation_trust_id'))
        batch_op.drop_index(batch_op.f('ix_authorisation_product_id'))

    op.drop_table('authorisation')
