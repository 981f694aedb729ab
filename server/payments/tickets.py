"""Who may watch a ticketed stream: the holders of a ticket, bought by a succeeded payment.

The streams domain asks `has_ticket` before letting a fan in; payments grant
the ticket in the same transaction that makes the ticket payment succeed.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from server.payments.repository import PaymentsRepository


async def has_ticket(session: AsyncSession, user_id: str, stream_id: str) -> bool:
    """`user_id` is the token's subject: an account id, or a guest's id."""
    return await PaymentsRepository(session).has_ticket(user_id, stream_id)
