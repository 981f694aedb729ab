"""subscriptions: a fan's membership of a creator, and the paid months behind it

Revision ID: 0008_subscriptions
Revises: 0007_payouts
Create Date: 2026-11-25 20:50:00.000000

Two new tables; payments and the ledger are untouched (a subscription is a
payment of kind `subscription`, posted like a tip).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.base import UTCDateTime

revision: str = "0008_subscriptions"
down_revision: str | None = "0007_payouts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("paid_until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_memberships_creator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_memberships_member_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("creator_id", "member_id", name="uq_memberships_creator_member"),
    )
    op.create_index("ix_memberships_member", "memberships", ["member_id"])
    op.create_table(
        "membership_months",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=False),
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_membership_months_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_membership_months_membership_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_months")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_membership_months_payment_id")),
    )
    op.create_index(
        op.f("ix_membership_months_membership_id"), "membership_months", ["membership_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_membership_months_membership_id"), table_name="membership_months")
    op.drop_table("membership_months")
    op.drop_index("ix_memberships_member", table_name="memberships")
    op.drop_table("memberships")
