"""All SQL of the auth domain."""

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.models import RefreshTokenRow, UserRow


class AuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user_by_id(self, user_id: str) -> UserRow | None:
        return await self.session.get(UserRow, user_id)

    async def user_by_login(self, email: str | None, phone: str | None) -> UserRow | None:
        clause = UserRow.email == email if email is not None else UserRow.phone == phone
        return (await self.session.execute(select(UserRow).where(clause))).scalar_one_or_none()

    async def login_taken(self, email: str | None, phone: str | None) -> bool:
        clauses = []
        if email is not None:
            clauses.append(UserRow.email == email)
        if phone is not None:
            clauses.append(UserRow.phone == phone)
        found = await self.session.execute(select(UserRow.id).where(or_(*clauses)).limit(1))
        return found.first() is not None

    async def add_user(self, user: UserRow) -> UserRow:
        self.session.add(user)
        await self.session.flush()
        return user

    async def add_refresh_token(self, token: RefreshTokenRow) -> None:
        self.session.add(token)
        await self.session.flush()

    async def refresh_token_by_hash(self, token_hash: str) -> RefreshTokenRow | None:
        query = select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def mark_used(self, token_id: str, now: datetime) -> bool:
        """Mark a token used only if nobody else did first: a race counts as a reuse."""
        result = await self.session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.id == token_id, RefreshTokenRow.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        await self.session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
