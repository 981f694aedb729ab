"""Account rules: who may register, sign in, refresh and sign out."""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from server.auth import passwords, tokens
from server.auth.models import RefreshTokenRow, UserRow
from server.auth.repository import AuthRepository
from server.config import Settings
from server.contract.auth import (
    GuestRequest,
    GuestToken,
    LoginRequest,
    RegisterRequest,
    TokenPair,
    User,
)
from server.db.base import new_id, utcnow
from server.errors import Conflict, NotFound, Unauthorized

WRONG_CREDENTIALS = "wrong email, phone or password"


async def register(repo: AuthRepository, settings: Settings, body: RegisterRequest) -> TokenPair:
    email = body.email.lower() if body.email else None
    if await repo.login_taken(email, body.phone):
        field = "email" if email else "phone"
        raise Conflict(
            f"an account with this {field} already exists",
            code="account_exists",
            details={"field": field},
        )
    user = UserRow(
        email=email,
        phone=body.phone,
        password_hash=await passwords.hash_password(body.password),
        display_name=body.display_name,
        role=body.role.value,
        country=body.country,
        currency=body.currency,
        language=body.language,
    )
    try:
        await repo.add_user(user)
    except IntegrityError:  # a concurrent registration won the unique index
        raise Conflict("an account with this login already exists", code="account_exists") from None
    return await _issue_pair(repo, settings, user, family_id=new_id())


async def login(repo: AuthRepository, settings: Settings, body: LoginRequest) -> TokenPair:
    email = body.email.lower() if body.email else None
    user = await repo.user_by_login(email, body.phone)
    ok = await passwords.verify_password(user.password_hash if user else None, body.password)
    if user is None or not ok:
        raise Unauthorized(WRONG_CREDENTIALS, code="wrong_credentials")
    return await _issue_pair(repo, settings, user, family_id=new_id())


async def refresh(repo: AuthRepository, settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate: the old token is spent; presenting a spent one revokes its whole family."""
    now = utcnow()
    row = await repo.refresh_token_by_hash(tokens.hash_refresh_token(refresh_token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise Unauthorized("the refresh token is not valid; sign in again", code="invalid_token")
    if row.used_at is not None or not await repo.mark_used(row.id, now):
        await repo.revoke_family(row.family_id, now)
        raise Unauthorized(
            "this refresh token was already used; every session of this sign-in is closed",
            code="token_reused",
            keep_changes=True,
        )
    user = await repo.user_by_id(row.user_id)
    if user is None:
        raise Unauthorized("the account no longer exists", code="invalid_token")
    return await _issue_pair(repo, settings, user, family_id=row.family_id)


async def logout(repo: AuthRepository, refresh_token: str) -> None:
    """Close one sign-in (its whole family). Unknown tokens are ignored: logout is idempotent."""
    row = await repo.refresh_token_by_hash(tokens.hash_refresh_token(refresh_token))
    if row is not None:
        await repo.revoke_family(row.family_id, utcnow())


def guest(settings: Settings, body: GuestRequest) -> GuestToken:
    principal = tokens.Principal(
        id="guest_" + new_id(), kind="guest", name=body.display_name, role="guest"
    )
    token = tokens.issue_access_token(settings.secret_key, principal, settings.guest_token_ttl_s)
    return GuestToken(access_token=token, expires_in=settings.guest_token_ttl_s)


async def me(repo: AuthRepository, principal: tokens.Principal) -> User:
    if principal.kind != "access":
        raise Unauthorized("a guest token has no account", code="guest_token")
    user = await repo.user_by_id(principal.id)
    if user is None:
        raise NotFound("the account no longer exists")
    return to_contract(user)


def to_contract(user: UserRow) -> User:
    return User.model_validate(user, from_attributes=True)


async def _issue_pair(
    repo: AuthRepository, settings: Settings, user: UserRow, family_id: str
) -> TokenPair:
    principal = tokens.Principal(id=user.id, kind="access", name=user.display_name, role=user.role)
    access = tokens.issue_access_token(settings.secret_key, principal, settings.access_token_ttl_s)
    refresh_token = tokens.new_refresh_token()
    await repo.add_refresh_token(
        RefreshTokenRow(
            user_id=user.id,
            family_id=family_id,
            token_hash=tokens.hash_refresh_token(refresh_token),
            expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_s),
        )
    )
    return TokenPair(
        access_token=access, refresh_token=refresh_token, expires_in=settings.access_token_ttl_s
    )
