"""money: payments, idempotency keys, change counters, tickets, and the double-entry ledger

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:00:00.000000

Branches from 0001 beside streams (0002) and chat (0003): `payments.stream_id`
and `tickets.stream_id` are plain columns, no foreign key to `streams`, so the
branches apply in any order under `upgrade heads`. Triggers make ledger entries and postings
append-only on both databases: UPDATE and DELETE are refused, so a correction
can only be a reversal entry.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.base import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE_TABLES = ("ledger_entries", "ledger_postings")
IMMUTABLE_MESSAGE = "ledger rows are immutable: post a reversal entry instead"
POSTING_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("payer_id", sa.String(length=64), nullable=False),
        sa.Column("payer_kind", sa.String(length=8), nullable=False),
        sa.Column("payer_name", sa.String(length=60), nullable=False),
        sa.Column("payer_language", sa.String(length=5), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("stream_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("fee_bps", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("message", sa.String(length=280), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure_code", sa.String(length=40), nullable=True),
        sa.Column("provider_result", sa.String(length=40), nullable=True),
        sa.Column("provider_ref", sa.String(length=100), nullable=True),
        sa.Column("callback_token_hash", sa.String(length=64), nullable=False),
        sa.Column("push_state", sa.String(length=16), nullable=False),
        sa.Column("push_attempts", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("next_check_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_payments_creator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("provider_ref", name=op.f("uq_payments_provider_ref")),
        sa.UniqueConstraint("callback_token_hash", name=op.f("uq_payments_callback_token_hash")),
    )
    op.create_index("ix_payments_creator_change", "payments", ["creator_id", "change_seq"])
    for column in ("payer_id", "creator_id", "stream_id", "status", "next_check_at"):
        op.create_index(op.f(f"ix_payments_{column}"), "payments", [column])

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_idempotency_keys_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("scope", "owner_id", "key", name="uq_idempotency_keys_scope_owner_key"),
    )

    op.create_table(
        "payment_change_counters",
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_payment_change_counters_creator_id_users")
        ),
        sa.PrimaryKeyConstraint("creator_id", name=op.f("pk_payment_change_counters")),
    )

    op.create_table(
        "tickets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=False),
        sa.Column("holder_id", sa.String(length=64), nullable=False),
        sa.Column("stream_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_tickets_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_tickets_payment_id")),
    )
    op.create_index("ix_tickets_holder_stream", "tickets", ["holder_id", "stream_id"])

    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", "currency", name="uq_ledger_accounts_code_currency"),
    )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=True),
        sa.Column("reverses_entry_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_ledger_entries_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_entries_reverses_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_entries_idempotency_key")),
    )
    op.create_index(op.f("ix_ledger_entries_payment_id"), "ledger_entries", ["payment_id"])
    op.create_index(op.f("ix_ledger_entries_created_at"), "ledger_entries", ["created_at"])

    op.create_table(
        "ledger_postings",
        sa.Column("id", POSTING_ID, autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_postings_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_postings_account_id_ledger_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_postings")),
    )
    op.create_index(op.f("ix_ledger_postings_entry_id"), "ledger_postings", ["entry_id"])
    op.create_index(op.f("ix_ledger_postings_account_id"), "ledger_postings", ["account_id"])

    _create_immutability_triggers()


def _create_immutability_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{IMMUTABLE_MESSAGE}'; END $$"
        )
        for table in IMMUTABLE_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
            )
        return
    for table in IMMUTABLE_TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")
    else:
        for table in IMMUTABLE_TABLES:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    op.drop_table("ledger_postings")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_accounts")
    op.drop_table("tickets")
    op.drop_table("payment_change_counters")
    op.drop_table("idempotency_keys")
    op.drop_table("payments")
