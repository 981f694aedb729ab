"""refunds: a payment's refunded amount and its own next action, and the refunds table

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 19:40:00.000000

`payments.refunded_amount` is what has been refunded or is being refunded (a
refund reserves its amount before the provider is asked, so two refunds can
never together exceed the payment). `payments.next_action` keeps the action a
provider gave for this very payment (a Stripe client secret, a payment page
URL), which a later read of the payment must show again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(
            sa.Column("refunded_amount", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("next_action", sa.Text(), nullable=True))

    op.create_table(
        "refunds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure_code", sa.String(length=40), nullable=True),
        sa.Column("provider_ref", sa.String(length=100), nullable=True),
        sa.Column("idempotency_key_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_refunds_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["idempotency_key_id"],
            ["idempotency_keys.id"],
            name=op.f("fk_refunds_idempotency_key_id_idempotency_keys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("provider_ref", name=op.f("uq_refunds_provider_ref")),
        sa.UniqueConstraint("idempotency_key_id", name=op.f("uq_refunds_idempotency_key_id")),
    )
    op.create_index(op.f("ix_refunds_payment_id"), "refunds", ["payment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_refunds_payment_id"), table_name="refunds")
    op.drop_table("refunds")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("next_action")
        batch.drop_column("refunded_amount")
