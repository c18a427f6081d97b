"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        'audit_events',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False), sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('case_ref', sa.String(length=32), nullable=True),
        sa.Column('actor', sa.String(length=320), nullable=False),
        sa.Column('detail', sa.LargeBinary(), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
        sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash')),
        sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_events_prev_hash')))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_case_ref'), ['case_ref'], unique=False)

    op.create_table(
        'cases',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False), sa.Column('ref', sa.String(length=32), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('category', sa.String(length=64), nullable=True),
        sa.Column('secondary_categories', sa.JSON(), nullable=False),
        sa.Column('urgency', sa.String(length=16), nullable=True),
        sa.Column('is_complaint', sa.Boolean(), nullable=True),
        sa.Column('flags', sa.JSON(), nullable=False),
        sa.Column('suggestion', sa.JSON(), nullable=True),
        sa.Column('client_address', sa.String(length=320), nullable=False),
        sa.Column('client_name', sa.String(length=255), nullable=True),
        sa.Column('handler_email', sa.String(length=320), nullable=True),
        sa.Column('subject', sa.LargeBinary(), nullable=True),
        sa.Column('profile', sa.String(length=32), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_client_letter_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('awaiting_client_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('legal_hold', sa.Boolean(), nullable=False),
        sa.Column('person_complained_about', sa.String(length=255), nullable=True),
        sa.Column('root_cause', sa.String(length=255), nullable=True),
        sa.Column('outcome', sa.String(length=32), nullable=True),
        sa.Column('redress', sa.String(length=64), nullable=True),
        sa.Column('learning', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
        sa.UniqueConstraint('ref', name=op.f('uq_cases_ref')))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_client_address'), ['client_address'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)

    op.create_table('ref_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_ref_counters'))
    )
    op.create_table('watermarks',
    sa.Column('mailbox', sa.String(length=255), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('mailbox', name=op.f('pk_watermarks'))
    )
    op.create_table(
        'corrections',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False),
        sa.Column('case_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('old_value', sa.String(length=64), nullable=True),
        sa.Column('new_value', sa.String(length=64), nullable=False),
        sa.Column('by', sa.String(length=320), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_corrections_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_corrections')))
    op.create_table(
        'outbox',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False),
        sa.Column('case_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('requires_approval', sa.Boolean(), nullable=False),
        sa.Column('handler_email', sa.String(length=320), nullable=True),
        sa.Column('sender', sa.String(length=320), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('message_id', sa.String(length=998), nullable=False),
        sa.Column('subject', sa.LargeBinary(), nullable=False),
        sa.Column('body_text', sa.LargeBinary(), nullable=False),
        sa.Column('body_html', sa.LargeBinary(), nullable=True),
        sa.Column('in_reply_to', sa.String(length=998), nullable=True),
        sa.Column('references', sa.JSON(), nullable=False),
        sa.Column('reply_to', sa.String(length=320), nullable=False),
        sa.Column('auto_submitted', sa.String(length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_by', sa.String(length=320), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outbox_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_id')))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_status_next_attempt_at'),
                              ['status', 'next_attempt_at'], unique=False)

    op.create_table(
        'raw_messages',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False), sa.Column('dedupe_key', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.String(length=998), nullable=True),
        sa.Column('content_sha256', sa.String(length=64), nullable=False),
        sa.Column('mailbox', sa.String(length=255), nullable=True),
        sa.Column('uidvalidity', sa.BigInteger(), nullable=True),
        sa.Column('uid', sa.BigInteger(), nullable=True),
        sa.Column('internaldate', sa.DateTime(timezone=True), nullable=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('case_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_raw_messages_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_messages')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_raw_messages_dedupe_key')))
    with op.batch_alter_table('raw_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_messages_message_id'), ['message_id'],
                              unique=False)

    op.create_table(
        'reminders_fired',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False),
        sa.Column('case_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_reminders_fired_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_fired')),
        sa.UniqueConstraint('case_id', 'key', name=op.f('uq_reminders_fired_case_id_key')))
    op.create_table(
        'approval_tokens',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False),
        sa.Column('outbox_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('handler_email', sa.String(length=320), nullable=False),
        sa.Column('token_sha256', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'],
                                name=op.f('fk_approval_tokens_outbox_id_outbox')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_tokens')),
        sa.UniqueConstraint('token_sha256', name=op.f('uq_approval_tokens_token_sha256')))
    op.create_table(
        'case_messages',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False),
        sa.Column('case_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('message_id', sa.String(length=998), nullable=True),
        sa.Column('raw_message_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('outbox_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('from_addr', sa.String(length=320), nullable=True),
        sa.Column('subject', sa.LargeBinary(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_messages_case_id_cases')),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'],
                                name=op.f('fk_case_messages_outbox_id_outbox')),
        sa.ForeignKeyConstraint(['raw_message_id'], ['raw_messages.id'],
                                name=op.f('fk_case_messages_raw_message_id_raw_messages')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages')))
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_messages_message_id'), ['message_id'],
                              unique=False)

    op.create_table(
        'quarantine',
        sa.Column('id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False),
        sa.Column('raw_message_id',
                  sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolution', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['raw_message_id'], ['raw_messages.id'],
                                name=op.f('fk_quarantine_raw_message_id_raw_messages')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine')))



def downgrade() -> None:

    op.drop_table('quarantine')
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_messages_message_id'))
        batch_op.drop_index(batch_op.f('ix_case_messages_case_id'))

    op.drop_table('case_messages')
    op.drop_table('approval_tokens')
    op.drop_table('reminders_fired')
    with op.batch_alter_table('raw_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_messages_message_id'))

    op.drop_table('raw_messages')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_status_next_attempt_at'))

    op.drop_table('outbox')
    op.drop_table('corrections')
    op.drop_table('watermarks')
    op.drop_table('ref_counters')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_state'))
        batch_op.drop_index(batch_op.f('ix_cases_client_address'))

    op.drop_table('cases')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_case_ref'))

    op.drop_table('audit_events')
