"""`/streams/{id}/chat-settings` and `/streams/{id}/moderators`: thin REST handlers."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from server.chat import rules
from server.chat.hub import ChatHub
from server.contract.chat import ChatSettings, Moderator, ModeratorRequest
from server.contract.errors import ErrorBody
from server.deps import AccountDep

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 422)
}
router = APIRouter(tags=["chat"], responses=ERRORS)


def get_hub(request: Request) -> ChatHub:
    hub: ChatHub = request.app.state.chat
    return hub


HubDep = Annotated[ChatHub, Depends(get_hub)]
StreamIdPath = Annotated[str, Path(min_length=1, max_length=64)]
UserIdPath = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/streams/{stream_id}/chat-settings", response_model=ChatSettings)
async def get_chat_settings(
    stream_id: StreamIdPath, principal: AccountDep, hub: HubDep
) -> ChatSettings:
    return await rules.read_settings(hub, principal, stream_id)


@router.put("/streams/{stream_id}/chat-settings", response_model=ChatSettings)
async def put_chat_settings(
    stream_id: StreamIdPath, body: ChatSettings, principal: AccountDep, hub: HubDep
) -> ChatSettings:
    return await rules.write_settings(hub, principal, stream_id, body)


@router.get("/streams/{stream_id}/moderators", response_model=list[Moderator])
async def get_moderators(
    stream_id: StreamIdPath, principal: AccountDep, hub: HubDep
) -> list[Moderator]:
    return await rules.list_moderators(hub, principal, stream_id)


@router.post(
    "/streams/{stream_id}/moderators",
    response_model=Moderator,
    status_code=status.HTTP_201_CREATED,
)
async def post_moderator(
    stream_id: StreamIdPath, body: ModeratorRequest, principal: AccountDep, hub: HubDep
) -> Moderator:
    return await rules.add_moderator(hub, principal, stream_id, body.user_id)


@router.delete(
    "/streams/{stream_id}/moderators/{user_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def delete_moderator(
    stream_id: StreamIdPath, user_id: UserIdPath, principal: AccountDep, hub: HubDep
) -> Response:
    await rules.remove_moderator(hub, principal, stream_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
