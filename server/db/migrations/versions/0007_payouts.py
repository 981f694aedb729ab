"""payouts: a creator's withdrawals to mobile money

Revision ID: 0007_payouts
Revises: 0006_orange_money
Create Date: 2026-11-25 19:50:00.000000

One new table; the ledger tables are untouched (payout entries are plain
entries with new kinds and accounts, linked to their payout by idempotency key).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.base import UTCDateTime

revision: str = "0007_payouts"
down_revision: str | None = "0006_orange_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payouts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure_code", sa.String(length=40), nullable=True),
        sa.Column("provider_result", sa.String(length=40), nullable=True),
        sa.Column("push_state", sa.String(length=16), nullable=False),
        sa.Column("push_attempts", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=100), nullable=True),
        sa.Column("transaction_id", sa.String(length=40), nullable=True),
        sa.Column("callback_token_hash", sa.String(length=64), nullable=False),
        sa.Column("answer_status", sa.Integer(), nullable=True),
        sa.Column("answer_body", sa.Text(), nullable=True),
        sa.Column("next_check_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_payouts_creator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
        sa.UniqueConstraint("creator_id", "idempotency_key", name="uq_payouts_creator_key"),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_payouts_conversation_id")),
        sa.UniqueConstraint("callback_token_hash", name=op.f("uq_payouts_callback_token_hash")),
    )
    op.create_index("ix_payouts_creator_created", "payouts", ["creator_id", "created_at"])
    op.create_index(op.f("ix_payouts_status"), "payouts", ["status"])
    op.create_index(op.f("ix_payouts_next_check_at"), "payouts", ["next_check_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_payouts_next_check_at"), table_name="payouts")
    op.drop_index(op.f("ix_payouts_status"), table_name="payouts")
    op.drop_index("ix_payouts_creator_created", table_name="payouts")
    op.drop_table("payouts")
