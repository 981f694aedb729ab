"""Access tokens (short-lived signed JWTs) and refresh tokens (opaque, stored hashed).

PyJWT is imported on the first token, not with this module: it brings in
`cryptography` (~10 MB), and a bundled server waiting at the sign-in screen has no
token to sign or read yet.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from server.errors import Unauthorized

ALGORITHM = "HS256"
TokenKind = Literal["access", "guest"]


@dataclass(frozen=True)
class Principal:
    """Who a token speaks for: an account, or a chat-only guest."""

    id: str
    kind: TokenKind
    name: str
    role: str


def issue_access_token(
    secret: str, principal: Principal, ttl_s: int, now: datetime | None = None
) -> str:
    import jwt

    issued = now or datetime.now(UTC)
    claims = {
        "sub": principal.id,
        "kind": principal.kind,
        "name": principal.name,
        "role": principal.role,
        "iat": issued,
        "exp": issued + timedelta(seconds=ttl_s),
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access_token(secret: str, token: str) -> Principal:
    import jwt

    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the access token has expired", code="token_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("the access token is not valid", code="invalid_token") from None
    kind = claims.get("kind")
    if kind not in ("access", "guest"):
        raise Unauthorized("the access token is not valid", code="invalid_token")
    return Principal(
        id=str(claims["sub"]),
        kind=kind,
        name=str(claims.get("name", "")),
        role=str(claims.get("role", "")),
    )


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
