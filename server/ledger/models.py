"""Ledger tables: accounts (with a cached balance), entries, and their postings.

Entries and postings are append-only: the migration installs triggers that
refuse UPDATE and DELETE on both tables, and the code has no path that tries.
A mistake is undone by a reversal entry. The account's `balance` is a cache of
the sum of its postings, kept in the same transaction as the postings so that a
conditional UPDATE can refuse an overdraft atomically; `flash-server ledger
verify` recomputes it from the postings.
"""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, UTCDateTime, new_id, utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
PostingId = BigInteger().with_variant(Integer(), "sqlite")


class LedgerAccountRow(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        UniqueConstraint("code", "currency", name="uq_ledger_accounts_code_currency"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(120))
    currency: Mapped[str] = mapped_column(String(3))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payment_id: Mapped[str | None] = mapped_column(ForeignKey("payments.id"), index=True)
    reverses_entry_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class LedgerPostingRow(Base):
    __tablename__ = "ledger_postings"

    id: Mapped[int] = mapped_column(PostingId, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
