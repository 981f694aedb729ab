"""Simulcast targets: Mux re-streams a broadcast to YouTube, Facebook or Twitch.

Mux accepts target changes only while its live stream is idle, so we refuse
them during a broadcast (409) before asking, and store a target only once Mux
has made it.
"""

from server.auth.tokens import Principal
from server.contract.streams import (
    MAX_SIMULCAST_TARGETS,
    SimulcastTarget,
    SimulcastTargetCreate,
    SimulcastTargetList,
)
from server.db.base import new_id
from server.errors import Conflict, NotFound
from server.streams.models import SimulcastTargetRow
from server.streams.providers import StreamProviders
from server.streams.repository import StreamsRepository
from server.streams.service import owned_stream, refuse_unless_idle
from server.streams.views import simulcast_target_view


async def list_targets(
    repo: StreamsRepository, principal: Principal, stream_id: str
) -> SimulcastTargetList:
    stream = await owned_stream(repo, principal, stream_id)
    targets = await repo.simulcast_targets(stream.id)
    return SimulcastTargetList(items=[simulcast_target_view(target) for target in targets])


async def add_target(
    repo: StreamsRepository,
    providers: StreamProviders,
    principal: Principal,
    stream_id: str,
    body: SimulcastTargetCreate,
) -> SimulcastTarget:
    stream = await owned_stream(repo, principal, stream_id)
    refuse_unless_idle(stream, "add a simulcast target")
    if len(await repo.simulcast_targets(stream.id)) >= MAX_SIMULCAST_TARGETS:
        raise Conflict(
            f"a stream can have at most {MAX_SIMULCAST_TARGETS} simulcast targets",
            code="too_many_simulcast_targets",
        )
    target_id = new_id()
    made = await providers.for_stream(stream).add_simulcast_target(
        stream.provider_stream_id, body.url, body.stream_key, passthrough=target_id
    )
    target = SimulcastTargetRow(
        id=target_id,
        stream_id=stream.id,
        provider_target_id=made.id,
        label=body.label or None,
        url=body.url,
        stream_key=body.stream_key,
        status=made.status,
    )
    await repo.add_simulcast_target(target)
    return simulcast_target_view(target)


async def remove_target(
    repo: StreamsRepository,
    providers: StreamProviders,
    principal: Principal,
    stream_id: str,
    target_id: str,
) -> None:
    stream = await owned_stream(repo, principal, stream_id)
    target = await repo.simulcast_target(stream.id, target_id)
    if target is None:
        raise NotFound("this stream has no such simulcast target", code="target_not_found")
    refuse_unless_idle(stream, "remove a simulcast target")
    await repo.delete_simulcast_target(target)
    await providers.for_stream(stream).remove_simulcast_target(
        stream.provider_stream_id, target.provider_target_id
    )
