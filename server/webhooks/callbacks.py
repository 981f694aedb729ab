"""What the mobile-money webhook routes share: the per-record token in the path, the router's
documented errors, and a body that must be JSON.

Daraja, Orange Money and MoMo sign nothing, so each route only picks its payment or
payout by the unguessable token in its path (404 when unknown) and hands the body to
the domain, which never believes it on its own word; each provider's route keeps its
path, methods and answer in its own module.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from server.contract.errors import ErrorBody
from server.errors import FlashError

CallbackToken = Annotated[str, Path(min_length=8, max_length=100)]


def callback_router() -> APIRouter:
    return APIRouter(
        tags=["webhooks"], responses={400: {"model": ErrorBody}, 404: {"model": ErrorBody}}
    )


async def json_body(request: Request, what: str = "callback") -> Any:
    """The body as JSON, or the uniform 400 `malformed_json`."""
    try:
        return await request.json()
    except ValueError:
        raise FlashError(f"the {what} body is not JSON", code="malformed_json") from None
