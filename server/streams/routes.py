"""`/streams/*`: thin handlers that parse, call the service and answer.

Reading a stream needs no account (a fan page shows it); everything else needs
the creator who owns it. Errors: 404 for an unknown stream, 403 for someone
else's (its existence is public), 409 for a state that forbids the action.
"""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response, status

from server.auth.tokens import Principal
from server.contract.errors import ErrorBody
from server.contract.streams import (
    ConnectionTest,
    OwnerStream,
    SimulcastTarget,
    SimulcastTargetCreate,
    SimulcastTargetList,
    Stream,
    StreamCreate,
    StreamList,
    StreamUpdate,
    ViewerStats,
)
from server.deps import AccountDep, SessionDep, SettingsDep, get_principal
from server.errors import Unauthorized
from server.streams import connection_test, service, simulcast, viewers
from server.streams.lifecycle import notify, stream_status_listeners
from server.streams.providers import StreamProviders, StreamUrls
from server.streams.repository import StreamsRepository

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422, 502)
}
router = APIRouter(tags=["streams"], responses=ERRORS)
AnyStream = OwnerStream | Stream


async def optional_principal(request: Request, settings: SettingsDep) -> Principal | None:
    """The caller when a token is sent (a bad one is still 401), None for an anonymous fan."""
    if "authorization" not in request.headers:
        return None
    return await get_principal(request, settings)


def stream_providers(settings: SettingsDep) -> StreamProviders:
    return StreamProviders(settings)


def stream_urls(request: Request, settings: SettingsDep) -> StreamUrls:
    return StreamUrls.build(settings, getattr(request.app.state, "rtmp_port", None))


ReaderDep = Annotated[Principal | None, Depends(optional_principal)]
ProvidersDep = Annotated[StreamProviders, Depends(stream_providers)]
UrlsDep = Annotated[StreamUrls, Depends(stream_urls)]


@router.post("/streams", response_model=AnyStream, status_code=status.HTTP_201_CREATED)
async def create_stream(
    body: StreamCreate,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    providers: ProvidersDep,
    urls: UrlsDep,
) -> AnyStream:
    repo = StreamsRepository(session)
    return await service.create_stream(repo, providers, urls, settings, account, body)


@router.get("/streams", response_model=StreamList)
async def list_streams(
    reader: ReaderDep,
    session: SessionDep,
    urls: UrlsDep,
    creator_id: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> StreamList:
    """The caller's own streams, or with `creator_id` any creator's (public view)."""
    if creator_id is None:
        if reader is None:
            raise Unauthorized("sign in to list your streams, or name a creator_id")
        creator_id = reader.id
    reader_id = reader.id if reader else None
    repo = StreamsRepository(session)
    return await service.list_streams(repo, urls, reader_id, creator_id, cursor, limit)


@router.get("/streams/{stream_id}", response_model=AnyStream)
async def get_stream(
    stream_id: str, reader: ReaderDep, session: SessionDep, urls: UrlsDep
) -> AnyStream:
    reader_id = reader.id if reader else None
    return await service.get_stream(StreamsRepository(session), urls, stream_id, reader_id)


@router.patch("/streams/{stream_id}", response_model=AnyStream)
async def update_stream(
    stream_id: str,
    body: StreamUpdate,
    account: AccountDep,
    session: SessionDep,
    providers: ProvidersDep,
    urls: UrlsDep,
) -> AnyStream:
    repo = StreamsRepository(session)
    return await service.update_stream(repo, providers, urls, account, stream_id, body)


@router.delete("/streams/{stream_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_stream(
    stream_id: str, account: AccountDep, session: SessionDep, providers: ProvidersDep
) -> Response:
    await service.delete_stream(StreamsRepository(session), providers, account, stream_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/streams/{stream_id}/reset-key", response_model=AnyStream)
async def reset_key(
    stream_id: str,
    account: AccountDep,
    session: SessionDep,
    providers: ProvidersDep,
    urls: UrlsDep,
) -> AnyStream:
    repo = StreamsRepository(session)
    return await service.reset_key(repo, providers, urls, account, stream_id)


@router.post("/streams/{stream_id}/complete", response_model=AnyStream)
async def complete(
    stream_id: str,
    request: Request,
    background: BackgroundTasks,
    account: AccountDep,
    session: SessionDep,
    providers: ProvidersDep,
    urls: UrlsDep,
) -> AnyStream:
    repo = StreamsRepository(session)
    stream, change = await service.complete(repo, providers, urls, account, stream_id)
    background.add_task(notify, stream_status_listeners(request.app), [change])
    return stream


@router.post(
    "/streams/{stream_id}/connection-test",
    response_model=ConnectionTest,
    status_code=status.HTTP_201_CREATED,
)
async def start_connection_test(
    stream_id: str,
    account: AccountDep,
    session: SessionDep,
    providers: ProvidersDep,
    urls: UrlsDep,
) -> ConnectionTest:
    """Where to publish a connection test that fans never see; delete it afterwards."""
    repo = StreamsRepository(session)
    return await connection_test.start(repo, providers, urls, account, stream_id)


@router.delete(
    "/streams/{stream_id}/connection-test/{test_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def finish_connection_test(
    stream_id: str,
    test_id: str,
    account: AccountDep,
    session: SessionDep,
    providers: ProvidersDep,
) -> Response:
    repo = StreamsRepository(session)
    await connection_test.finish(repo, providers, account, stream_id, test_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/streams/{stream_id}/simulcast-targets", response_model=SimulcastTargetList)
async def list_simulcast_targets(
    stream_id: str, account: AccountDep, session: SessionDep
) -> SimulcastTargetList:
    return await simulcast.list_targets(StreamsRepository(session), account, stream_id)


@router.post(
    "/streams/{stream_id}/simulcast-targets",
    response_model=SimulcastTarget,
    status_code=status.HTTP_201_CREATED,
)
async def add_simulcast_target(
    stream_id: str,
    body: SimulcastTargetCreate,
    account: AccountDep,
    session: SessionDep,
    providers: ProvidersDep,
) -> SimulcastTarget:
    repo = StreamsRepository(session)
    return await simulcast.add_target(repo, providers, account, stream_id, body)


@router.delete(
    "/streams/{stream_id}/simulcast-targets/{target_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def remove_simulcast_target(
    stream_id: str,
    target_id: str,
    account: AccountDep,
    session: SessionDep,
    providers: ProvidersDep,
) -> Response:
    repo = StreamsRepository(session)
    await simulcast.remove_target(repo, providers, account, stream_id, target_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/streams/{stream_id}/viewers", response_model=ViewerStats)
async def viewer_stats(stream_id: str, session: SessionDep) -> ViewerStats:
    return await viewers.viewer_stats(StreamsRepository(session), stream_id)
