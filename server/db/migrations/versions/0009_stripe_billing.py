"""stripe billing: card subscriptions that renew a membership by themselves

Revision ID: 0009_stripe_billing
Revises: 0008_subscriptions
Create Date: 2026-11-25 22:40:00.000000

The Stripe Customer of each payer and Product of each creator (made once per mode),
the card subscriptions, and `payments.subscription_ref` naming the subscription a
payment (first or renewal) belongs to. The ledger is untouched: a renewal is a
payment of kind `subscription`, posted like any other.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.base import UTCDateTime

revision: str = "0009_stripe_billing"
down_revision: str | None = "0008_subscriptions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stripe_customers",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_stripe_customers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "mode", name=op.f("pk_stripe_customers")),
    )
    op.create_table(
        "stripe_products",
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("product_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_stripe_products_creator_id_users")
        ),
        sa.PrimaryKeyConstraint("creator_id", "mode", name=op.f("pk_stripe_products")),
    )
    op.create_table(
        "card_subscriptions",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("first_payment_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        sa.Column("period_end", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_payment_id"],
            ["payments.id"],
            name=op.f("fk_card_subscriptions_first_payment_id_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_card_subscriptions_creator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_card_subscriptions_member_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_subscriptions")),
        sa.UniqueConstraint(
            "first_payment_id", name=op.f("uq_card_subscriptions_first_payment_id")
        ),
    )
    op.create_index(
        "ix_card_subscriptions_member_creator",
        "card_subscriptions",
        ["member_id", "creator_id"],
    )
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("subscription_ref", sa.String(length=100), nullable=True))
        batch.create_index(op.f("ix_payments_subscription_ref"), ["subscription_ref"])


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_index(op.f("ix_payments_subscription_ref"))
        batch.drop_column("subscription_ref")
    op.drop_index("ix_card_subscriptions_member_creator", table_name="card_subscriptions")
    op.drop_table("card_subscriptions")
    op.drop_table("stripe_products")
    op.drop_table("stripe_customers")
