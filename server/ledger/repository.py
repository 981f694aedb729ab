"""All SQL of the ledger. Nothing here updates or deletes an entry or a posting."""

from collections.abc import Iterable, Sequence

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.base import new_id, utcnow
from server.db.dialect import insert_for
from server.ledger.entries import EntryDraft, Posting
from server.ledger.models import LedgerAccountRow, LedgerEntryRow, LedgerPostingRow


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert_entry(self, draft: EntryDraft) -> str | None:
        """Insert the entry unless its key exists; answer the new id, or None when it existed.

        `ON CONFLICT DO NOTHING` rather than catching an IntegrityError: a concurrent
        poster of the same key waits on the unique index and then does nothing, and
        the surrounding transaction stays usable on PostgreSQL.
        """
        entry_id = new_id()
        statement = (
            insert_for(self.session, LedgerEntryRow)
            .values(
                id=entry_id,
                idempotency_key=draft.key,
                kind=draft.kind.value,
                payment_id=draft.payment_id,
                reverses_entry_id=draft.reverses_entry_id,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(LedgerEntryRow.id)
        )
        inserted = (await self.session.execute(statement)).scalar_one_or_none()
        return str(inserted) if inserted is not None else None

    async def entry_by_key(self, key: str) -> LedgerEntryRow | None:
        query = select(LedgerEntryRow).where(LedgerEntryRow.idempotency_key == key)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def entry_by_id(self, entry_id: str) -> LedgerEntryRow | None:
        return await self.session.get(LedgerEntryRow, entry_id)

    async def postings_of(self, entry_id: str) -> tuple[Posting, ...]:
        query = (
            select(LedgerAccountRow.code, LedgerPostingRow.currency, LedgerPostingRow.amount)
            .join(LedgerAccountRow, LedgerAccountRow.id == LedgerPostingRow.account_id)
            .where(LedgerPostingRow.entry_id == entry_id)
        )
        rows = (await self.session.execute(query)).all()
        return tuple(
            sorted(Posting(code, currency, int(amount)) for code, currency, amount in rows)
        )

    async def account_ids(self, slots: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Create any missing (code, currency) account and answer every slot's id."""
        wanted = sorted(set(slots))
        ids = await self._existing_ids(wanted)
        missing = [slot for slot in wanted if slot not in ids]
        for code, currency in missing:
            await self.session.execute(
                insert_for(self.session, LedgerAccountRow)
                .values(id=new_id(), code=code, currency=currency, balance=0, created_at=utcnow())
                .on_conflict_do_nothing(index_elements=["code", "currency"])
            )
        if missing:
            ids.update(await self._existing_ids(missing))
        return ids

    async def _existing_ids(self, slots: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        query = select(LedgerAccountRow.code, LedgerAccountRow.currency, LedgerAccountRow.id).where(
            tuple_(LedgerAccountRow.code, LedgerAccountRow.currency).in_(slots)
        )
        rows = (await self.session.execute(query)).all()
        return {(code, currency): account_id for code, currency, account_id in rows}

    async def insert_postings(self, entry_id: str, rows: Sequence[tuple[str, str, int]]) -> None:
        """`rows` are (account id, currency, amount)."""
        await self.session.execute(
            insert_for(self.session, LedgerPostingRow),
            [
                {
                    "entry_id": entry_id,
                    "account_id": account_id,
                    "currency": currency,
                    "amount": amount,
                }
                for account_id, currency, amount in rows
            ],
        )

    async def add_to_balance(self, account_id: str, delta: int, *, floor_zero: bool) -> bool:
        """Move the cached balance; with `floor_zero`, refuse (answer False) below zero.

        One conditional UPDATE is both the check and the write, so two concurrent
        debits can never both pass a check that only one of them may pass.
        """
        statement = update(LedgerAccountRow).where(LedgerAccountRow.id == account_id)
        if floor_zero and delta < 0:
            statement = statement.where(LedgerAccountRow.balance + delta >= 0)
        result = await self.session.execute(
            statement.values(balance=LedgerAccountRow.balance + delta)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def balance(self, code: str, currency: str) -> int:
        query = select(LedgerAccountRow.balance).where(
            LedgerAccountRow.code == code, LedgerAccountRow.currency == currency
        )
        found = (await self.session.execute(query)).scalar_one_or_none()
        return int(found or 0)

    async def balances_of(self, code: str) -> dict[str, int]:
        """Every currency's balance of one account code."""
        query = select(LedgerAccountRow.currency, LedgerAccountRow.balance).where(
            LedgerAccountRow.code == code
        )
        return {
            currency: int(balance)
            for currency, balance in (await self.session.execute(query)).all()
        }
