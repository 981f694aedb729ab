"""Wire models of the public API (`/api/v1`) and the chat channel.

Pure pydantic, no I/O and no import of the rest of the project: the studio and
any third-party client import these to speak to the server.
"""

from server.contract.auth import (
    GuestRequest,
    GuestToken,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RegisterRequest,
    Role,
    TokenPair,
    User,
)
from server.contract.errors import ErrorBody, ErrorDetail
from server.contract.health import Health, ProviderStatus

API_PREFIX = "/api/v1"

__all__ = [
    "API_PREFIX",
    "ErrorBody",
    "ErrorDetail",
    "GuestRequest",
    "GuestToken",
    "Health",
    "LoginRequest",
    "LogoutRequest",
    "ProviderStatus",
    "RefreshRequest",
    "RegisterRequest",
    "Role",
    "TokenPair",
    "User",
]
