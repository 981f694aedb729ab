"""orange money: the callback proof's hash, and room for WebPay's reference

Revision ID: 0006_orange_money
Revises: 0005
Create Date: 2026-11-25 20:00:00.000000

`payments.callback_proof_hash` keeps the SHA-256 of the secret a provider echoes
in its callbacks (Orange Money's `notif_token`), never the secret itself.
`payments.provider_ref` grows to 200 characters: an Orange Money reference holds
the order id, the amount and Orange's `pay_token`, all three needed to ask
`transactionstatus`. SQLite does not enforce VARCHAR lengths, so only PostgreSQL
needs the wider column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_orange_money"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payments", sa.Column("callback_proof_hash", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "payments",
            "provider_ref",
            type_=sa.String(length=200),
            existing_type=sa.String(length=100),
            existing_nullable=True,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "payments",
            "provider_ref",
            type_=sa.String(length=100),
            existing_type=sa.String(length=200),
            existing_nullable=True,
        )
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("callback_proof_hash")
