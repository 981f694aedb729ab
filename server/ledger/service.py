"""Posting to the ledger: each key accepted once, each entry balanced, no creator overdrawn."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from server.errors import Conflict
from server.ledger.accounts import must_not_go_negative
from server.ledger.entries import (
    EntryDraft,
    EntryKind,
    LedgerInvariantError,
    Posting,
    check_balanced,
)
from server.ledger.repository import LedgerRepository


class InsufficientBalance(Conflict):
    code = "insufficient_balance"


@dataclass(frozen=True)
class PostedEntry:
    id: str
    key: str
    kind: EntryKind
    postings: tuple[Posting, ...]
    created: bool  # False when the key had been posted before: nothing was written


class Ledger:
    """The only writer of ledger rows. Works inside the caller's transaction, so an entry
    commits or rolls back together with the state change that caused it."""

    def __init__(self, session: AsyncSession) -> None:
        self.repo = LedgerRepository(session)

    async def post(self, *drafts: EntryDraft) -> list[PostedEntry]:
        """Post entries; a key posted before is a no-op that answers the first entry.

        Balance updates of all the new entries are merged and applied in a fixed
        account order, so concurrent posters on PostgreSQL never deadlock.
        """
        checked = [(draft, check_balanced(draft)) for draft in drafts]
        slots = {(p.account, p.currency) for _draft, postings in checked for p in postings}
        account_ids = await self.repo.account_ids(slots)
        results: list[PostedEntry] = []
        deltas: dict[tuple[str, str], int] = {}
        for draft, postings in checked:
            entry_id = await self.repo.insert_entry(draft)
            if entry_id is None:
                results.append(await self._existing(draft, postings))
                continue
            await self.repo.insert_postings(
                entry_id,
                [(account_ids[(p.account, p.currency)], p.currency, p.amount) for p in postings],
            )
            for posting in postings:
                slot = (posting.account, posting.currency)
                deltas[slot] = deltas.get(slot, 0) + posting.amount
            results.append(PostedEntry(entry_id, draft.key, draft.kind, postings, created=True))
        for slot in sorted(deltas):
            if deltas[slot] == 0:  # e.g. a clearing account filled and emptied in one go
                continue
            code, currency = slot
            moved = await self.repo.add_to_balance(
                account_ids[slot], deltas[slot], floor_zero=must_not_go_negative(code)
            )
            if not moved:
                raise InsufficientBalance(
                    f"the {currency} balance of {code} is too low for this",
                    details={"account": code, "currency": currency},
                )
        return results

    async def reverse(self, entry_id: str, *, key: str | None = None) -> PostedEntry:
        """Undo an entry with its exact negation; reversing the same entry twice is a no-op."""
        original = await self.repo.entry_by_id(entry_id)
        if original is None:
            raise LedgerInvariantError(f"there is no entry {entry_id} to reverse")
        if original.kind == EntryKind.REVERSAL:
            raise LedgerInvariantError("a reversal is not reversed: post the original again")
        postings = await self.repo.postings_of(entry_id)
        draft = EntryDraft(
            key=key or f"reversal:{entry_id}",
            kind=EntryKind.REVERSAL,
            postings=tuple(Posting(p.account, p.currency, -p.amount) for p in postings),
            payment_id=original.payment_id,
            reverses_entry_id=entry_id,
        )
        (posted,) = await self.post(draft)
        return posted

    async def balance(self, account: str, currency: str) -> int:
        return await self.repo.balance(account, currency)

    async def _existing(self, draft: EntryDraft, postings: tuple[Posting, ...]) -> PostedEntry:
        row = await self.repo.entry_by_key(draft.key)
        if row is None:  # the conflicting insert rolled back after we looked
            raise LedgerInvariantError(f"entry {draft.key} vanished while being posted")
        stored = await self.repo.postings_of(row.id)
        if stored != postings or row.kind != draft.kind.value:
            raise LedgerInvariantError(
                f"entry {draft.key} was already posted with different postings"
            )
        return PostedEntry(row.id, row.idempotency_key, EntryKind(row.kind), stored, created=False)
