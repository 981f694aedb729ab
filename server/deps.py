"""FastAPI dependencies shared by every domain: settings, a DB session, the caller.

All are `async def` although none waits: FastAPI runs a plain `def` dependency in
its thread pool, which would start worker threads for `/health` alone.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import Principal, read_access_token
from server.config import Settings
from server.db import Database
from server.errors import Forbidden, Unauthorized


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_session(
    database: Annotated[Database, Depends(get_database)],
) -> AsyncIterator[AsyncSession]:
    async with database.session() as session:
        yield session


async def get_principal(
    request: Request, settings: Annotated[Settings, Depends(get_settings)]
) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("sign in first: an Authorization: Bearer token is required")
    return read_access_token(settings.secret_key, token.strip())


async def get_account(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    """A signed-in account (not a guest)."""
    if principal.kind != "access":
        raise Forbidden("this needs an account; a guest token only allows chat", code="guest_token")
    return principal


SettingsDep = Annotated[Settings, Depends(get_settings)]
# "function" scope: commit before the response leaves, so a client never reads stale data.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
AccountDep = Annotated[Principal, Depends(get_account)]
