"""Connection tests: where the studio may publish a few seconds of test pattern.

A publish to a stream's own ingest is a broadcast on Mux (the stream turns
active for fans, a recording may start), so the test never goes there. A Mux
stream's test gets a throwaway Mux test-mode live stream, tagged with the
stream's id in its `passthrough`; the studio deletes it afterwards, and Mux
deletes any the studio could not (it went offline) 24 hours after they were
made, so the server keeps no list of them. A sandbox stream's test goes to the
bundled ingest's `test` application with the stream's own key.
"""

from server.auth.tokens import Principal
from server.contract.streams import ConnectionTest
from server.errors import Conflict, NotFound
from server.logs import get_logger
from server.streams import lifecycle
from server.streams.models import StreamRow
from server.streams.providers import SANDBOX, StreamProviders, StreamUrls
from server.streams.repository import StreamsRepository
from server.streams.service import owned_stream

log = get_logger("flash.streams.connection_test")

PASSTHROUGH_PREFIX = "connection-test:"


def passthrough_for(stream: StreamRow) -> str:
    """What marks a Mux test stream as this stream's (our stream ids are short)."""
    return PASSTHROUGH_PREFIX + stream.id


async def start(
    repo: StreamsRepository,
    providers: StreamProviders,
    urls: StreamUrls,
    principal: Principal,
    stream_id: str,
) -> ConnectionTest:
    stream = await owned_stream(repo, principal, stream_id)
    if stream.status in lifecycle.CLOSED:  # its key is refused by now: nothing to test for
        raise Conflict("the stream has ended; there is nothing to test for", code="stream_ended")
    if stream.provider == SANDBOX:
        return ConnectionTest(
            id=stream.provider_stream_id,
            ingest_url=urls.sandbox_test_url(),
            stream_key=stream.stream_key,
            expires_at=None,
        )
    made = await providers.connection_tests().create_test_stream(passthrough_for(stream))
    log.info("connection_test_stream_created", stream_id=stream.id, test_stream_id=made.id)
    return ConnectionTest(
        id=made.id,
        ingest_url=urls.mux_ingest_url,
        stream_key=made.stream_key,
        expires_at=made.expires_at,
    )


async def finish(
    repo: StreamsRepository,
    providers: StreamProviders,
    principal: Principal,
    stream_id: str,
    test_id: str,
) -> None:
    """Deleting a test that is gone already is done, not an error; an id that is not this
    stream's test is 404, and nothing is deleted."""
    stream = await owned_stream(repo, principal, stream_id)
    if stream.provider == SANDBOX:
        if test_id != stream.provider_stream_id:
            raise _unknown_test()
        return
    deleted = await providers.connection_tests().delete_test_stream(
        test_id, passthrough_for(stream)
    )
    if not deleted:
        raise _unknown_test()
    log.info("connection_test_stream_deleted", stream_id=stream.id, test_stream_id=test_id)


def _unknown_test() -> NotFound:
    return NotFound("this stream has no such connection test", code="connection_test_not_found")
